import Engine
import Foundation
import Synchronization
import TradingCore

/// An ordered log shared by several doubles, to check what happened before what across them.
final class Journal: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var entries: [String] { lines.withLock { $0 } }
}

/// A `QuoteFeed` whose ticks the test pushes (`send`, then `finish`), or a fixed list (`init(ticks:)`).
/// One consumer only, as the engine is.
final class ScriptedFeed: QuoteFeed {
    let name = "scripted"
    private let stream: AsyncStream<Tick>
    private let input: AsyncStream<Tick>.Continuation
    private let state = Mutex<(handedOut: Bool, cancelled: Bool)>((false, false))

    init() {
        (stream, input) = AsyncStream.makeStream(of: Tick.self, bufferingPolicy: .unbounded)
        input.onTermination = { [weak self] termination in
            if case .cancelled = termination { self?.state.withLock { $0.cancelled = true } }
        }
    }

    /// A feed that delivers `ticks` and then ends.
    convenience init(ticks: [Tick]) {
        self.init()
        for tick in ticks { send(tick) }
        finish()
    }

    func ticks() -> AsyncStream<Tick> {
        let first = state.withLock { state in
            defer { state.handedOut = true }
            return !state.handedOut
        }
        precondition(first, "ScriptedFeed serves one consumer")
        return stream
    }

    /// Queues a tick; false if the consumer has gone away (the stream was cancelled or finished).
    @discardableResult
    func send(_ tick: Tick) -> Bool {
        if case .enqueued = input.yield(tick) { return true }
        return false
    }

    /// Ends the stream after the ticks already queued.
    func finish() { input.finish() }

    /// Whether the consumer cancelled its iteration (its task was cancelled).
    var wasCancelled: Bool { state.withLock { $0.cancelled } }
}

struct InjectedFailure: Error, Equatable {}

/// An in-memory `FiringRecorder` that behaves like the store: it knows the rules the test registered, bumps the fire
/// count, and adds one cart item per firing; it answers `superseded` for an unknown, non-live or edited rule (another
/// revision). It can be told to fail, to answer `superseded`, to be slow, or to hold every call until released.
final class FakeFiringRecorder: FiringRecorder {
    private struct State {
        var rules: [RuleID: PriceRule] = [:]
        var attempts: [RuleFiring] = []
        var recorded: [FiringRecord] = []
        var failuresLeft = 0
        var returnsNil = false
        var answer: FiringOutcome.Kind?
        var delay: Duration = .zero
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let journal: Journal?

    init(journal: Journal? = nil) { self.journal = journal }

    /// Stores (or replaces) a rule as the database holds it.
    func register(_ rule: PriceRule) { state.withLock { $0.rules[rule.id] = rule } }
    /// Deletes a rule from the "database".
    func unregister(_ id: RuleID) { state.withLock { _ = $0.rules.removeValue(forKey: id) } }

    /// The next `count` calls throw.
    func failNext(_ count: Int) { state.withLock { $0.failuresLeft = count } }
    /// Every call answers `superseded` (the firing no longer applies).
    func answerNil(_ value: Bool = true) { state.withLock { $0.returnsNil = value } }
    /// Every call answers like the store does for this kind of outcome: `alreadyRecorded` records nothing,
    /// `reconciled` records as usual and reports a count repaired from zero.
    func answer(_ kind: FiringOutcome.Kind?) { state.withLock { $0.answer = kind } }
    /// Every call takes at least `delay`.
    func setDelay(_ delay: Duration) { state.withLock { $0.delay = delay } }
    /// Calls wait until `release()`.
    func hold() { state.withLock { $0.held = true } }
    func release() {
        let waiters = state.withLock { state in
            state.held = false
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Every call, including failed ones, in call order.
    var attempts: [RuleFiring] { state.withLock { $0.attempts } }
    /// What was made durable, in commit order.
    var recorded: [FiringRecord] { state.withLock { $0.recorded } }
    /// Calls currently waiting for `release()`.
    var waiting: Int { state.withLock { $0.waiters.count } }

    func record(_ firing: RuleFiring) async throws -> FiringOutcome {
        let delay = state.withLock { state in
            state.attempts.append(firing)
            return state.delay
        }
        journal?.append("record-start \(firing.ruleID)")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceed = state.withLock { state in
                if state.held { state.waiters.append(continuation) }
                return !state.held
            }
            if proceed { continuation.resume() }
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        let answer = state.withLock { $0.answer }
        if answer == .alreadyRecorded { return .alreadyRecorded }
        let record = try state.withLock { state throws -> FiringRecord? in
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw InjectedFailure()
            }
            guard !state.returnsNil, var rule = state.rules[firing.ruleID], rule.state.isLive,
                  rule.revision == firing.revision
            else { return nil }
            rule.fireCount += 1
            rule.state = firing.nextState
            rule.lastFiredAt = firing.time
            rule.updatedAt = firing.time
            state.rules[rule.id] = rule
            let item = CartItem(id: UUID(), owner: rule.owner, symbol: rule.symbol, quantity: 1,
                                priceWhenAdded: firing.price, autoAdded: true, ruleID: rule.id,
                                fireNumber: rule.fireCount, addedAt: firing.time)
            let record = FiringRecord(rule: rule, cartItem: item)
            state.recorded.append(record)
            return record
        }
        journal?.append(record == nil ? "record-nil \(firing.ruleID)" : "recorded \(firing.ruleID)")
        guard let record else { return .superseded }
        return answer == .reconciled ? .reconciled(record, repairedFrom: 0) : .recorded(record)
    }
}

/// An in-memory `ExecutionRecorder`: executes registered pending orders at the execution's price (no charges) and
/// answers nil for anything else. Can be told to fail.
final class FakeExecutionRecorder: ExecutionRecorder {
    private struct State {
        var orders: [OrderID: Order] = [:]
        var attempts: [Execution] = []
        var settled: [Execution] = []
        var failuresLeft = 0
    }

    private let state = Mutex(State())

    func register(_ order: Order) { state.withLock { $0.orders[order.id] = order } }
    func failNext(_ count: Int) { state.withLock { $0.failuresLeft = count } }
    func order(_ id: OrderID) -> Order? { state.withLock { $0.orders[id] } }

    /// Every call, including failed ones.
    var attempts: [Execution] { state.withLock { $0.attempts } }
    /// Executions that moved an order to EXECUTED.
    var settled: [Execution] { state.withLock { $0.settled } }

    func settle(_ execution: Execution) async throws -> Order? {
        try state.withLock { state throws -> Order? in
            state.attempts.append(execution)
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw InjectedFailure()
            }
            guard var order = state.orders[execution.orderID], order.status == .pending else { return nil }
            try order.execute(price: execution.price, charges: .zero, at: execution.time)
            state.orders[order.id] = order
            state.settled.append(execution)
            return order
        }
    }

    func close(_ closure: OrderClosure) async throws -> Order? {
        state.withLock { state -> Order? in
            guard var order = state.orders[closure.orderID], order.status == .pending else { return nil }
            if closure.status == .cancelled {
                try? order.cancel(at: closure.time, reason: closure.reason)
            } else {
                try? order.fail(reason: closure.reason, at: closure.time)
            }
            state.orders[order.id] = order
            return order
        }
    }
}

/// Keeps every published event, and notes it in the journal.
final class RecordingEventSink: EngineEventSink {
    private let stored = Mutex<[EngineEvent]>([])
    private let journal: Journal?

    init(journal: Journal? = nil) { self.journal = journal }

    var events: [EngineEvent] { stored.withLock { $0 } }

    func publish(_ event: EngineEvent) {
        stored.withLock { $0.append(event) }
        switch event {
        case .ruleFired(let rule, _, _): journal?.append("ruleFired \(rule.id)")
        case .cartAdded(_, let rule): journal?.append("cartAdded \(rule.id)")
        case .orderUpdated(let order): journal?.append("orderUpdated \(order.id)")
        case .signal(let record): journal?.append("signal \(record.id)")
        }
    }
}

/// A clock the test sets.
final class SettableClock: TimeSource {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// Records every tick the engine shows its observers, in order.
final class TickTape: TickObserver {
    private let ticks = Mutex<[Tick]>([])
    func observe(_ tick: Tick) { ticks.withLock { $0.append(tick) } }
    var seen: [Tick] { ticks.withLock { $0 } }
}

/// Counts what the engine reports to its metrics observer.
final class RecordingMetrics: EngineObserver {
    struct Counts: Equatable {
        var freshTicks = 0
        var staleTicks = 0
        var outsideSessionTicks = 0
        var rulesFired = 0
        var firingsCommitted = 0
        var ordersSettled: [OrderStatus] = []
        var commitFailures = 0
        var firingOutcomes: [FiringOutcome.Kind] = []
    }

    private let state = Mutex(Counts())
    var counts: Counts { state.withLock { $0 } }

    func tickProcessed(stale: Bool) {
        state.withLock { stale ? ($0.staleTicks += 1) : ($0.freshTicks += 1) }
    }
    func tickOutsideSession() { state.withLock { $0.outsideSessionTicks += 1 } }
    func ruleFired() { state.withLock { $0.rulesFired += 1 } }
    func firingCommitted(seconds: Double) { state.withLock { $0.firingsCommitted += 1 } }
    func orderSettled(_ status: OrderStatus) { state.withLock { $0.ordersSettled.append(status) } }
    func commitFailed() { state.withLock { $0.commitFailures += 1 } }
    func firingResolved(_ outcome: FiringOutcome.Kind) { state.withLock { $0.firingOutcomes.append(outcome) } }
}
