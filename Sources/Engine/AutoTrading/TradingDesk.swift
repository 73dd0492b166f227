import Foundation
import TradingCore

/// One user's auto-trading decisions: each strategy's signals on its closed bars, the stops on every tick, and the
/// risk check behind each order. Pure and synchronous: the live engine and the backtester drive the same desk, so a
/// backtest runs exactly the strategy, risk and exit code that trades live.
///
/// A *lane* is one strategy watching one symbol; callers look lanes up once and then address them by index on the
/// hot path. Each lane decides at most once per closed bar and keeps at most one order working, so one bar close
/// gives at most one order per strategy and symbol. Strategies are long-only: a BUY opens a position, a SELL (the
/// opposite signal or a stop) closes all of it.
public struct TradingDesk: Sendable {
    /// A signal or stop, with the risk check's answer and the order it allows (none when denied).
    public struct Decision: Hashable, Sendable {
        public var lane: Int
        public var strategyID: StrategyID
        public var symbol: Symbol
        public var time: Date
        /// The start of the closed bar the signal was computed on (nil for a stop or a square-off).
        public var barTime: Date?
        public var trigger: ExitTrigger
        public var signal: SignalCall?
        public var side: OrderSide
        /// The price the decision was taken at (the tick that closed the bar, or that hit the stop).
        public var price: Money
        public var risk: RiskDecision

        /// The shares to order; 0 when denied.
        public var quantity: Int64 { risk.quantity }
    }

    struct Lane: Sendable {
        let plan: Int
        let symbol: Symbol
        /// The plan's fields read on the hot path, kept here rather than looked up in the (large) plan.
        let strategyID: StrategyID
        let sizing: PositionSizing
        let exitsOnSignal: Bool
        let hasStops: Bool
        var generator: SignalGenerator
        var atr: ATR?
        var lastATR: Double?
        var position = LanePosition()
        var working: OrderSide?
    }

    public private(set) var plans: [StrategyPlan]
    private var lanes: [Lane] = []
    private var lanesBySymbol: [Symbol: [Int]] = [:]
    public var risk: RiskManager

    public init(plans: [StrategyPlan], risk: RiskManager) {
        self.plans = plans
        self.risk = risk
        for (planIndex, plan) in plans.enumerated() {
            let usesATR = if case .atrRisk = plan.sizing { true } else { false }
            for symbol in plan.watchlist {
                lanesBySymbol[symbol, default: []].append(lanes.count)
                lanes.append(Lane(plan: planIndex, symbol: symbol, strategyID: plan.id, sizing: plan.sizing,
                                  exitsOnSignal: plan.exits.onOppositeSignal, hasStops: plan.exits.watchesPrice,
                                  generator: SignalGenerator(recipe: plan.recipe),
                                  atr: usesATR ? ATR(period: PositionSizing.atrPeriod) : nil))
            }
        }
    }

    /// The lanes that watch `symbol`, in the order their strategies were given.
    public func lanes(watching symbol: Symbol) -> [Int] { lanesBySymbol[symbol] ?? [] }

    public func lane(strategy: StrategyID, symbol: Symbol) -> Int? {
        lanes(watching: symbol).first { plans[lanes[$0].plan].id == strategy }
    }

    public func plan(of lane: Int) -> StrategyPlan { plans[lanes[lane].plan] }
    public func position(of lane: Int) -> LanePosition { lanes[lane].position }
    public func workingOrder(of lane: Int) -> OrderSide? { lanes[lane].working }
    public var laneCount: Int { lanes.count }

    /// Whether `priceMoved` can decide anything for this lane now (a position open with a stop to watch).
    @inline(__always)
    public func watchesPrice(_ lane: Int) -> Bool {
        lanes[lane].hasStops && lanes[lane].position.isOpen && lanes[lane].working == nil
    }

    /// A bar of the lane's timeframe closed; `price` and `time` are the tick that closed it (the first of the next
    /// bar), at which an order decided now is priced and sized. `account` is read only when a signal needs a check.
    /// A decision, if any, is appended to `decisions` (hot paths pass a reused buffer rather than take a large
    /// optional back on every bar); returns whether there was one.
    @discardableResult
    public mutating func barClosed(lane index: Int, bar: Candle, price: Money, time: Date,
                                   account: () -> RiskAccount, into decisions: inout [Decision]) -> Bool {
        guard let decision = decideOnClose(lane: index, bar: bar, price: price, time: time, account: account) else {
            return false
        }
        decisions.append(decision)
        return true
    }

    private mutating func decideOnClose(lane index: Int, bar: Candle, price: Money, time: Date,
                                        account: () -> RiskAccount) -> Decision? {
        if lanes[index].atr != nil {
            lanes[index].lastATR = lanes[index].atr!.update(high: bar.high.rupeesDouble, low: bar.low.rupeesDouble,
                                                            close: bar.close.rupeesDouble) ?? lanes[index].lastATR
        }
        guard let call = lanes[index].generator.close(bar) else { return nil }
        // Fields are read one by one: a lane and a plan are large, and this runs on every signal of a backtest.
        let symbol = lanes[index].symbol
        let held = lanes[index].position.quantity
        let outcome: RiskDecision
        if let working = lanes[index].working {
            outcome = .denied("a \(working.rawValue) order for \(symbol) is still working")
        } else {
            switch call.side {
            case .buy where held > 0:
                outcome = .denied("already holding \(held) shares of \(symbol)")
            case .buy:
                outcome = risk.checkEntry(symbol: symbol, price: price, sizing: lanes[index].sizing,
                                          atr: lanes[index].lastATR, account: account(), now: time)
                if outcome.quantity > 0 { lanes[index].working = .buy }
            case .sell where held == 0:
                outcome = .denied("no \(symbol) position to sell")
            case .sell where !lanes[index].exitsOnSignal:
                outcome = .denied("exit on the opposite signal is off; the stops close this position")
            case .sell:
                lanes[index].working = .sell
                outcome = risk.approveExit(quantity: held, now: time)
            }
        }
        return Decision(lane: index, strategyID: lanes[index].strategyID, symbol: symbol, time: time,
                        barTime: bar.time, trigger: .signal, signal: call, side: call.side, price: price,
                        risk: outcome)
    }

    /// A tick of the lane's symbol: a stop-loss, take-profit or trailing stop reached sells the whole position
    /// (appended to `decisions`; returns whether it was).
    @discardableResult
    public mutating func priceMoved(lane index: Int, price: Money, time: Date,
                                    into decisions: inout [Decision]) -> Bool {
        guard watchesPrice(index), let decision = stop(lane: index, price: price, time: time) else { return false }
        decisions.append(decision)
        return true
    }

    private mutating func stop(lane index: Int, price: Money, time: Date) -> Decision? {
        if price > lanes[index].position.highWater { lanes[index].position.highWater = price }
        let position = lanes[index].position
        let exits = plans[lanes[index].plan].exits
        let paise = Double(price.paise)
        let trigger: ExitTrigger
        if let stop = position.stopLoss, paise <= stop {
            trigger = .stopLoss
        } else if let target = position.takeProfit, paise >= target {
            trigger = .takeProfit
        } else if let trailing = exits.trailingStopPercent,
                  paise <= Double(position.highWater.paise) * (1 - trailing / 100) {
            trigger = .trailingStop
        } else {
            return nil
        }
        return exit(index, trigger: trigger, price: price, time: time)
    }

    private mutating func exit(_ index: Int, trigger: ExitTrigger, price: Money, time: Date) -> Decision {
        let lane = lanes[index]
        lanes[index].working = .sell
        return Decision(lane: index, strategyID: plans[lane.plan].id, symbol: lane.symbol, time: time, barTime: nil,
                        trigger: trigger, signal: nil, side: .sell, price: price,
                        risk: risk.approveExit(quantity: lane.position.quantity, now: time))
    }

    /// The lane's order filled (whole): a BUY opens the position and sets its stops, a SELL reduces it.
    public mutating func filled(lane index: Int, side: OrderSide, quantity: Int64, price: Money, time: Date) {
        lanes[index].working = nil
        var position = lanes[index].position
        switch side {
        case .buy:
            let total = position.quantity + quantity
            position.entryPrice = Money(paise: (position.entryPrice.paise * position.quantity
                                                + price.paise * quantity) / total)
            position.quantity = total
            position.entryTime = position.entryTime ?? time
            position.highWater = max(position.highWater, price)
            let exits = plans[lanes[index].plan].exits
            position.stopLoss = exits.stopLossPercent.map { Double(position.entryPrice.paise) * (1 - $0 / 100) }
            position.takeProfit = exits.takeProfitPercent.map { Double(position.entryPrice.paise) * (1 + $0 / 100) }
        case .sell:
            position.quantity = max(0, position.quantity - quantity)
            if position.quantity == 0 { position = LanePosition() }
        }
        lanes[index].position = position
    }

    /// Feeds closed bars to the lane's signal logic without deciding anything: at start, the history that brings
    /// its indicators up to date (as the backtester's first bars do).
    public mutating func warmUp(lane index: Int, bars: [Candle]) {
        for bar in bars {
            if lanes[index].atr != nil {
                lanes[index].lastATR = lanes[index].atr!.update(high: bar.high.rupeesDouble,
                                                                low: bar.low.rupeesDouble,
                                                                close: bar.close.rupeesDouble) ?? lanes[index].lastATR
            }
            _ = lanes[index].generator.close(bar)
        }
    }

    /// Puts back, after a restart or an edit, what the lane held (its stops worked out as at a fill) and the side
    /// of its order still working.
    public mutating func restore(lane index: Int, position: LanePosition, working: OrderSide?) {
        lanes[index].working = working
        guard position.quantity > 0 else {
            lanes[index].position = LanePosition()
            return
        }
        var restored = position
        restored.highWater = max(position.highWater, position.entryPrice)
        let exits = plans[lanes[index].plan].exits
        restored.stopLoss = exits.stopLossPercent.map { Double(restored.entryPrice.paise) * (1 - $0 / 100) }
        restored.takeProfit = exits.takeProfitPercent.map { Double(restored.entryPrice.paise) * (1 + $0 / 100) }
        lanes[index].position = restored
    }

    /// The symbol a lane watches.
    public func symbol(of lane: Int) -> Symbol { lanes[lane].symbol }

    /// The stop prices of the lane's open position (nil where it has none), for display.
    public func stops(of lane: Int) -> (stopLoss: Money?, takeProfit: Money?, trailingStop: Money?) {
        let position = lanes[lane].position
        guard position.isOpen else { return (nil, nil, nil) }
        let trailing = plans[lanes[lane].plan].exits.trailingStopPercent.map {
            Money(paise: Int64((Double(position.highWater.paise) * (1 - $0 / 100)).rounded(.up)))
        }
        return (position.stopLoss.map { Money(paise: Int64($0.rounded(.up))) },
                position.takeProfit.map { Money(paise: Int64($0.rounded(.up))) }, trailing)
    }

    /// The lane's working order ended unfilled (rejected, failed or cancelled): the lane may decide again.
    public mutating func orderEnded(lane index: Int) {
        lanes[index].working = nil
    }
}
