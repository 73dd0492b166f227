/// `macd-cross`: the MACD line crossing its signal line (crossover semantics as for moving averages).
public struct MACDCrossRule: SignalRule {
    private var macd: MACD
    private var cross = CrossDirection()
    private let recipe: SignalRecipe

    public init(fast: Int, slow: Int, signal: Int) {
        recipe = .macdCross(fast: fast, slow: slow, signal: signal)
        macd = MACD(fast: fast, slow: slow, signal: signal)
    }

    public mutating func close(_ bar: Candle) -> SignalCall? {
        let price = bar.close.rupeesDouble
        guard let value = macd.update(price) else { return nil }
        let direction = cross.update(sign: value.histogram > 0 ? 1 : (value.histogram < 0 ? -1 : 0))
        guard direction != 0 else { return nil }
        return SignalCall(side: direction > 0 ? .buy : .sell, recipe: recipe, first: value.macd, second: value.signal,
                          third: value.histogram, close: price, strength: abs(value.histogram) / price * 100)
    }
}
