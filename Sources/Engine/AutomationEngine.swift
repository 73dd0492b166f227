import Foundation
import Logging
import Synchronization
import TradingCore

/// The event-driven automation engine: every tick goes to the symbol's `RuleBook` and to the broker; firings and
/// executions are made durable by the recorders, and only then published as events.
///
/// The tick path is synchronous and never touches the database: `process(_:)` updates the rule book under a lock
/// and queues what happened on an outbox. One committer task drains the outbox in order, so the tick loop never
/// waits for a commit and a slow database delays notifications, not matching. The same class runs in the server
/// (live feed, wall clock) and in tests and backtests (scripted feed, simulated clock).
public final class AutomationEngine: Sendable {
    /// Work the committer makes durable, in arrival order.
    enum Work: Sendable {
        case firing(RuleFiring, entry: RuleBook.Entry, observedAt: Date)
        case execution(Execution)
    }

    private let feed: any QuoteFeed
    private let broker: any Broker
    private let firings: any FiringRecorder
    private let executions: any ExecutionRecorder
    private let events: any EngineEventSink
    private let clock: any TimeSource
    private let staleAfter: TimeInterval
    private let observers: [any TickObserver]
    private let metrics: (any EngineObserver)?
    private let logger: Logger

    private let books = Mutex<[Symbol: RuleBook]>([:])
    private let outbox: AsyncStream<Work>
    private let outboxInput: AsyncStream<Work>.Continuation
    private let lastTickAt = Mutex<Date?>(nil)

    public init(feed: any QuoteFeed, broker: any Broker, firings: any FiringRecorder,
                executions: any ExecutionRecorder, events: any EngineEventSink, clock: any TimeSource,
                staleAfter: TimeInterval, tickObservers: [any TickObserver] = [], metrics: (any EngineObserver)? = nil,
                logger: Logger = Logger(label: "stockcart.engine")) {
        self.feed = feed
        self.broker = broker
        self.firings = firings
        self.executions = executions
        self.events = events
        self.clock = clock
        self.staleAfter = staleAfter
        self.observers = tickObservers
        self.metrics = metrics
        self.logger = logger
        (outbox, outboxInput) = AsyncStream.makeStream(of: Work.self, bufferingPolicy: .unbounded)
    }

    // MARK: - rules

    /// Loads stored live rules (at start).
    public func load(_ rules: [PriceRule]) {
        books.withLock { books in
            for rule in rules where rule.state.isLive {
                books[rule.symbol, default: RuleBook()].upsert(rule.bookEntry, armed: rule.state == .watching)
            }
        }
    }

    /// Brings the engine in line with a rule just saved: live rules are (re)placed, others removed.
    /// A rule moved to another symbol is removed from the old symbol's book.
    public func apply(_ rule: PriceRule, previousSymbol: Symbol? = nil) {
        books.withLock { books in
            if let previousSymbol, previousSymbol != rule.symbol { books[previousSymbol]?.remove(rule.id) }
            if rule.state.isLive {
                books[rule.symbol, default: RuleBook()].upsert(rule.bookEntry, armed: rule.state == .watching)
            } else {
                books[rule.symbol]?.remove(rule.id)
            }
        }
    }

    /// Forgets a deleted rule.
    public func remove(_ id: RuleID, symbol: Symbol) {
        books.withLock { _ = $0[symbol]?.remove(id) }
    }

    /// How many rules the engine is watching.
    public var ruleCount: Int { books.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// When the engine last received a tick (for readiness).
    public var lastTickTime: Date? { lastTickAt.withLock { $0 } }

    // MARK: - running

    /// Consumes the feed until it ends or the calling task is cancelled, then lets every queued commit finish
    /// before returning: shutdown loses no firing or execution the engine has already matched.
    public func run() async {
        let committer = Task { await drainOutbox() }
        for await tick in feed.ticks() {
            process(tick)
        }
        outboxInput.finish()
        await committer.value
        logger.info("engine stopped; outbox drained")
    }

    /// Handles one tick synchronously: observers, stale check, rule book, broker. Returns the firings it queued.
    @discardableResult
    public func process(_ tick: Tick) -> [RuleFiring] {
        for observer in observers { observer.observe(tick) }
        let now = clock.now()
        lastTickAt.withLock { $0 = now }
        // A stale quote is not evidence the price is there now: it neither fires rules nor fills orders, and the
        // book keeps its last fresh price so the next fresh tick still sees any range crossed meanwhile.
        let stale = now.timeIntervalSince(tick.time) > staleAfter
        metrics?.tickProcessed(stale: stale)
        guard !stale else { return [] }
        let observedAt = now
        let fired: [RuleBook.Firing] = books.withLock { books in
            guard books[tick.symbol] != nil else { return [] }
            return books[tick.symbol]!.apply(price: tick.price)
        }
        var queued: [RuleFiring] = []
        for firing in fired {
            let entry = firing.entry
            let next: PriceRule.State = if !firing.remains {
                .fired
            } else {
                entry.range.contains(firing.price) ? .inside : .watching
            }
            let record = RuleFiring(ruleID: entry.id, owner: entry.owner, symbol: tick.symbol, range: entry.range,
                                    price: firing.price, time: tick.time, nextState: next)
            queued.append(record)
            metrics?.ruleFired()
            outboxInput.yield(.firing(record, entry: entry, observedAt: observedAt))
        }
        for execution in broker.onTick(tick) {
            outboxInput.yield(.execution(execution))
        }
        return queued
    }

    // MARK: - committing

    private func drainOutbox() async {
        for await work in outbox {
            switch work {
            case let .firing(firing, entry, observedAt):
                await commit(firing, entry: entry, observedAt: observedAt)
            case let .execution(execution):
                await settle(execution)
            }
        }
    }

    private func commit(_ firing: RuleFiring, entry: RuleBook.Entry, observedAt: Date) async {
        do {
            let record = try await withRetries { try await self.firings.record(firing) }
            metrics?.firingCommitted(seconds: clock.now().timeIntervalSince(observedAt))
            guard let record else { return }
            events.publish(.ruleFired(rule: record.rule, price: firing.price, time: firing.time))
            events.publish(.cartAdded(item: record.cartItem, rule: record.rule))
        } catch {
            // Nothing was saved, so nothing is published; put the rule back armed so the next tick in range fires it.
            metrics?.commitFailed()
            logger.error("could not record firing; rule re-armed", metadata: [
                "rule_id": "\(firing.ruleID)", "error": "\(String(reflecting: error))",
            ])
            books.withLock { $0[firing.symbol, default: RuleBook()].upsert(entry, armed: true) }
        }
    }

    private func settle(_ execution: Execution) async {
        do {
            guard let order = try await withRetries({ try await self.executions.settle(execution) }) else { return }
            metrics?.orderSettled(order.status)
            events.publish(.orderUpdated(order))
        } catch {
            metrics?.commitFailed()
            logger.error("could not settle execution", metadata: [
                "order_id": "\(execution.orderID)", "error": "\(String(reflecting: error))",
            ])
        }
    }

    /// Retries a commit a few times with a short backoff (a busy SQLite writer, a PostgreSQL failover).
    private func withRetries<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch {
                attempt += 1
                if attempt >= 3 { throw error }
                try? await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }
}
