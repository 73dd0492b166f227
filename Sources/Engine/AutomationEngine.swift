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
///
/// A settlement that still fails after its quick in-line retries is *parked*: retried in the background with
/// `SettlementBackoff` until the database takes it, so a filled order never waits for a restart to settle.
public final class AutomationEngine: Sendable {
    /// Work the committer makes durable, in arrival order.
    enum Work: Sendable {
        case firing(RuleFiring, entry: RuleBook.Entry, observedAt: Date)
        case execution(Execution)
        case closure(OrderClosure)
        case autoTrade(AutoTrade)
    }

    /// The rule books, and the `once` rules in flight between firing and commit. Each book entry carries the stored
    /// revision of its rule (`RuleBook.Entry.revision`).
    ///
    /// A firing carries the revision it was matched at: the recorder refuses it if the stored rule has moved on, a
    /// failed commit re-arms the rule only if it is still at that revision, and `apply` ignores a change older than
    /// the one the engine holds, so two edits whose `apply` calls arrive out of order leave the newer in the book.
    struct Rules {
        var books: [Symbol: RuleBook] = [:]
        /// `once` rules that fired and left their book, until the firing is committed: a failed commit puts the
        /// rule back unless the user changed it meanwhile. As many as firings in flight.
        var firing: [RuleID: (symbol: Symbol, revision: Int64)] = [:]

        /// The symbol whose book holds the rule, and its entry.
        ///
        /// Asks each book (one hash probe each): O(symbols), not O(rules). A map from every rule to its book would
        /// make this one probe but cost about 40 bytes per rule, a fifth of what a million rules take; rule edits
        /// come at thousands a second at most, and the market has tens to a few thousand symbols.
        /// `likely` is asked first: a rule is usually edited without changing its symbol.
        func locate(_ id: RuleID, likely: Symbol? = nil) -> (symbol: Symbol, entry: RuleBook.Entry)? {
            if let likely, let entry = books[likely]?.entry(of: id) { return (likely, entry) }
            for (symbol, book) in books where symbol != likely {
                if let entry = book.entry(of: id) { return (symbol, entry) }
            }
            return nil
        }

        /// Places `rule` in its symbol's book (armed or not), or takes it out when it is not live, unless the engine
        /// already holds this revision or a newer one. Returns whether the rule was changed.
        ///
        /// `startUp` is for rules read from the store into a fresh engine, one row per rule: none can be in another
        /// symbol's book, so only its own is asked (a million rules load without asking every book for each).
        mutating func place(_ rule: PriceRule, armed: Bool, startUp: Bool = false) -> Bool {
            let held = startUp ? books[rule.symbol]?.entry(of: rule.id).map { (rule.symbol, $0) }
                : locate(rule.id, likely: rule.symbol)
            let known = held?.entry.revision ?? firing[rule.id]?.revision
            if let known, known >= rule.revision { return false }
            if let held, held.symbol != rule.symbol { books[held.symbol]?.remove(rule.id) }
            firing[rule.id] = nil
            if rule.state.isLive {
                books[rule.symbol, default: RuleBook()].upsert(rule.bookEntry, armed: armed)
            } else {
                books[rule.symbol]?.remove(rule.id)
            }
            return true
        }

        /// Takes the rule out if the engine still holds it at `revision` (`likely`: the symbol it was matched on).
        mutating func withdraw(_ id: RuleID, revision: Int64, likely: Symbol) {
            if let held = locate(id, likely: likely), held.entry.revision == revision {
                books[held.symbol]?.remove(id)
            }
            if firing[id]?.revision == revision { firing[id] = nil }
        }

        /// Takes the rule out of `symbol`'s book (a deletion).
        mutating func remove(_ id: RuleID, symbol: Symbol) {
            if firing[id]?.symbol == symbol { firing[id] = nil }
            books[symbol]?.remove(id)
        }
    }

    /// Executions whose settlement is being retried in the background, one retrier task per order.
    struct Parked {
        var retries: [OrderID: (execution: Execution, task: Task<Void, Never>)] = [:]
        /// Set at shutdown: nothing new is parked, and the retriers are being wound down.
        var stopping = false
    }

    private let feed: any QuoteFeed
    private let broker: any Broker
    private let firings: any FiringRecorder
    private let executions: any ExecutionRecorder
    private let events: any EngineEventSink
    private let clock: any TimeSource
    /// How old a tick may be and still be acted on (the feed's own quote lifetime, else the server's setting).
    public let staleAfter: TimeInterval
    private let tradingHours: TradingHours
    private let observers: [any TickObserver]
    private let metrics: (any EngineObserver)?
    private let settlementBackoff: SettlementBackoff
    private let logger: Logger
    private let autoTrader: AutoTrader?
    private let autoTrades: (any SignalRecorder)?

    private let rules = Mutex(Rules())
    private let outbox: AsyncStream<Work>
    private let outboxInput: AsyncStream<Work>.Continuation
    private let lastTickAt = Mutex<Date?>(nil)
    /// Whether the last tick was too old to act on: a feed that delivers only such ticks is not healthy.
    private let lastTickStale = Atomic<Bool>(false)
    private let parked = Mutex(Parked())

    public init(feed: any QuoteFeed, broker: any Broker, firings: any FiringRecorder,
                executions: any ExecutionRecorder, events: any EngineEventSink, clock: any TimeSource,
                staleAfter: TimeInterval, tradingHours: TradingHours = .always, tickObservers: [any TickObserver] = [],
                metrics: (any EngineObserver)? = nil, settlementBackoff: SettlementBackoff = .standard,
                autoTrader: AutoTrader? = nil, autoTrades: (any SignalRecorder)? = nil,
                logger: Logger = Logger(label: "stockcart.engine")) {
        self.autoTrader = autoTrader
        self.autoTrades = autoTrades
        self.feed = feed
        self.broker = broker
        self.firings = firings
        self.executions = executions
        self.events = events
        self.clock = clock
        // The feed knows best how often its quotes come (a polling feed's are older by design).
        self.staleAfter = feed.quoteLifetime ?? staleAfter
        self.tradingHours = tradingHours
        self.observers = tickObservers
        self.metrics = metrics
        self.settlementBackoff = settlementBackoff
        self.logger = logger
        (outbox, outboxInput) = AsyncStream.makeStream(of: Work.self, bufferingPolicy: .unbounded)
    }

    // MARK: - rules

    /// Loads stored live rules at start, before any other rule reaches the engine (one row per rule, as the store
    /// holds them).
    public func load(_ rules: [PriceRule]) {
        self.rules.withLock { state in
            for rule in rules where rule.state.isLive {
                _ = state.place(rule, armed: rule.state == .watching, startUp: true)
            }
        }
    }

    /// Brings the engine in line with a rule just saved: live rules are (re)placed, others removed; a rule moved to
    /// another symbol leaves the old symbol's book. A rule older than the one the engine holds (`revision`) is
    /// ignored: the newer change was applied first. Call it only for a change the store reports: an edit that
    /// changed nothing must leave the rule's place in the book, and its armed state, alone.
    /// Returns whether the engine took the change.
    @discardableResult
    public func apply(_ rule: PriceRule) -> Bool {
        rules.withLock { state in state.place(rule, armed: rule.state == .watching) }
    }

    /// Takes over some symbols' rule books: each is rebuilt from `rules` (their live rules as stored now), whatever
    /// this engine held for them before. For an instance that has just been given these symbols.
    public func replaceRules(of symbols: Set<Symbol>, with rules: [PriceRule]) {
        self.rules.withLock { state in
            for symbol in symbols { state.books[symbol] = nil }
            for rule in rules where symbols.contains(rule.symbol) && rule.state.isLive {
                _ = state.place(rule, armed: rule.state == .watching, startUp: true)
            }
        }
    }

    /// Forgets a rule from whichever book holds it (its symbol is run by another instance now, or it is gone).
    public func forget(_ id: RuleID) {
        rules.withLock { state in
            for symbol in state.books.keys where state.books[symbol]?.entry(of: id) != nil {
                state.books[symbol]?.remove(id)
            }
        }
    }

    /// Hands some symbols' rule books back: another instance runs them now.
    public func dropRules(of symbols: Set<Symbol>) {
        rules.withLock { state in
            for symbol in symbols { state.books[symbol] = nil }
        }
    }

    /// Forgets a rule deleted from `symbol`; a no-op if the engine does not hold it there.
    public func remove(_ id: RuleID, symbol: Symbol) {
        rules.withLock { state in state.remove(id, symbol: symbol) }
    }

    /// How many rules the engine is watching.
    public var ruleCount: Int { rules.withLock { $0.books.values.reduce(0) { $0 + $1.count } } }

    /// When the engine last received a tick (for readiness).
    public var lastTickTime: Date? { lastTickAt.withLock { $0 } }

    /// Whether the last tick received was stale (older than `staleAfter`): prices are arriving, but late.
    public var lastTickWasStale: Bool { lastTickStale.load(ordering: .relaxed) }

    /// Executions the broker reported whose settlement failed and is being retried in the background.
    public var unsettledCount: Int { parked.withLock { $0.retries.count } }

    // MARK: - running

    /// Consumes the feed until it ends or the calling task is cancelled, then lets every queued commit finish
    /// before returning: shutdown loses no firing or execution the engine has already matched. Parked settlements
    /// get one last attempt; one that still fails leaves its order PENDING for the next start (see `park`).
    public func run() async {
        let committer = Task { await drainOutbox() }
        // A real broker's fills and rejections join the same outbox, so they commit in order with the rest.
        let reports = broker.reports.map { stream in
            Task { [outboxInput, autoTrader] in
                for await report in stream {
                    switch report {
                    case .executed(let execution):
                        // A real broker's fill of an auto-trader order updates its lane as a paper fill does.
                        autoTrader?.executed([execution])
                        outboxInput.yield(.execution(execution))
                    case .closed(let closure): outboxInput.yield(.closure(closure))
                    }
                }
            }
        }
        for await tick in feed.ticks() {
            // A cancelled stream still hands out the ticks it had buffered: stop taking them once cancelled.
            guard !Task.isCancelled else { break }
            process(tick)
        }
        reports?.cancel()
        await reports?.value
        outboxInput.finish()
        await committer.value
        // Only the committer parks, so once it is done the set of parked settlements is final.
        await stopParkedSettlements()
        logger.info("engine stopped; outbox drained")
    }

    /// Handles one tick synchronously: observers, stale and session checks, rule book, broker. Returns the firings it queued.
    @discardableResult
    public func process(_ tick: Tick) -> [RuleFiring] {
        for observer in observers { observer.observe(tick) }
        let now = clock.now()
        lastTickAt.withLock { $0 = now }
        // A stale quote is not evidence the price is there now: it neither fires rules nor fills orders, and the
        // book keeps its last fresh price so the next fresh tick still sees any range crossed meanwhile.
        let stale = now.timeIntervalSince(tick.time) > staleAfter
        lastTickStale.store(stale, ordering: .relaxed)
        metrics?.tickProcessed(stale: stale)
        guard !stale else { return [] }
        // Outside the session a real feed's prices are not tradable: the dashboard shows them, nothing acts on them.
        guard tradingHours.isOpen(at: tick.time) else {
            metrics?.tickOutsideSession()
            return []
        }
        let observedAt = now
        let fired: [RuleBook.Firing] = rules.withLock { state in
            guard state.books[tick.symbol] != nil else { return [] }
            let fired = state.books[tick.symbol]!.apply(price: tick.price)
            for firing in fired where !firing.remains {
                // Out of the book: remembered as in flight until its commit.
                state.firing[firing.entry.id] = (tick.symbol, firing.entry.revision)
            }
            return fired
        }
        var queued: [RuleFiring] = []
        for firing in fired {
            let entry = firing.entry
            let revision = entry.revision
            let next: PriceRule.State = if !firing.remains {
                .fired
            } else {
                entry.range.contains(firing.price) ? .inside : .watching
            }
            let record = RuleFiring(ruleID: entry.id, owner: entry.owner, symbol: tick.symbol, range: entry.range,
                                    revision: revision, price: firing.price, time: tick.time, nextState: next)
            queued.append(record)
            metrics?.ruleFired()
            outboxInput.yield(.firing(record, entry: entry, observedAt: observedAt))
        }
        // The auto-trader decides before the broker sees the tick, so an order it places is matched against it.
        if let autoTrader {
            for trade in autoTrader.process(tick, broker: broker) { outboxInput.yield(.autoTrade(trade)) }
        }
        let executions = broker.onTick(tick)
        autoTrader?.executed(executions)
        for execution in executions {
            outboxInput.yield(.execution(execution))
        }
        return queued
    }

    // MARK: - committing

    private func drainOutbox() async {
        // Orders the auto-trader placed that were not stored (a duplicate or a failure): their fills, which follow
        // them through this one queue, are dropped. Only this task reads and writes it.
        var abandoned: Set<OrderID> = []
        for await work in outbox {
            switch work {
            case let .firing(firing, entry, observedAt):
                await commit(firing, entry: entry, observedAt: observedAt)
            case let .execution(execution):
                if abandoned.remove(execution.orderID) != nil { continue }
                await settle(execution)
            case let .closure(closure):
                await close(closure)
            case let .autoTrade(trade):
                if let dropped = await commit(trade) { abandoned.insert(dropped) }
            }
        }
    }

    /// Stores one auto-trader decision, then announces it; answers the id of an order that must not go ahead
    /// (not stored), after withdrawing it from the broker.
    private func commit(_ trade: AutoTrade) async -> OrderID? {
        var record: SignalRecord?
        do {
            guard let autoTrades else { throw AutoTradeNotRecorded() }
            let signal = SignalRecord(trade, id: trade.order.map(\.id.rawValue) ?? UUID())
            record = try await withRetries { try await autoTrades.record(signal, order: trade.order) }
        } catch {
            metrics?.commitFailed()
            logger.error("could not record an auto-trader decision; its order is withdrawn", metadata: [
                "strategy_id": "\(trade.decision.strategyID)", "symbol": "\(trade.decision.symbol)",
                "error": "\(String(reflecting: error))",
            ])
        }
        if let record { events.publish(.signal(record)) }
        guard let order = trade.order else { return nil }
        guard record?.orderID == order.id else {
            // A duplicate (the same bar decided before a restart), a funds refusal or a failure: nothing placed.
            if trade.accepted { _ = await broker.cancel(order.id) }
            autoTrader?.orderEnded(order.id, executed: false)
            return order.id
        }
        if !trade.accepted {
            do {
                try await broker.submit(order)
            } catch {
                logger.error("the broker did not take an auto-trader order; it stays pending for reconciliation",
                             metadata: ["order_id": "\(order.id)", "error": "\(String(reflecting: error))"])
            }
        }
        return nil
    }

    private func commit(_ firing: RuleFiring, entry: RuleBook.Entry, observedAt: Date) async {
        let outcome: FiringOutcome
        do {
            outcome = try await withRetries { try await self.firings.record(firing) }
        } catch {
            // Nothing was saved, so nothing is published; put the rule back armed so the next tick in range fires it,
            // unless it was deleted, paused or edited since it fired (then the book already holds what the user saved).
            metrics?.commitFailed()
            let rearmed = rules.withLock { state in
                let stillThere = state.firing[firing.ruleID]?.revision == firing.revision
                    || state.books[firing.symbol]?.entry(of: firing.ruleID)?.revision == firing.revision
                guard stillThere else { return false }
                state.firing[firing.ruleID] = nil
                state.books[firing.symbol, default: RuleBook()].upsert(entry, armed: true)
                return true
            }
            logger.error(rearmed ? "could not record firing; rule re-armed" : "could not record firing", metadata: [
                "rule_id": "\(firing.ruleID)", "error": "\(String(reflecting: error))",
            ])
            return
        }
        metrics?.firingCommitted(seconds: clock.now().timeIntervalSince(observedAt))
        metrics?.firingResolved(outcome.kind)
        if firing.nextState == .fired {
            // A once rule that fired is out of the book for good once its firing is settled, whatever the outcome.
            rules.withLock { state in
                if state.firing[firing.ruleID]?.revision == firing.revision { state.firing[firing.ruleID] = nil }
            }
        }
        switch outcome {
        case .recorded(let record):
            publish(record, firing)
        case let .reconciled(record, repairedFrom):
            logger.warning("rule fire count was behind its cart items; repaired and recorded the firing", metadata: [
                "rule_id": "\(firing.ruleID)", "fire_count_found": "\(repairedFrom)",
                "fire_number": "\(record.cartItem.fireNumber ?? 0)",
            ])
            publish(record, firing)
        case .alreadyRecorded:
            logger.notice("firing was already recorded (a retry or a second writer); nothing added", metadata: [
                "rule_id": "\(firing.ruleID)", "time": "\(firing.time)",
            ])
        case .superseded:
            // The stored rule moved on (edited, paused or deleted) after this match. The engine's copy at this
            // revision is stale too: take it out; the newer change, if the rule is live, is or will be placed by
            // its own `apply`.
            rules.withLock { state in state.withdraw(firing.ruleID, revision: firing.revision, likely: firing.symbol) }
            logger.debug("firing superseded by a change to the rule", metadata: ["rule_id": "\(firing.ruleID)"])
        }
    }

    private func publish(_ record: FiringRecord, _ firing: RuleFiring) {
        events.publish(.ruleFired(rule: record.rule, price: firing.price, time: firing.time))
        events.publish(.cartAdded(item: record.cartItem, rule: record.rule))
    }

    private func settle(_ execution: Execution) async {
        do {
            settled(try await withRetries { try await self.executions.settle(execution) })
        } catch {
            // Parked before the failure is counted, so whoever sees the count also sees the retry under way.
            park(execution)
            metrics?.commitFailed()
            logger.error("could not settle execution; retrying in the background", metadata: [
                "order_id": "\(execution.orderID)", "error": "\(String(reflecting: error))",
            ])
        }
    }

    /// Records a broker's closure. Not parked on failure: the broker still has the order's final state, and the
    /// reconciliation after the next (re)connection or restart reports it again.
    private func close(_ closure: OrderClosure) async {
        do {
            settled(try await withRetries { try await self.executions.close(closure) })
        } catch {
            metrics?.commitFailed()
            logger.error("could not record the broker's closure of an order; the next reconciliation repeats it",
                         metadata: ["order_id": "\(closure.orderID)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Reports a committed settlement; nil means the order was no longer pending, so there is nothing to tell.
    private func settled(_ order: Order?) {
        guard let order else { return }
        if order.status != .pending { autoTrader?.orderEnded(order.id, executed: order.status == .executed) }
        metrics?.orderSettled(order.status)
        events.publish(.orderUpdated(order))
    }

    struct AutoTradeNotRecorded: Error {}

    // MARK: - parked settlements

    /// Keeps retrying `execution` in the background until it settles.
    ///
    /// It retries the *same* execution (price and time of the fill) rather than handing the order back to the broker
    /// for a fresh fill. The execution is the broker's report that the trade happened; settling is bookkeeping of that
    /// fact, and its outcome must not depend on database health. A real broker's fill stands whatever our database
    /// does, and resubmitting would trade twice; a re-fill on the paper broker would move the price (a free option
    /// to the user, or a loss) because of an outage. Retrying is safe because the recorder settles only a PENDING
    /// order, in one transaction: a retry of a settlement that did commit, or of an order cancelled meanwhile,
    /// settles nothing. Each order has at most one retrier, so two settlements of one order never race.
    ///
    /// Retries run beside the committer, not in it: one settlement that can never commit (a corrupt row) must not
    /// hold up every firing and fill behind it.
    private func park(_ execution: Execution) {
        parked.withLock { state in
            guard !state.stopping, state.retries[execution.orderID] == nil else { return }
            let task = Task { await self.retryInBackground(execution) }
            state.retries[execution.orderID] = (execution, task)
        }
    }

    private func retryInBackground(_ execution: Execution) async {
        var attempt = 0
        while true {
            attempt += 1
            try? await Task.sleep(for: settlementBackoff.delay(before: attempt))
            // Cancelled only at shutdown, which then makes the last attempt itself.
            if Task.isCancelled { return }
            do {
                let order = try await executions.settle(execution)
                // Publish before un-parking, so an empty parked set means every recovered order was announced.
                settled(order)
                parked.withLock { _ = $0.retries.removeValue(forKey: execution.orderID) }
                logger.notice("execution settled after background retries", metadata: [
                    "order_id": "\(execution.orderID)", "attempts": "\(attempt)",
                ])
                return
            } catch {
                logger.warning("background settlement failed; will retry", metadata: [
                    "order_id": "\(execution.orderID)", "attempt": "\(attempt)",
                    "error": "\(String(reflecting: error))",
                ])
            }
        }
    }

    /// Stops the background retries (waiting for any attempt in flight, so the same execution is never settled
    /// twice at once) and tries each still-unsettled execution once more.
    private func stopParkedSettlements() async {
        let tasks = parked.withLock { state in
            state.stopping = true
            return state.retries.values.map(\.task)
        }
        guard !tasks.isEmpty else { return }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        let left = parked.withLock { state in
            defer { state.retries = [:] }
            return state.retries.values.map(\.execution).sorted { $0.time < $1.time }
        }
        // The server stops `run()` by cancelling it; a task of its own keeps that from aborting the last attempts.
        await Task {
            for execution in left {
                do {
                    settled(try await executions.settle(execution))
                } catch {
                    // The order is still PENDING in the database, so the next start hands it back to the broker.
                    logger.error("execution unsettled at shutdown; the order stays PENDING until the next start",
                                 metadata: [
                                     "order_id": "\(execution.orderID)", "error": "\(String(reflecting: error))",
                                 ])
                }
            }
        }.value
    }

    /// Retries a commit a few times with a short backoff (a busy SQLite writer, a PostgreSQL failover). Settlements
    /// that outlast this are parked; these quick retries keep a blip from reordering fills.
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
