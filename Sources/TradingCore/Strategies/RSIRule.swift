/// `rsi`: buys when Wilder's RSI closes below the oversold level after closing at or above it, sells when it closes
/// above the overbought level after closing at or below it (entering the zone, not staying in it).
public struct RSIRule: SignalRule {
    private var rsi: RSI
    private let oversold: Double
    private let overbought: Double
    private var previous: Double?
    private let recipe: SignalRecipe

    public init(period: Int, oversold: Double, overbought: Double) {
        recipe = .rsi(period: period, oversold: oversold, overbought: overbought)
        rsi = RSI(period: period)
        self.oversold = oversold
        self.overbought = overbought
    }

    public mutating func close(_ bar: Candle) -> SignalCall? {
        guard let value = rsi.update(bar.close.rupeesDouble) else { return nil }
        defer { previous = value }
        guard let previous else { return nil }
        let close = bar.close.rupeesDouble
        if value < oversold && previous >= oversold {
            return SignalCall(side: .buy, recipe: recipe, first: value, close: close, strength: (oversold - value) / 10)
        }
        if value > overbought && previous <= overbought {
            return SignalCall(side: .sell, recipe: recipe, first: value, close: close,
                              strength: (value - overbought) / 10)
        }
        return nil
    }
}
