import Foundation

/// The equity-curve figures of `PerformanceMetrics`, gathered one point at a time in constant memory: the first and
/// last equity, the deepest drawdown with its peak, trough and recovery times, and the sums behind the Sharpe and
/// Sortino ratios of the point-to-point (daily) returns. A backtest over millions of days feeds it as it goes and
/// keeps only a thinned curve for charts.
public struct EquityStatistics: Hashable, Sendable {
    public private(set) var first: EquityPoint?
    public private(set) var last: EquityPoint?
    public private(set) var points = 0
    private var peak: EquityPoint?
    public private(set) var maxDrawdown: Int64 = 0
    public private(set) var maxDrawdownPercent = 0.0
    public private(set) var drawdownPeak: Date?
    public private(set) var drawdownTrough: Date?
    public private(set) var drawdownRecovery: Date?
    private var awaitingRecovery = false
    /// Excess returns: their count, sum, sum of squares and sum of downside squares (plain sums rather than a
    /// running mean: daily returns are small and centred near zero, so the variance formula loses nothing that
    /// matters, and each point costs one division, for its return).
    private var returns = 0
    private var sum = 0.0
    private var squares = 0.0
    private var downside = 0.0
    private let periodRiskFree: Double
    public let riskFreeRatePercent: Double

    /// `riskFreeRatePercent` a year, spread over `PerformanceMetrics.tradingDays` periods.
    public init(riskFreeRatePercent: Double = 0) {
        self.riskFreeRatePercent = riskFreeRatePercent
        periodRiskFree = riskFreeRatePercent / 100 / PerformanceMetrics.tradingDays
    }

    public mutating func add(_ point: EquityPoint) {
        points += 1
        if first == nil { first = point }
        if let previous = last, previous.equity.paise != 0 {
            let excess = Double(point.equity.paise) / Double(previous.equity.paise) - 1 - periodRiskFree
            returns += 1
            sum += excess
            squares += excess * excess
            if excess < 0 { downside += excess * excess }
        }
        last = point
        guard let top = peak, point.equity < top.equity else {
            if awaitingRecovery, let top = peak, point.equity >= top.equity {
                drawdownRecovery = point.time
                awaitingRecovery = false
            }
            peak = point
            return
        }
        let fall = top.equity.paise - point.equity.paise
        if fall > maxDrawdown {
            maxDrawdown = fall
            maxDrawdownPercent = Double(fall) / Double(top.equity.paise) * 100
            drawdownPeak = top.time
            drawdownTrough = point.time
            drawdownRecovery = nil
            awaitingRecovery = true
        }
    }

    /// Annualised; nil with fewer than two returns or none varying.
    public var sharpe: Double? {
        guard returns >= 2 else { return nil }
        let count = Double(returns)
        let mean = sum / count
        let variance = max(0, (squares - sum * mean) / (count - 1))
        return variance > 1e-18 ? mean / variance.squareRoot() * PerformanceMetrics.tradingDays.squareRoot() : nil
    }

    /// Annualised, over the downside deviation of all returns; nil with fewer than two returns or no loss.
    public var sortino: Double? {
        guard returns >= 2 else { return nil }
        let deviation = downside / Double(returns)
        return deviation > 0 ? sum / Double(returns) / deviation.squareRoot() * PerformanceMetrics.tradingDays.squareRoot()
            : nil
    }
}
