/// `ema-cross`: the fast exponential moving average of closes crossing the slow one (TA-Lib's seeding).
public struct EMACrossRule: SignalRule {
    private var fast: EMA
    private var slow: EMA
    private var cross = CrossDirection()
    private let recipe: SignalRecipe

    public init(fast: Int, slow: Int) {
        recipe = .emaCross(fast: fast, slow: slow)
        self.fast = EMA(period: fast)
        self.slow = EMA(period: slow)
    }

    public mutating func close(_ bar: Candle) -> SignalCall? {
        let price = bar.close.rupeesDouble
        let fastValue = fast.update(price)
        guard let slowValue = slow.update(price), let fastValue else { return nil }
        let direction = cross.update(sign: fastValue > slowValue ? 1 : (fastValue < slowValue ? -1 : 0))
        guard direction != 0 else { return nil }
        return SignalCall(side: direction > 0 ? .buy : .sell, recipe: recipe, first: fastValue, second: slowValue,
                          close: price, strength: abs(fastValue - slowValue) / slowValue * 100)
    }
}
