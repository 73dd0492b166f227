/// A user's risk limits: every entry the auto-trader wants passes them (exits are never held back by them).
public struct RiskLimits: Hashable, Sendable {
    /// The most symbols held at once by the auto-trader.
    public var maxOpenPositions: Int?
    /// The most money in one symbol (at entry prices, this order included).
    public var maxSymbolExposure: Money?
    /// The most money in all positions together.
    public var maxTotalExposure: Money?
    /// The largest single order's value.
    public var maxOrderValue: Money?
    /// Orders per second per user; NSE treats 10 a second as algorithmic trading needing approval, so the default
    /// stays below it.
    public var maxOrdersPerSecond: Int
    /// A loss since the day's start (realised and unrealised, net of charges) at which the auto-trader halts and
    /// the kill switch trips.
    public var maxDailyLoss: Money?

    public static let defaultOrdersPerSecond = 8

    public init(maxOpenPositions: Int? = nil, maxSymbolExposure: Money? = nil, maxTotalExposure: Money? = nil,
                maxOrderValue: Money? = nil, maxOrdersPerSecond: Int = RiskLimits.defaultOrdersPerSecond,
                maxDailyLoss: Money? = nil) {
        self.maxOpenPositions = maxOpenPositions
        self.maxSymbolExposure = maxSymbolExposure
        self.maxTotalExposure = maxTotalExposure
        self.maxOrderValue = maxOrderValue
        self.maxOrdersPerSecond = maxOrdersPerSecond
        self.maxDailyLoss = maxDailyLoss
    }
}
