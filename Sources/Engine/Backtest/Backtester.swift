import Brokers
import Foundation
import TradingCore

/// Runs one strategy over one symbol's history through the live auto-trader's code: the same `TradingDesk`
/// (signals, risk check, stops), the same `PaperBroker` matching and the same `Ledger` settlement and charges,
/// driven by the bars instead of a feed and by the bars' times instead of a clock.
///
/// Each bar is replayed as the ticks a live feed would give: its open first, then its low and high (the one nearer
/// the open first) and its close. As live, the tick that opens a bar closes the previous one, so a signal on a
/// bar's close is decided and sized at the next bar's open and fills at that open (backtrader's cheat-on-open
/// convention); a stop reached at a tick fills at that tick. The intrabar ticks are replayed only while a stop is
/// watched, since nothing else can happen on them.
public struct Backtester: Sendable {
    public let plan: StrategyPlan
    public let settings: BacktestSettings

    public init(plan: StrategyPlan, settings: BacktestSettings) {
        self.plan = plan
        self.settings = settings
    }

    /// Replays `bars` (oldest first) of `symbol`; `progress` is told the bars done every 65,536 bars and at the end.
    public func run(symbol: Symbol, bars: [Candle], progress: ((Int) -> Void)? = nil) -> BacktestReport {
        var run = Replay(plan: plan, symbol: symbol, settings: settings)
        bars.withUnsafeBufferPointer { bars in
            for index in bars.indices {
                run.replay(bar: bars[index], previous: index > 0 ? bars[index - 1] : nil)
                if index & 0xFFFF == 0xFFFF { progress?(index + 1) }
            }
        }
        progress?(bars.count)
        return run.report(bars: bars)
    }
}

/// The state of one backtest as it replays.
private struct Replay {
    let symbol: Symbol
    let settings: BacktestSettings
    /// Read on every bar, so kept apart from the (large) settings.
    let maxDailyLoss: Money?
    let startingCash: Money
    var desk: TradingDesk
    let broker = PaperBroker()
    /// The order the paper broker holds, if any: what settling its fill needs (a whole `Order` is large, and this
    /// is checked on every tick).
    var working: WorkingOrder?
    struct WorkingOrder {
        let id: OrderID
        let side: OrderSide
        let quantity: Int64
    }
    /// The desk's decisions of the current tick (one buffer for the whole run).
    var decided: [TradingDesk.Decision] = []
    var cash: Money
    var holding: Holding
    var entry: (time: Date, price: Money, charges: Money)?
    var trades: [ClosedTrade] = []
    var triggers: [ExitTrigger] = []
    var exitTrigger: ExitTrigger = .signal
    var charges = ChargeBreakdown.zero
    var decisions = BacktestReport.DecisionCounts()
    var curve = EquityCurve()
    var statistics: EquityStatistics
    /// The first instant of the next IST day: a bar at or after it starts a new day.
    var nextDay = -Double.infinity
    var orders: UInt64 = 0
    let owner = UserID(UUID())
    var dayStartEquity: Money
    var lastClose: Money = .zero
    var lastTime: Date?
    var barsHeld = 0
    var halted: String?

    init(plan: StrategyPlan, symbol: Symbol, settings: BacktestSettings) {
        self.symbol = symbol
        self.settings = settings
        maxDailyLoss = settings.limits.maxDailyLoss
        startingCash = settings.cash
        var plan = plan
        plan.watchlist = [symbol]
        desk = TradingDesk(plans: [plan], risk: RiskManager(limits: settings.limits, charges: settings.charges))
        cash = settings.cash
        holding = Holding(symbol: symbol)
        dayStartEquity = settings.cash
        statistics = EquityStatistics(riskFreeRatePercent: settings.riskFreeRatePercent)
    }

    var currentEquity: Money { Money(paise: cash.paise &+ holding.quantity &* lastClose.paise) }

    mutating func replay(bar: Candle, previous: Candle?) {
        startDay(of: bar)
        lastClose = bar.open
        if let previous {
            // The desk reads the account only when a signal needs a check; a snapshot keeps that read apart from
            // the desk's own mutation.
            let snapshot = (cash, holding, dayStartEquity)
            if desk.barClosed(lane: 0, bar: previous, price: bar.open, time: bar.time, account: {
                Self.account(symbol: symbol, cash: snapshot.0, holding: snapshot.1, dayStart: snapshot.2,
                             at: bar.open)
            }, into: &decided) {
                actOnDecided()
            }
        }
        tick(bar.open, at: bar.time)
        if desk.watchesPrice(0) || working != nil {
            let lowFirst = bar.open.paise - bar.low.paise <= bar.high.paise - bar.open.paise
            tick(lowFirst ? bar.low : bar.high, at: bar.time)
            tick(lowFirst ? bar.high : bar.low, at: bar.time)
            tick(bar.close, at: bar.time)
        }
        lastClose = bar.close
        lastTime = bar.time
        if holding.quantity > 0 { barsHeld += 1 }
        if let maxDailyLoss, halted == nil, desk.risk.dailyLossReached(account(at: bar.close)) {
            halted = "the daily loss limit (\(maxDailyLoss)) was reached on bar \(bar.time)"
            desk.risk.trip(halted!)
        }
    }

    /// One tick: stops first, then the working order is matched against it, as the live engine does.
    mutating func tick(_ price: Money, at time: Date) {
        if desk.priceMoved(lane: 0, price: price, time: time, into: &decided) { actOnDecided() }
        guard working != nil else { return }
        for execution in broker.onTick(Tick(symbol: symbol, price: price, volume: 0, time: time)) {
            settle(execution)
        }
    }

    mutating func actOnDecided() {
        var index = 0
        while index < decided.count {
            act(on: decided[index])
            index += 1
        }
        decided.removeAll(keepingCapacity: true)
    }

    mutating func act(on decision: TradingDesk.Decision) {
        if decision.trigger == .signal { decisions.signals += 1 } else { decisions.stops += 1 }
        switch decision.risk.outcome {
        case .approved: decisions.approved += 1
        case .resized: decisions.resized += 1
        case .denied: decisions.denied += 1
        }
        guard decision.quantity > 0 else { return }
        orders += 1
        guard let order = try? Order(id: OrderID(Self.orderID(orders)), owner: owner, symbol: symbol, side: decision.side,
                                     type: .market, quantity: decision.quantity, limitPrice: nil,
                                     createdAt: decision.time) else {
            desk.orderEnded(lane: 0)
            return
        }
        exitTrigger = decision.trigger
        working = WorkingOrder(id: order.id, side: order.side, quantity: order.quantity)
        broker.accept(order)
    }

    mutating func settle(_ execution: Execution) {
        guard let order = working, order.id == execution.orderID else { return }
        working = nil
        let fee = (try? settings.charges?.charges(side: order.side, price: execution.price,
                                                  quantity: order.quantity)) ?? .zero
        switch Ledger.settle(side: order.side, quantity: order.quantity, price: execution.price, charges: fee.total,
                             cash: cash, holding: holding) {
        case .failure:
            desk.orderEnded(lane: 0)
            return
        case .success(let settled):
            cash = settled.cash
            holding = settled.holding
        }
        charges = charges + fee
        desk.filled(lane: 0, side: order.side, quantity: order.quantity, price: execution.price, time: execution.time)
        switch order.side {
        case .buy:
            entry = (execution.time, execution.price, fee.total)
        case .sell:
            guard let opened = entry else { return }
            trades.append(ClosedTrade(symbol: symbol, quantity: order.quantity, entryTime: opened.time,
                                      entryPrice: opened.price, exitTime: execution.time, exitPrice: execution.price,
                                      charges: opened.charges + fee.total))
            triggers.append(exitTrigger)
            entry = nil
        }
    }

    func account(at price: Money) -> RiskAccount {
        Self.account(symbol: symbol, cash: cash, holding: holding, dayStart: dayStartEquity, at: price)
    }

    static func account(symbol: Symbol, cash: Money, holding: Holding, dayStart: Money, at price: Money)
        -> RiskAccount {
        let held = Money(paise: holding.quantity * holding.averagePrice.paise)
        return RiskAccount(cash: cash, equity: Money(paise: cash.paise + holding.quantity * price.paise),
                           dayStartEquity: dayStart, exposure: holding.quantity > 0 ? [symbol: held] : [:])
    }

    /// At the first bar of each IST day: the previous day's closing equity goes on the curve and becomes the
    /// new day's starting equity.
    mutating func startDay(of bar: Candle) {
        let time = bar.time.timeIntervalSince1970
        guard time >= nextDay else { return }
        let ist = Double(CandleInterval.istOffsetSeconds)
        nextDay = ((time + ist) / 86_400).rounded(.down) * 86_400 + 86_400 - ist
        record(EquityPoint(time: lastTime ?? bar.time, equity: lastTime == nil ? startingCash : currentEquity))
        dayStartEquity = currentEquity
    }

    mutating func record(_ point: EquityPoint) {
        statistics.add(point)
        curve.add(point)
    }

    /// A backtest's order ids: a counter in a UUID's last bytes (unique within the run, and no system call for
    /// randomness per order).
    static func orderID(_ number: UInt64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: number.bigEndian) { bytes.replaceSubrange(8..<16, with: $0) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                           bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    mutating func report(bars: [Candle]) -> BacktestReport {
        if let lastTime { record(EquityPoint(time: lastTime, equity: currentEquity)) }
        let open = entry.map {
            BacktestReport.OpenPosition(quantity: holding.quantity, entryTime: $0.time, entryPrice: $0.price,
                                        entryCharges: $0.charges)
        }
        let exposure = bars.isEmpty ? 0 : Double(barsHeld) / Double(bars.count) * 100
        return BacktestReport(symbol: symbol, plan: desk.plans[0], bars: bars.count, firstBar: bars.first?.time,
                              lastBar: bars.last?.time, startingCash: settings.cash, finalValue: currentEquity,
                              cash: cash, openPosition: open, trades: trades, exitTriggers: triggers,
                              charges: charges, decisions: decisions, equity: curve.points,
                              metrics: PerformanceMetrics(equity: statistics, trades: trades,
                                                          exposurePercent: exposure),
                              halted: halted)
    }
}
