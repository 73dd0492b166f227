/// The account as the risk check sees it at one moment: cash, equity and where the money is.
public struct RiskAccount: Hashable, Sendable {
    public var cash: Money
    /// Cash plus every position at its latest price.
    public var equity: Money
    /// Equity at the start of the trading day, against which the daily loss is measured.
    public var dayStartEquity: Money
    /// Money in each symbol held (shares × average price).
    public var exposure: [Symbol: Money]

    public init(cash: Money, equity: Money, dayStartEquity: Money, exposure: [Symbol: Money] = [:]) {
        self.cash = cash
        self.equity = equity
        self.dayStartEquity = dayStartEquity
        self.exposure = exposure
    }

    public var openPositions: Int { exposure.values.count(where: { $0.paise > 0 }) }
    public var totalExposure: Money { exposure.values.reduce(.zero, +) }
}
