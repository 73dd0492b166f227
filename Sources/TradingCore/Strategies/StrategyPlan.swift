/// A user's strategy as configured: what it computes, on which bars and symbols, how much it buys and when it gets
/// out. A plain value: the live auto-trader and the backtester run the same plan.
public struct StrategyPlan: Hashable, Sendable {
    /// Where its orders go.
    public enum Mode: String, Hashable, Sendable, Codable {
        /// The paper broker: no money at risk (the default).
        case paper
        /// The user's connected broker; needs the server's live-trading opt-in.
        case live
    }

    public var id: StrategyID
    public var name: String
    public var recipe: SignalRecipe
    public var timeframe: CandleInterval
    public var watchlist: [Symbol]
    public var sizing: PositionSizing
    public var exits: ExitRules
    public var mode: Mode

    public init(id: StrategyID, name: String, recipe: SignalRecipe, timeframe: CandleInterval, watchlist: [Symbol],
                sizing: PositionSizing, exits: ExitRules = ExitRules(), mode: Mode = .paper) {
        self.id = id
        self.name = name
        self.recipe = recipe
        self.timeframe = timeframe
        self.watchlist = watchlist
        self.sizing = sizing
        self.exits = exits
        self.mode = mode
    }
}
