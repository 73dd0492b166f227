/// What a strategy says when a bar closes: buy or sell, why, the indicator values behind it, and how strongly.
///
/// It holds numbers only; the sentence (`reason`) and the named values (`values`) are built when asked for, so a
/// backtest over millions of bars allocates nothing per signal.
public struct SignalCall: Hashable, Sendable {
    public var side: OrderSide
    /// The strategy (kind and parameters) that made the call, which says what the readings are.
    public var recipe: SignalRecipe
    /// The indicator readings at the bar's close, in the order `values` names them.
    public var first: Double
    public var second: Double
    public var third: Double
    public var close: Double
    /// From 0 (barely) to 1 (decisively): how far past its trigger the indicator closed, one percent of the price
    /// (or ten RSI points) counting as full strength.
    public var strength: Double

    public init(side: OrderSide, recipe: SignalRecipe, first: Double, second: Double = 0, third: Double = 0,
                close: Double, strength: Double) {
        self.side = side
        self.recipe = recipe
        self.first = first
        self.second = second
        self.third = third
        self.close = close
        self.strength = min(1, max(0, strength.isFinite ? strength : 0))
    }

    /// A sentence a trader reads: "SMA(10) crossed above SMA(30)".
    public var reason: String {
        let up = side == .buy
        switch recipe {
        case let .smaCross(fast, slow): return "SMA(\(fast)) crossed \(up ? "above" : "below") SMA(\(slow))"
        case let .emaCross(fast, slow): return "EMA(\(fast)) crossed \(up ? "above" : "below") EMA(\(slow))"
        case let .rsi(period, oversold, overbought):
            return up ? "RSI(\(period)) fell below \(SignalRecipe.format(oversold)) (oversold)"
                : "RSI(\(period)) rose above \(SignalRecipe.format(overbought)) (overbought)"
        case let .macdCross(fast, slow, signal):
            return "MACD(\(fast), \(slow), \(signal)) crossed \(up ? "above" : "below") its signal line"
        case let .bollingerBreakout(period, deviations):
            let bands = "Bollinger(\(period), \(SignalRecipe.format(deviations)))"
            return up ? "close broke above the upper \(bands) band" : "close broke below the lower \(bands) band"
        case let .bollingerReversion(period, deviations):
            let bands = "Bollinger(\(period), \(SignalRecipe.format(deviations)))"
            return up ? "close fell below the lower \(bands) band" : "close got back above the middle \(bands) band"
        }
    }

    /// The readings by name: `fast`/`slow`, `rsi`, `macd`/`signal`/`hist` or `upper`/`middle`/`lower`, and `close`.
    public var values: [String: Double] {
        switch recipe {
        case .smaCross, .emaCross: ["fast": first, "slow": second, "close": close]
        case .rsi: ["rsi": first, "close": close]
        case .macdCross: ["macd": first, "signal": second, "hist": third, "close": close]
        case .bollingerBreakout, .bollingerReversion: ["upper": first, "middle": second, "lower": third, "close": close]
        }
    }
}
