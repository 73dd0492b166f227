import Brokers
import Engine
import Foundation
import Synchronization
import Testing
import TradingCore

/// An `AutomationEngine` wired to test doubles and a real `PaperBroker`, with `run()` going in a task.
///
/// Tests drive ticks with `tick(_:_:age:)` (the engine's synchronous `process`, so the order of ticks and rule changes
/// is exact) or through `feed`; commits happen on the engine's committer and are checked with `eventually`,
/// `waitForCommits()` (a barrier through the outbox) or `stop()` (which returns after the outbox is drained).
final class EngineHarness: Sendable {
    /// Orders on this symbol are the commit barrier; no test rule watches it.
    static let barrierSymbol: Symbol = "ZZBARRIER"

    let feed: ScriptedFeed
    let broker = PaperBroker()
    let journal = Journal()
    let firings: FakeFiringRecorder
    let executions = FakeExecutionRecorder()
    let sink: RecordingEventSink
    let clock = SettableClock(marketOpen)
    let metrics = RecordingMetrics()
    let tape = TickTape()
    let engine: AutomationEngine
    private let runner = Mutex<Task<Void, Never>?>(nil)
    private let revisions = Mutex<[RuleID: Int64]>([:])

    /// Background settlement retries, fast so recovery tests take milliseconds.
    static let quickBackoff = SettlementBackoff(initial: .milliseconds(1), maximum: .milliseconds(20))

    init(staleAfter: TimeInterval = 5, tradingHours: TradingHours = .always, feed: ScriptedFeed = ScriptedFeed(),
         observers: [any TickObserver] = [], settlementBackoff: SettlementBackoff = quickBackoff, start: Bool = true) {
        self.feed = feed
        firings = FakeFiringRecorder(journal: journal)
        sink = RecordingEventSink(journal: journal)
        engine = AutomationEngine(feed: feed, broker: broker, firings: firings, executions: executions, events: sink,
                                  clock: clock, staleAfter: staleAfter, tradingHours: tradingHours,
                                  tickObservers: [tape] + observers,
                                  metrics: metrics, settlementBackoff: settlementBackoff)
        if start { self.start() }
    }

    /// Starts `run()` in a new task.
    func start() {
        let engine = engine
        runner.withLock { runner in
            precondition(runner == nil, "already started")
            runner = Task { await engine.run() }
        }
    }

    /// The task running `run()`.
    var runTask: Task<Void, Never>? { runner.withLock { $0 } }

    /// Ends the feed and waits for `run()` to return, so every queued commit is done.
    func stop() async {
        feed.finish()
        await runTask?.value
    }

    /// Saves a rule "in the database" and hands it to the engine, as the rule controller does: each save of a rule
    /// is a change, so it gets the next revision (the store counts edits the same way). Returns the rule as saved.
    @discardableResult
    func add(_ rule: PriceRule) -> PriceRule {
        var saved = rule
        saved.revision = revisions.withLock { known in
            let next = (known[rule.id] ?? 0) + 1
            known[rule.id] = next
            return next
        }
        firings.register(saved)
        engine.apply(saved)
        return saved
    }

    /// A tick stamped `age` seconds before the clock's now.
    func makeTick(_ symbol: Symbol, _ price: String, age: TimeInterval = 0) -> Tick {
        Tick(symbol: symbol, price: rupees(price), volume: 100, time: clock.now().addingTimeInterval(-age))
    }

    /// Processes one tick synchronously; the firings it queued.
    @discardableResult
    func tick(_ symbol: Symbol, _ price: String, age: TimeInterval = 0) -> [RuleFiring] {
        engine.process(makeTick(symbol, price, age: age))
    }

    /// Submits a pending order to the paper broker and "stores" it for the execution recorder.
    func submit(_ order: Order) async throws {
        executions.register(order)
        try await broker.submit(order)
    }

    /// Returns once everything queued on the outbox so far has been committed: queues an execution behind it and
    /// waits for the committer to reach it (the committer handles work strictly in order). The barrier order is
    /// unknown to the execution recorder, so it publishes nothing.
    func waitForCommits(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let order = try Order(id: OrderID(UUID()), owner: userID(0), symbol: Self.barrierSymbol, side: .buy,
                              type: .market, quantity: 1, limitPrice: nil, createdAt: clock.now())
        try await broker.submit(order)
        engine.process(makeTick(Self.barrierSymbol, "1.00"))
        let executions = executions
        try #require(await eventually { executions.attempts.contains { $0.orderID == order.id } },
                     "the committer did not reach the barrier", sourceLocation: sourceLocation)
    }
}
