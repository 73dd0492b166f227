import Engine
import Fluent
import Foundation
import Logging
import MarketData
import Persistence
import Synchronization
import TradingCore

/// Runs users' auto-traders in the server: starts, stops and rebuilds each user's desk in the engine's
/// `AutoTrader` from the stored strategies and orders, keeps the account figures the risk check reads, and owns
/// the kill switch (stored, restored at start, and asked before every new BUY). Every change is stored with its
/// audit row before it takes effect, so a restart finds each auto-trader exactly as it was left.
final class AutoTraderService: Sendable {
    /// What the kill switch squares off.
    enum SquareOff: String {
        case none
        case autotrader
        case all
    }

    struct Busy: Error {}

    let autoTrader: AutoTrader
    private let database: any Database
    private let hub: MarketHub
    private let clock: any TimeSource
    private let broker: any Broker
    private let sockets: SocketHub
    private let charges: ChargeSchedule
    private let orders: OrderStore
    private let logger: Logger
    /// The server trades through a real broker: only `live` strategies run (and only `paper` ones otherwise).
    private let liveBroker: Bool
    /// Every user's tripped kill switch: reason and time (loaded at start, kept with each change).
    private let killSwitches = Mutex<[UserID: String]>([:])
    /// Users whose auto-trader is being changed: one change at a time per user.
    private let busy = Mutex<Set<UserID>>([])

    /// How many users' auto-traders run on this instance.
    var runningCount: Int { autoTrader.activeOwners.count }

    /// Whether `owner`'s auto-trader runs on this instance.
    func isRunning(_ owner: UserID) -> Bool { autoTrader.activeOwners.contains(owner) }

    /// The other instances on the database (nil alone): each runs every auto-trader's desk for the symbols it runs,
    /// so a change made here is announced, and each instance reloads that user's auto-trader from the database.
    private let otherInstances: ClusterNotifications?
    static let channel = "stockcart_autotrader"

    init(autoTrader: AutoTrader, database: any Database, hub: MarketHub, clock: any TimeSource, broker: any Broker,
         sockets: SocketHub, charges: ChargeSchedule, orders: OrderStore, liveBroker: Bool,
         otherInstances: ClusterNotifications?, logger: Logger) {
        self.otherInstances = otherInstances
        self.liveBroker = liveBroker
        self.autoTrader = autoTrader
        self.database = database
        self.hub = hub
        self.clock = clock
        self.broker = broker
        self.sockets = sockets
        self.charges = charges
        self.orders = orders
        self.logger = logger
        otherInstances?.listen(Self.channel) { [self] payload in
            guard let uuid = UUID(uuidString: payload) else { return }
            await reload(UserID(uuid))
        }
        // Changes announced while the listening connection was down were missed: every auto-trader as stored.
        otherInstances?.onReconnect { [self] in
            for stored in (try? await states.all()) ?? [] { await reload(stored.owner) }
        }
    }

    private var states: AutoTraderStateStore { AutoTraderStateStore(database: database) }

    // MARK: - start-up

    /// Puts every stored auto-trader back as it was: the kill switches tripped, the running ones running.
    func restore() async throws {
        for stored in try await states.all() {
            if let reason = stored.killReason { killSwitches.withLock { $0[stored.owner] = reason } }
            if stored.running { try await activate(stored) }
        }
    }

    // MARK: - the kill switch, as the order routes ask it

    /// Why `owner`'s new BUYs are refused, or nil when the kill switch is armed.
    func killSwitch(for owner: UserID) -> String? { killSwitches.withLock { $0[owner] } }

    /// The refusal every BUY route answers while the kill switch is tripped.
    func refuseBuys(of owner: UserID) throws {
        if let reason = killSwitch(for: owner) {
            throw APIError(.conflict, "kill switch tripped (\(reason)): new BUY orders are refused until you re-arm it "
                           + "on the auto-trader page", field: "kill_switch")
        }
    }

    // MARK: - state

    func state(of owner: UserID, cancelled: [OrderID]? = nil, squaredOff: [OrderID]? = nil) async throws
        -> AutoTraderResponse {
        let stored = try await states.get(owner) ?? StoredAutoTrader(owner: owner, updatedAt: clock.now())
        let enabled = try await StrategyStore(database: database).list(owner: owner).count(where: \.enabled)
        let positions = autoTrader.positions(of: owner).map { view in
            let last = hub.quote(for: view.symbol)?.lastPrice
            let open = view.position.isOpen
            return AutoTraderResponse.Position(
                strategyId: view.strategyID.rawValue, strategyName: view.strategyName, symbol: view.symbol.rawValue,
                quantity: view.position.quantity, entryPrice: open ? view.position.entryPrice.rupeesDouble : nil,
                entryTime: view.position.entryTime, lastPrice: last?.rupeesDouble,
                unrealisedPnL: last.map { Double(($0.paise - view.position.entryPrice.paise) * view.position.quantity) / 100 },
                stopLoss: view.stopLoss?.rupeesDouble, takeProfit: view.takeProfit?.rupeesDouble,
                trailingStop: view.trailingStop?.rupeesDouble, workingOrder: view.workingOrder?.rawValue)
        }
        return AutoTraderResponse(
            state: stored.running ? "running" : "stopped", startedAt: stored.running ? stored.startedAt : nil,
            enabledStrategies: enabled,
            killSwitch: .init(tripped: stored.killReason != nil, reason: stored.killReason, trippedAt: stored.killedAt),
            positions: positions, limits: .init(stored.limits),
            cancelledOrders: cancelled.map { $0.map(\.rawValue) },
            squareOffOrders: squaredOff.map { $0.map(\.rawValue) })
    }

    private func announce(_ owner: UserID) async {
        await tellOtherInstances(owner)
        guard let state = try? await state(of: owner) else { return }
        sockets.send(SocketMessage.AutoTraderChanged(state: state), to: owner)
    }

    private func tellOtherInstances(_ owner: UserID) async {
        guard let otherInstances else { return }
        do {
            try await otherInstances.publish(Self.channel, owner.rawValue.uuidString)
        } catch {
            logger.error("could not tell the other instances of an auto-trader change", metadata: [
                "user_id": "\(owner)", "error": "\(String(describing: error))"])
        }
    }

    /// Another instance changed `owner`'s auto-trader (or this one took symbols over): the kill switch and the desk
    /// as stored now.
    func reload(_ owner: UserID) async {
        do {
            try await exclusively(owner) {
                let stored = try await states.get(owner)
                killSwitches.withLock { $0[owner] = stored?.killReason }
                if let stored, stored.running {
                    try await activate(stored)
                } else {
                    autoTrader.deactivate(owner: owner)
                }
            }
        } catch {
            logger.error("could not reload an auto-trader", metadata: [
                "user_id": "\(owner)", "error": "\(String(describing: error))"])
        }
    }

    /// Rebuilds every running desk from the database (this instance has just taken symbols over: their lanes'
    /// positions are as the instance that ran them left them).
    func reloadRunning() async {
        for owner in autoTrader.activeOwners { await reload(owner) }
    }

    // MARK: - changes

    /// Runs `change` as the only change to `owner`'s auto-trader in progress, after waiting for one already
    /// running (a start racing an edit, say); 409 if that takes longer than ten seconds.
    private func exclusively<T: Sendable>(_ owner: UserID, _ change: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(10)
        while !busy.withLock({ $0.insert(owner).inserted }) {
            guard ContinuousClock.now < deadline else {
                throw APIError(.conflict, "another change to the auto-trader is in progress; try again", field: "state")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        defer { _ = busy.withLock { $0.remove(owner) } }
        return try await change()
    }

    func start(_ owner: UserID, audit: AuditEntry) async throws -> AutoTraderResponse {
        try await exclusively(owner) {
            try refuseBuys(of: owner)
            var stored = try await states.get(owner) ?? StoredAutoTrader(owner: owner, updatedAt: audit.time)
            if !stored.running {
                stored.running = true
                stored.startedAt = audit.time
                stored.updatedAt = audit.time
                try await states.save(stored, audit: audit)
            }
            try await activate(stored)
        }
        await announce(owner)
        return try await state(of: owner)
    }

    func stop(_ owner: UserID, audit: AuditEntry) async throws -> AutoTraderResponse {
        try await exclusively(owner) {
            var stored = try await states.get(owner) ?? StoredAutoTrader(owner: owner, updatedAt: audit.time)
            stored.running = false
            stored.updatedAt = audit.time
            try await states.save(stored, audit: audit)
            autoTrader.deactivate(owner: owner)
        }
        await announce(owner)
        return try await state(of: owner)
    }

    func setLimits(_ owner: UserID, _ limits: RiskLimits, audit: AuditEntry) async throws -> AutoTraderResponse {
        try await exclusively(owner) {
            var stored = try await states.get(owner) ?? StoredAutoTrader(owner: owner, updatedAt: audit.time)
            stored.limits = limits
            stored.updatedAt = audit.time
            try await states.save(stored, audit: audit)
            if stored.running { try await activate(stored) }
        }
        await announce(owner)
        return try await state(of: owner)
    }

    /// A strategy was created, edited, enabled, disabled or deleted: a running auto-trader is rebuilt with it.
    func strategiesChanged(_ owner: UserID) async throws {
        try await exclusively(owner) {
            guard let stored = try await states.get(owner), stored.running else { return }
            try await activate(stored)
        }
        await tellOtherInstances(owner)
    }

    /// Trips the kill switch: stops the auto-trader, refuses new BUYs, cancels every open order of the user, and
    /// sells what `squareOff` names. Answers the state with the orders cancelled and placed.
    func kill(_ owner: UserID, squareOff: SquareOff, reason: String, audit: AuditEntry) async throws
        -> AutoTraderResponse {
        let (cancelled, placed) = try await exclusively(owner) { () async throws -> ([OrderID], [OrderID]) in
            var stored = try await states.get(owner) ?? StoredAutoTrader(owner: owner, updatedAt: audit.time)
            stored.running = false
            if stored.killReason == nil {
                stored.killReason = reason
                stored.killedAt = audit.time
            }
            stored.updatedAt = audit.time
            try await states.save(stored, audit: audit)
            killSwitches.withLock { $0[owner] = stored.killReason }
            autoTrader.deactivate(owner: owner)
            let cancelled = try await cancelOpenOrders(of: owner, audit: audit)
            let placed = try await squareOffPositions(of: owner, squareOff, audit: audit)
            return (cancelled, placed)
        }
        await announce(owner)
        return try await state(of: owner, cancelled: cancelled, squaredOff: placed)
    }

    func rearm(_ owner: UserID, audit: AuditEntry) async throws -> AutoTraderResponse {
        try await exclusively(owner) {
            var stored = try await states.get(owner) ?? StoredAutoTrader(owner: owner, updatedAt: audit.time)
            stored.killReason = nil
            stored.killedAt = nil
            stored.updatedAt = audit.time
            try await states.save(stored, audit: audit)
            killSwitches.withLock { $0[owner] = nil }
        }
        await announce(owner)
        return try await state(of: owner)
    }

    // MARK: - the desk

    /// Builds `owner`'s desk in the engine from the enabled strategies, what each holds (from the orders its
    /// auto-trader placed), the account and the limits, warmed up on the hub's bars.
    private func activate(_ stored: StoredAutoTrader) async throws {
        let owner = stored.owner
        let enabled = try await StrategyStore(database: database).list(owner: owner).filter(\.enabled).reversed()
            .map(\.plan)
        // A strategy saved for another broker (the server's BROKER changed since) does not run here: a paper
        // strategy must never place real orders, nor a live one pretend on paper.
        let mode: StrategyPlan.Mode = liveBroker ? .live : .paper
        let plans = enabled.filter { $0.mode == mode }
        if plans.count < enabled.count {
            logger.warning("enabled strategies of another mode than this server's broker are not run", metadata: [
                "user_id": "\(owner)", "skipped": "\(enabled.count - plans.count)", "mode": "\(mode.rawValue)",
            ])
        }
        let held = try await StrategyPositions(database: database).lanes(of: owner)
        let lanes = held.mapValues { bySymbol in
            bySymbol.mapValues { lane in
                var position = LanePosition()
                position.quantity = lane.quantity
                position.entryPrice = lane.entryPrice
                position.entryTime = lane.entryTime
                position.highWater = lane.highWater
                return AutoTrader.LaneState(position: position, working: lane.working.map {
                    AutoTrader.WorkingOrder(id: $0.id, side: $0.side, quantity: $0.quantity)
                })
            }
        }
        let account = try await refreshedAccount(stored)
        var risk = RiskManager(limits: stored.limits, charges: charges)
        if let reason = stored.killReason { risk.trip(reason) }
        let now = clock.now()
        let hub = hub
        autoTrader.activate(owner: owner, plans: Array(plans), risk: risk, account: account, lanes: lanes) {
            symbol, interval in
            let bars = hub.candles(for: symbol, interval: interval, limit: 1_000)
            guard let last = bars.last, last.time == interval.bucketStart(for: now) else { return (bars, nil) }
            return (Array(bars.dropLast()), last)
        }
        logger.info("auto-trader active", metadata: ["user_id": "\(owner)", "strategies": "\(plans.count)"])
    }

    // MARK: - accounts

    /// Refreshes the account figures of every running auto-trader, and trips the kill switch of one that reached
    /// its daily loss limit. Run every second by a background job.
    func refreshAccounts() async {
        // Only the auto-traders running here: an idle server reads nothing.
        for owner in autoTrader.activeOwners {
            guard let state = try? await states.get(owner), state.running else { continue }
            guard let account = try? await refreshedAccount(state) else { continue }
            autoTrader.updateAccount(state.owner, account)
            let risk = RiskManager(limits: state.limits, charges: nil)
            if risk.dailyLossReached(account), let limit = state.limits.maxDailyLoss {
                let reason = "the daily loss limit of \(limit) was reached"
                let audit = AuditEntry(userID: state.owner.rawValue, action: "autotrader.kill", detail: reason, ip: nil,
                                       requestID: nil, time: clock.now())
                do {
                    _ = try await kill(state.owner, squareOff: .none, reason: reason, audit: audit)
                    logger.warning("daily loss limit reached; auto-trader halted and kill switch tripped",
                                   metadata: ["user_id": "\(state.owner)"])
                } catch {
                    logger.error("could not trip the kill switch at the daily loss limit",
                                 metadata: ["user_id": "\(state.owner)", "error": "\(String(reflecting: error))"])
                }
            }
        }
    }

    /// `refreshAccounts` once a second until cancelled (a background job).
    func refreshAccountsEverySecond() async {
        while !Task.isCancelled {
            await refreshAccounts()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The account as the risk check reads it: cash not set aside, equity at the hub's prices, exposure at average
    /// prices, and the equity the IST day started with (taken at the first refresh of the day and stored).
    private func refreshedAccount(_ stored: StoredAutoTrader) async throws -> RiskAccount {
        let snapshot = try await PortfolioStore(database: database).snapshot(owner: stored.owner)
        var equity = snapshot.cash.paise
        var exposure: [Symbol: Money] = [:]
        for holding in snapshot.holdings where holding.quantity > 0 {
            let price = hub.quote(for: holding.symbol)?.lastPrice ?? holding.averagePrice
            equity += price.paise * holding.quantity
            exposure[holding.symbol] = Money(paise: holding.averagePrice.paise * holding.quantity)
        }
        let today = ISTTime.text(clock.now(), dateOnly: true)
        var dayStart = stored.dayStartEquity
        if stored.day != today || dayStart == nil {
            dayStart = Money(paise: equity)
            var updated = stored
            updated.day = today
            updated.dayStartEquity = dayStart
            updated.updatedAt = clock.now()
            try await states.save(updated, audit: nil)
        }
        return RiskAccount(cash: snapshot.cash - snapshot.reserved, equity: Money(paise: equity),
                           dayStartEquity: dayStart ?? Money(paise: equity), exposure: exposure)
    }

    // MARK: - kill switch work

    private func cancelOpenOrders(of owner: UserID, audit: AuditEntry) async throws -> [OrderID] {
        let now = audit.time
        var cancelled: [OrderID] = []
        var after: OrderID?
        repeat {
            let page = try await orders.list(owner: owner, status: .pending, after: after, limit: 500)
            for order in page.items where await broker.cancel(order.id) {
                autoTrader.orderEnded(order.id, executed: false)
                cancelled.append(order.id)
                // A real broker confirms the cancellation on its order updates, which record it then.
                guard !broker.confirmsCancellations else { continue }
                do {
                    guard let closed = try await orders.cancel(order.id, owner: owner, now: now) else { continue }
                    sockets.publish(.orderUpdated(closed))
                    var entry = audit
                    entry.action = "order.cancel"
                    entry.entityID = order.id.description
                    entry.detail = "\(order.side.rawValue) \(order.quantity) \(order.symbol) (kill switch)"
                    try await AuditStore(database: database).record(entry)
                } catch {
                    // Withdrawn from the broker, so it cannot fill; the next start hands it back, pending, to
                    // be cancelled again.
                    logger.error("kill switch: an order withdrawn from the broker could not be recorded cancelled",
                                 metadata: ["order_id": "\(order.id)", "error": "\(String(reflecting: error))"])
                }
            }
            after = page.nextAfter.map(OrderID.init)
        } while after != nil
        return cancelled
    }

    private func squareOffPositions(of owner: UserID, _ squareOff: SquareOff, audit: AuditEntry) async throws
        -> [OrderID] {
        guard squareOff != .none else { return [] }
        let holdings = try await PortfolioStore(database: database).snapshot(owner: owner).holdings
        var available = Dictionary(holdings.map { ($0.symbol, $0.quantity) }, uniquingKeysWith: +)
        var sales: [(symbol: Symbol, quantity: Int64, strategy: StrategyID?)] = []
        for (strategy, lanes) in try await StrategyPositions(database: database).lanes(of: owner) {
            for (symbol, lane) in lanes where lane.quantity > 0 {
                let quantity = min(lane.quantity, available[symbol] ?? 0)
                guard quantity > 0 else { continue }
                available[symbol, default: 0] -= quantity
                sales.append((symbol, quantity, strategy))
            }
        }
        if squareOff == .all {
            for (symbol, quantity) in available where quantity > 0 { sales.append((symbol, quantity, nil)) }
        }
        var placed: [OrderID] = []
        for sale in sales.sorted(by: { $0.symbol < $1.symbol }) {
            guard let price = hub.quote(for: sale.symbol)?.lastPrice,
                  let order = try? Order(id: OrderID(UUID()), owner: owner, symbol: sale.symbol, side: .sell,
                                         type: .market, quantity: sale.quantity, limitPrice: nil, createdAt: audit.time)
            else { continue }
            var entry = audit
            entry.action = "order.place"
            entry.entityID = order.id.description
            entry.detail = "SELL \(sale.quantity) \(sale.symbol) MARKET (kill switch square-off)"
            do {
                let result = try await orders.place(.init(order: order, estimatePrice: price), idempotencyKey: nil,
                                                    audit: entry, strategyID: sale.strategy)
                try await broker.submit(result.order)
                placed.append(result.order.id)
            } catch {
                logger.error("kill switch square-off order not placed", metadata: [
                    "user_id": "\(owner)", "symbol": "\(sale.symbol)", "error": "\(String(reflecting: error))",
                ])
            }
        }
        return placed
    }
}
