import Foundation

/// The figures a trader judges a strategy by, from its closed trades and its equity curve: return, win rate,
/// average win and loss, profit factor, expectancy, maximum drawdown and its dates, Sharpe and Sortino ratios on
/// daily returns, and exposure. The live performance page and the backtest report compute them with this one type.
public struct PerformanceMetrics: Hashable, Sendable {
    public var startingEquity: Money
    public var endingEquity: Money
    /// (ending − starting) ÷ starting, in percent.
    public var totalReturnPercent: Double
    public var trades: Int
    public var wins: Int
    public var losses: Int
    /// Winning trades (net P&L above zero) as a percentage of closed trades; nil with none closed.
    public var winRatePercent: Double?
    public var averageWin: Money?
    public var averageLoss: Money?
    /// Gross profit ÷ gross loss of the closed trades (net of charges); nil when there is no losing trade.
    public var profitFactor: Double?
    /// The mean net P&L per closed trade.
    public var expectancy: Money?
    public var realisedPnL: Money
    /// The deepest fall of equity from a previous peak, in money and percent of that peak.
    public var maxDrawdown: Money
    public var maxDrawdownPercent: Double
    public var drawdownPeakTime: Date?
    public var drawdownTroughTime: Date?
    /// When equity first got back to that peak; nil if it has not.
    public var drawdownRecoveryTime: Date?
    /// Annualised over 252 trading days, from the daily returns in excess of the risk-free rate; nil with fewer
    /// than two returns or none varying.
    public var sharpe: Double?
    public var sortino: Double?
    public var riskFreeRatePercent: Double
    /// The share of the period with a position open, in percent (supplied by the caller).
    public var exposurePercent: Double

    /// The trading days in a year that daily ratios are annualised over.
    public static let tradingDays = 252.0

    /// `daily` is the equity at the end of each day, oldest first (the first point is the starting equity).
    public init(daily: [EquityPoint], trades: [ClosedTrade], riskFreeRatePercent: Double = 0,
                exposurePercent: Double = 0) {
        startingEquity = daily.first?.equity ?? .zero
        endingEquity = daily.last?.equity ?? .zero
        totalReturnPercent = startingEquity.paise == 0 ? 0
            : Double(endingEquity.paise - startingEquity.paise) / Double(startingEquity.paise) * 100
        self.trades = trades.count
        let winners = trades.filter { $0.pnl.paise > 0 }
        let losers = trades.filter { $0.pnl.paise <= 0 }
        wins = winners.count
        losses = losers.count
        winRatePercent = trades.isEmpty ? nil : Double(wins) / Double(trades.count) * 100
        let grossWin = winners.reduce(Int64(0)) { $0 + $1.pnl.paise }
        let grossLoss = -losers.reduce(Int64(0)) { $0 + $1.pnl.paise }
        averageWin = winners.isEmpty ? nil : Money(paise: Self.rounded(grossWin, winners.count))
        averageLoss = losers.isEmpty ? nil : Money(paise: -Self.rounded(grossLoss, losers.count))
        profitFactor = grossLoss > 0 ? Double(grossWin) / Double(grossLoss) : nil
        realisedPnL = Money(paise: grossWin - grossLoss)
        expectancy = trades.isEmpty ? nil : Money(paise: Self.rounded(grossWin - grossLoss, trades.count))
        self.riskFreeRatePercent = riskFreeRatePercent
        self.exposurePercent = exposurePercent

        var peak = daily.first
        var deepest: (money: Int64, percent: Double, peak: Date?, trough: Date?) = (0, 0, nil, nil)
        var recovery: Date?
        for point in daily {
            guard let top = peak else { break }
            if point.equity >= top.equity {
                if deepest.peak == top.time, recovery == nil, deepest.money > 0 { recovery = point.time }
                peak = point
                continue
            }
            let fall = top.equity.paise - point.equity.paise
            if fall > deepest.money {
                deepest = (fall, Double(fall) / Double(top.equity.paise) * 100, top.time, point.time)
                recovery = nil
            }
        }
        maxDrawdown = Money(paise: deepest.money)
        maxDrawdownPercent = deepest.percent
        drawdownPeakTime = deepest.peak
        drawdownTroughTime = deepest.trough
        drawdownRecoveryTime = recovery

        let returns = zip(daily, daily.dropFirst()).compactMap { previous, next -> Double? in
            previous.equity.paise == 0 ? nil : Double(next.equity.paise) / Double(previous.equity.paise) - 1
        }
        let free = riskFreeRatePercent / 100 / Self.tradingDays
        let excess = returns.map { $0 - free }
        if excess.count >= 2 {
            let mean = excess.reduce(0, +) / Double(excess.count)
            let variance = excess.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(excess.count - 1)
            sharpe = variance > 0 ? mean / variance.squareRoot() * Self.tradingDays.squareRoot() : nil
            let downside = excess.reduce(0) { $0 + min(0, $1) * min(0, $1) } / Double(excess.count)
            sortino = downside > 0 ? mean / downside.squareRoot() * Self.tradingDays.squareRoot() : nil
        } else {
            sharpe = nil
            sortino = nil
        }
    }

    /// `total ÷ count` rounded half away from zero, to the paisa.
    static func rounded(_ total: Int64, _ count: Int) -> Int64 {
        let n = Int64(count)
        return total >= 0 ? (2 * total + n) / (2 * n) : -((-2 * total + n) / (2 * n))
    }
}
