import TradingCore

/// What a backtest starts with and charges: cash, the Indian delivery charges (nil for none), the risk limits and
/// the risk-free rate its Sharpe and Sortino ratios are measured against.
public struct BacktestSettings: Hashable, Sendable {
    public var cash: Money
    public var charges: ChargeSchedule?
    public var limits: RiskLimits
    public var riskFreeRatePercent: Double

    public init(cash: Money, charges: ChargeSchedule? = ChargeSchedule(), limits: RiskLimits = RiskLimits(),
                riskFreeRatePercent: Double = 0) {
        self.cash = cash
        self.charges = charges
        self.limits = limits
        self.riskFreeRatePercent = riskFreeRatePercent
    }
}
