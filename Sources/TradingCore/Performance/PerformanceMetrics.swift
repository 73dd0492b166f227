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
        var statistics = EquityStatistics(riskFreeRatePercent: riskFreeRatePercent)
        for point in daily { statistics.add(point) }
        self.init(equity: statistics, trades: trades, exposurePercent: exposurePercent)
    }

    /// From an equity curve already gathered point by point.
    public init(equity: EquityStatistics, trades: [ClosedTrade], exposurePercent: Double = 0) {
        startingEquity = equity.first?.equity ?? .zero
        endingEquity = equity.last?.equity ?? .zero
        totalReturnPercent = startingEquity.paise == 0 ? 0
            : Double(endingEquity.paise - startingEquity.paise) / Double(startingEquity.paise) * 100
        self.trades = trades.count
        var (grossWin, grossLoss, winners) = (Int64(0), Int64(0), 0)
        for trade in trades {
            if trade.pnl.paise > 0 {
                grossWin += trade.pnl.paise
                winners += 1
            } else {
                grossLoss -= trade.pnl.paise
            }
        }
        wins = winners
        losses = trades.count - winners
        winRatePercent = trades.isEmpty ? nil : Double(wins) / Double(trades.count) * 100
        averageWin = wins == 0 ? nil : Money(paise: Self.rounded(grossWin, wins))
        averageLoss = losses == 0 ? nil : Money(paise: -Self.rounded(grossLoss, losses))
        profitFactor = grossLoss > 0 ? Double(grossWin) / Double(grossLoss) : nil
        realisedPnL = Money(paise: grossWin - grossLoss)
        expectancy = trades.isEmpty ? nil : Money(paise: Self.rounded(grossWin - grossLoss, trades.count))
        riskFreeRatePercent = equity.riskFreeRatePercent
        self.exposurePercent = exposurePercent
        maxDrawdown = Money(paise: equity.maxDrawdown)
        maxDrawdownPercent = equity.maxDrawdownPercent
        drawdownPeakTime = equity.drawdownPeak
        drawdownTroughTime = equity.drawdownTrough
        drawdownRecoveryTime = equity.drawdownRecovery
        sharpe = equity.sharpe
        sortino = equity.sortino
    }

    /// `total ÷ count` rounded half away from zero, to the paisa.
    static func rounded(_ total: Int64, _ count: Int) -> Int64 {
        let n = Int64(count)
        return total >= 0 ? (2 * total + n) / (2 * n) : -((-2 * total + n) / (2 * n))
    }
}
