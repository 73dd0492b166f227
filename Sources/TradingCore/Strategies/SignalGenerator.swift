/// The streaming signal logic of one strategy over one symbol: built from a `SignalRecipe`, fed each closed bar of
/// the strategy's timeframe, it answers at most one `SignalCall` per bar. The live auto-trader and the backtester
/// both use it, bar for bar.
public struct SignalGenerator: Sendable {
    public let recipe: SignalRecipe
    private var rule: any SignalRule

    public init(recipe: SignalRecipe) {
        self.recipe = recipe
        rule = switch recipe {
        case let .smaCross(fast, slow): SMACrossRule(fast: fast, slow: slow)
        case let .emaCross(fast, slow): EMACrossRule(fast: fast, slow: slow)
        case let .rsi(period, oversold, overbought): RSIRule(period: period, oversold: oversold, overbought: overbought)
        case let .macdCross(fast, slow, signal): MACDCrossRule(fast: fast, slow: slow, signal: signal)
        case let .bollingerBreakout(period, deviations):
            BollingerRule(period: period, deviations: deviations, style: .breakout)
        case let .bollingerReversion(period, deviations):
            BollingerRule(period: period, deviations: deviations, style: .reversion)
        }
    }

    /// The call for this closed bar, if the strategy's condition turned true on it.
    public mutating func close(_ bar: Candle) -> SignalCall? {
        rule.close(bar)
    }
}
