/// When a strategy's open position is closed besides its own sell signal: stops watched on every tick.
public struct ExitRules: Hashable, Sendable {
    /// Sell when the price falls this many percent below the entry price.
    public var stopLossPercent: Double?
    /// Sell when the price rises this many percent above the entry price.
    public var takeProfitPercent: Double?
    /// Sell when the price falls this many percent below the highest price since entry.
    public var trailingStopPercent: Double?
    /// Sell on the strategy's own sell signal (true by default; off, only the stops close a position).
    public var onOppositeSignal: Bool

    public init(stopLossPercent: Double? = nil, takeProfitPercent: Double? = nil, trailingStopPercent: Double? = nil,
                onOppositeSignal: Bool = true) {
        self.stopLossPercent = stopLossPercent
        self.takeProfitPercent = takeProfitPercent
        self.trailingStopPercent = trailingStopPercent
        self.onOppositeSignal = onOppositeSignal
    }

    /// Whether any stop needs the price watched tick by tick.
    public var watchesPrice: Bool { stopLossPercent != nil || takeProfitPercent != nil || trailingStopPercent != nil }

    /// Refuses a percentage outside (0, 100) with a `ValidationError` naming it (`exits.stop_loss_percent`).
    public func validated() throws(ValidationError) -> ExitRules {
        for (name, value) in [("stop_loss_percent", stopLossPercent), ("take_profit_percent", takeProfitPercent),
                              ("trailing_stop_percent", trailingStopPercent)] {
            guard let value else { continue }
            guard value.isFinite, value > 0, value < 100 else {
                throw ValidationError(field: "exits.\(name)", reason: "\(name) must be above 0 and below 100")
            }
        }
        return self
    }
}
