import Foundation
import Synchronization
import TradingCore

/// The live auto-trader of every user who started one: each user's `TradingDesk`, the bars of the strategies'
/// timeframes built from the tick stream, and the orders in flight. The engine calls it on every fresh,
/// in-session tick before the broker sees that tick, so an order decided on a tick is matched against it, exactly
/// as the backtester replays bars. Pure and synchronous like the rest of the tick path: no I/O, no clock.
public final class AutoTrader: Sendable {
    /// What one of a user's lanes holds, for display.
    public struct PositionView: Hashable, Sendable {
        public var strategyID: StrategyID
        public var strategyName: String
        public var symbol: Symbol
        public var position: LanePosition
        public var stopLoss: Money?
        public var takeProfit: Money?
        public var trailingStop: Money?
        public var workingOrder: OrderSide?
    }

    /// What a lane held when its desk is rebuilt (restart, edit): its position and its order still working.
    public struct LaneState: Hashable, Sendable {
        public var position: LanePosition
        public var working: WorkingOrder?
        public init(position: LanePosition, working: WorkingOrder?) {
            self.position = position
            self.working = working
        }
    }

    /// A stored order of the auto-trader that has not ended yet.
    public struct WorkingOrder: Hashable, Sendable {
        public var id: OrderID
        public var side: OrderSide
        public var quantity: Int64
        public init(id: OrderID, side: OrderSide, quantity: Int64) {
            self.id = id
            self.side = side
            self.quantity = quantity
        }
    }

    struct Session {
        var desk: TradingDesk
        var account: RiskAccount
        var names: [StrategyID: String]
    }

    struct InFlight {
        let owner: UserID
        let lane: Int
        let side: OrderSide
        let quantity: Int64
        /// The lane before the fill was applied, to put back if the fill is not settled after all.
        var before: LanePosition?
    }

    struct BarKey: Hashable {
        let symbol: Symbol
        let interval: CandleInterval
    }

    struct State {
        var sessions: [UserID: Session] = [:]
        var watchers: [Symbol: [UserID]] = [:]
        var intervals: [Symbol: Set<CandleInterval>] = [:]
        var bars: [BarKey: Candle] = [:]
        var inFlight: [OrderID: InFlight] = [:]
    }

    private let state = Mutex(State())
    /// Whether any session runs: read on every tick without the lock, so an idle auto-trader costs one load.
    private let running = Atomic<Bool>(false)
    private let charges: ChargeSchedule?
    private let makeID: @Sendable () -> UUID

    /// `charges` estimate what a fill costs, to keep the cached account current between refreshes; `makeID`
    /// names the orders it places.
    public init(charges: ChargeSchedule?, makeID: @escaping @Sendable () -> UUID = { UUID() }) {
        self.charges = charges
        self.makeID = makeID
    }

    // MARK: - sessions

    /// Starts (or rebuilds) `owner`'s auto-trader with `plans`: each lane's indicators are warmed up on `history`
    /// (the closed bars of its symbol and timeframe, oldest first; the last, still forming, bar continues as the
    /// current one), and `lanes` puts back what each (strategy, symbol) held.
    public func activate(owner: UserID, plans: [StrategyPlan], risk: RiskManager, account: RiskAccount,
                         lanes: [StrategyID: [Symbol: LaneState]],
                         history: (Symbol, CandleInterval) -> (closed: [Candle], forming: Candle?)) {
        var desk = TradingDesk(plans: plans, risk: risk)
        var loaded: [BarKey: (closed: [Candle], forming: Candle?)] = [:]
        var working: [OrderID: InFlight] = [:]
        for lane in 0..<desk.laneCount {
            let plan = desk.plan(of: lane)
            let symbol = desk.symbol(of: lane)
            let key = BarKey(symbol: symbol, interval: plan.timeframe)
            let bars = loaded[key] ?? history(symbol, plan.timeframe)
            loaded[key] = bars
            desk.warmUp(lane: lane, bars: bars.closed)
            if let held = lanes[plan.id]?[symbol] {
                desk.restore(lane: lane, position: held.position, working: held.working?.side)
                if let order = held.working {
                    working[order.id] = InFlight(owner: owner, lane: lane, side: order.side, quantity: order.quantity)
                }
            }
        }
        let names = Dictionary(plans.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        state.withLock { state in
            state.sessions[owner] = Session(desk: desk, account: account, names: names)
            // Lanes are renumbered by a rebuild: the owner's orders in flight are known by their new lanes.
            state.inFlight = state.inFlight.filter { $0.value.owner != owner }.merging(working) { _, new in new }
            for (key, bars) in loaded where state.bars[key] == nil {
                if let forming = bars.forming { state.bars[key] = forming }
            }
            reindex(&state)
        }
    }

    /// Stops `owner`'s auto-trader: no more signals or stops. Orders in flight still settle.
    public func deactivate(owner: UserID) {
        state.withLock { state in
            state.sessions[owner] = nil
            reindex(&state)
        }
    }

    public func isActive(_ owner: UserID) -> Bool { state.withLock { $0.sessions[owner] != nil } }

    /// The users whose auto-trader is running here.
    public var activeOwners: [UserID] { state.withLock { Array($0.sessions.keys) } }

    /// The account figures the risk check reads, refreshed from the books.
    public func updateAccount(_ owner: UserID, _ account: RiskAccount) {
        state.withLock { $0.sessions[owner]?.account = account }
    }

    public func positions(of owner: UserID) -> [PositionView] {
        state.withLock { state in
            guard let session = state.sessions[owner] else { return [] }
            let desk = session.desk
            return (0..<desk.laneCount).compactMap { lane in
                let position = desk.position(of: lane)
                guard position.isOpen || desk.workingOrder(of: lane) != nil else { return nil }
                let plan = desk.plan(of: lane)
                let stops = desk.stops(of: lane)
                return PositionView(strategyID: plan.id, strategyName: plan.name, symbol: desk.symbol(of: lane),
                                    position: position, stopLoss: stops.stopLoss, takeProfit: stops.takeProfit,
                                    trailingStop: stops.trailingStop, workingOrder: desk.workingOrder(of: lane))
            }
        }
    }

    private func reindex(_ state: inout State) {
        var watchers: [Symbol: [UserID]] = [:]
        var intervals: [Symbol: Set<CandleInterval>] = [:]
        for (owner, session) in state.sessions {
            for lane in 0..<session.desk.laneCount {
                let symbol = session.desk.symbol(of: lane)
                if watchers[symbol]?.last != owner { watchers[symbol, default: []].append(owner) }
                intervals[symbol, default: []].insert(session.desk.plan(of: lane).timeframe)
            }
        }
        state.watchers = watchers
        state.intervals = intervals
        running.store(!state.sessions.isEmpty, ordering: .relaxed)
        state.bars = state.bars.filter { intervals[$0.key.symbol]?.contains($0.key.interval) == true }
    }

    // MARK: - the tick path

    /// Builds the strategies' bars from `tick`, lets each lane watching its symbol decide on a bar that just
    /// closed and on its stops, and places the approved orders: `broker` takes each at once if it can, so it is
    /// matched against this same tick.
    public func process(_ tick: Tick, broker: any Broker) -> [AutoTrade] {
        guard running.load(ordering: .relaxed) else { return [] }
        return state.withLock { state in
            guard let owners = state.watchers[tick.symbol], let intervals = state.intervals[tick.symbol] else {
                return []
            }
            // At most one bar per interval closes on a tick: a few entries, looked up linearly.
            var closed: [(interval: CandleInterval, bar: Candle)] = []
            for interval in intervals {
                let key = BarKey(symbol: tick.symbol, interval: interval)
                let start = interval.bucketStart(for: tick.time)
                if var bar = state.bars[key] {
                    if bar.time == start {
                        bar.absorb(tick)
                        state.bars[key] = bar
                    } else if bar.time < start {
                        // The tick that opens a bar closes the one before: decided and priced at this tick.
                        closed.append((interval, bar))
                        state.bars[key] = Candle(time: start, tick: tick)
                    }
                } else {
                    state.bars[key] = Candle(time: start, tick: tick)
                }
            }
            var trades: [AutoTrade] = []
            var decisions: [TradingDesk.Decision] = []
            for owner in owners {
                guard var session = state.sessions[owner] else { continue }
                let account = session.account
                for lane in session.desk.lanes(watching: tick.symbol) {
                    let timeframe = session.desk.plan(of: lane).timeframe
                    if let bar = closed.first(where: { $0.interval == timeframe })?.bar {
                        session.desk.barClosed(lane: lane, bar: bar, price: tick.price, time: tick.time,
                                               account: { account }, into: &decisions)
                    }
                    session.desk.priceMoved(lane: lane, price: tick.price, time: tick.time, into: &decisions)
                }
                for decision in decisions {
                    trades.append(place(decision, owner: owner, session: session, broker: broker, state: &state))
                }
                decisions.removeAll(keepingCapacity: true)
                state.sessions[owner] = session
            }
            return trades
        }
    }

    private func place(_ decision: TradingDesk.Decision, owner: UserID, session: Session, broker: any Broker,
                       state: inout State) -> AutoTrade {
        let plan = session.desk.plan(of: decision.lane)
        var order: Order?
        var accepted = false
        if decision.quantity > 0 {
            order = try? Order(id: OrderID(makeID()), owner: owner, symbol: decision.symbol, side: decision.side,
                               type: .market, quantity: decision.quantity, limitPrice: nil, createdAt: decision.time)
            if let order {
                state.inFlight[order.id] = InFlight(owner: owner, lane: decision.lane, side: order.side,
                                                    quantity: order.quantity)
                accepted = broker.acceptImmediately(order)
            }
        }
        return AutoTrade(owner: owner, strategyName: session.names[plan.id] ?? plan.name, timeframe: plan.timeframe,
                         decision: decision, order: order, accepted: accepted)
    }

    /// Fills of this tick: each of the auto-trader's orders updates its lane at once (the next tick sees the
    /// position, as in a backtest) and the cached cash.
    public func executed(_ executions: [Execution]) {
        guard !executions.isEmpty else { return }
        state.withLock { state in
            for execution in executions {
                guard var flight = state.inFlight[execution.orderID], flight.before == nil,
                      var session = state.sessions[flight.owner] else { continue }
                flight.before = session.desk.position(of: flight.lane)
                state.inFlight[execution.orderID] = flight
                session.desk.filled(lane: flight.lane, side: flight.side, quantity: flight.quantity,
                                    price: execution.price, time: execution.time)
                session.account = Self.after(flight, at: execution.price, account: session.account,
                                             symbol: session.desk.symbol(of: flight.lane), charges: charges)
                state.sessions[flight.owner] = session
            }
        }
    }

    /// An order the auto-trader placed ended: settled as `executed` (its fill stays), or not filled after all
    /// (failed, cancelled, or never stored): its lane is freed, and a fill already applied is taken back.
    public func orderEnded(_ id: OrderID, executed: Bool) {
        state.withLock { state in
            guard let flight = state.inFlight.removeValue(forKey: id), !executed else { return }
            guard var session = state.sessions[flight.owner] else { return }
            if let before = flight.before {
                session.desk.restore(lane: flight.lane, position: before, working: nil)
            } else {
                session.desk.orderEnded(lane: flight.lane)
            }
            state.sessions[flight.owner] = session
        }
    }

    /// Whether `id` is one of the auto-trader's orders still in flight.
    public func owns(_ id: OrderID) -> Bool { state.withLock { $0.inFlight[id] != nil } }

    static func after(_ flight: InFlight, at price: Money, account: RiskAccount, symbol: Symbol,
                      charges: ChargeSchedule?) -> RiskAccount {
        var account = account
        let value = price.paise * flight.quantity
        let fee = (try? charges?.charges(side: flight.side, price: price, quantity: flight.quantity).total.paise) ?? 0
        switch flight.side {
        case .buy:
            account.cash = Money(paise: account.cash.paise - value - (fee ?? 0))
            account.exposure[symbol, default: .zero] += Money(paise: value)
        case .sell:
            account.cash = Money(paise: account.cash.paise + value - (fee ?? 0))
            let left = (account.exposure[symbol]?.paise ?? 0) - value
            account.exposure[symbol] = left > 0 ? Money(paise: left) : nil
        }
        return account
    }
}
