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
    var desk: TradingDesk
    let broker = PaperBroker()
    var working: Order?
    var cash: Money
    var holding: Holding
    var entry: (time: Date, price: Money, charges: Money)?
    var trades: [ClosedTrade] = []
    var triggers: [ExitTrigger] = []
    var exitTrigger: ExitTrigger = .signal
    var charges = ChargeBreakdown.zero
    var decisions = BacktestReport.DecisionCounts()
    var equity: [EquityPoint] = []
    var day: Int64 = .min
    var dayStartEquity: Money
    var lastClose: Money = .zero
    var lastTime: Date?
    var barsHeld = 0
    var halted: String?

    init(plan: StrategyPlan, symbol: Symbol, settings: BacktestSettings) {
        self.symbol = symbol
        self.settings = settings
        var plan = plan
        plan.watchlist = [symbol]
        desk = TradingDesk(plans: [plan], risk: RiskManager(limits: settings.limits, charges: settings.charges))
        cash = settings.cash
        holding = Holding(symbol: symbol)
        dayStartEquity = settings.cash
    }

    var currentEquity: Money { Money(paise: cash.paise &+ holding.quantity &* lastClose.paise) }

    mutating func replay(bar: Candle, previous: Candle?) {
        startDay(of: bar)
        lastClose = bar.open
        if let previous {
            // The desk reads the account only when a signal needs a check; a snapshot keeps that read apart from
            // the desk's own mutation.
            let snapshot = (cash, holding, dayStartEquity)
            if let decision = desk.barClosed(lane: 0, bar: previous, price: bar.open, time: bar.time, account: {
                Self.account(symbol: symbol, cash: snapshot.0, holding: snapshot.1, dayStart: snapshot.2,
                             at: bar.open)
            }) {
                act(on: decision)
            }
        }
        tick(bar.open, at: bar.time)
        if desk.watchesPrice(0) || working != nil {
            let lowFirst = bar.open.paise - bar.low.paise <= bar.high.paise - bar.open.paise
            for price in lowFirst ? [bar.low, bar.high, bar.close] : [bar.high, bar.low, bar.close] {
                tick(price, at: bar.time)
            }
        }
        lastClose = bar.close
        lastTime = bar.time
        if holding.quantity > 0 { barsHeld += 1 }
        if halted == nil, settings.limits.maxDailyLoss != nil, desk.risk.dailyLossReached(account(at: bar.close)) {
            halted = "the daily loss limit (\(settings.limits.maxDailyLoss!)) was reached on bar \(bar.time)"
            desk.risk.trip(halted!)
        }
    }

    /// One tick: stops first, then the working order is matched against it, as the live engine does.
    mutating func tick(_ price: Money, at time: Date) {
        if let decision = desk.priceMoved(lane: 0, price: price, time: time) { act(on: decision) }
        guard working != nil else { return }
        for execution in broker.onTick(Tick(symbol: symbol, price: price, volume: 0, time: time)) {
            settle(execution)
        }
    }

    mutating func act(on decision: TradingDesk.Decision) {
        if decision.trigger == .signal { decisions.signals += 1 } else { decisions.stops += 1 }
        switch decision.risk.outcome {
        case .approved: decisions.approved += 1
        case .resized: decisions.resized += 1
        case .denied: decisions.denied += 1
        }
        guard decision.quantity > 0 else { return }
        guard let order = try? Order(id: OrderID(UUID()), owner: UserID(UUID()), symbol: symbol, side: decision.side,
                                     type: .market, quantity: decision.quantity, limitPrice: nil,
                                     createdAt: decision.time) else {
            desk.orderEnded(lane: 0)
            return
        }
        exitTrigger = decision.trigger
        working = order
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
        let today = (Int64(bar.time.timeIntervalSince1970) + CandleInterval.istOffsetSeconds) / 86_400
        guard today != day else { return }
        if let lastTime {
            equity.append(EquityPoint(time: lastTime, equity: currentEquity))
        } else {
            equity.append(EquityPoint(time: bar.time, equity: settings.cash))
        }
        day = today
        dayStartEquity = currentEquity
    }

    func report(bars: [Candle]) -> BacktestReport {
        var equity = equity
        if let lastTime { equity.append(EquityPoint(time: lastTime, equity: currentEquity)) }
        let open = entry.map {
            BacktestReport.OpenPosition(quantity: holding.quantity, entryTime: $0.time, entryPrice: $0.price,
                                        entryCharges: $0.charges)
        }
        let exposure = bars.isEmpty ? 0 : Double(barsHeld) / Double(bars.count) * 100
        return BacktestReport(symbol: symbol, plan: desk.plans[0], bars: bars.count, firstBar: bars.first?.time,
                              lastBar: bars.last?.time, startingCash: settings.cash, finalValue: currentEquity,
                              cash: cash, openPosition: open, trades: trades, exitTriggers: triggers,
                              charges: charges, decisions: decisions, equity: equity,
                              metrics: PerformanceMetrics(daily: equity, trades: trades,
                                                          riskFreeRatePercent: settings.riskFreeRatePercent,
                                                          exposurePercent: exposure),
                              halted: halted)
    }
}
