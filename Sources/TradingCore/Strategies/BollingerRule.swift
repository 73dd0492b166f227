/// `bollinger-breakout` and `bollinger-reversion`: the close crossing a Bollinger band.
///
/// Breakout buys a close above the upper band (after one at or below it) and sells a close below the lower band;
/// mean reversion buys a close below the lower band and sells when the close gets back above the middle band.
public struct BollingerRule: SignalRule {
    public enum Style: Sendable { case breakout, reversion }

    private var bands: BollingerBands
    private let style: Style
    private var previous: (close: Double, bands: BollingerBands.Value)?
    private let recipe: SignalRecipe

    public init(period: Int, deviations: Double, style: Style) {
        recipe = style == .breakout ? .bollingerBreakout(period: period, deviations: deviations)
            : .bollingerReversion(period: period, deviations: deviations)
        bands = BollingerBands(period: period, deviations: deviations)
        self.style = style
    }

    public mutating func close(_ bar: Candle) -> SignalCall? {
        let price = bar.close.rupeesDouble
        guard let value = bands.update(price) else { return nil }
        defer { previous = (price, value) }
        guard let previous else { return nil }
        func call(_ side: OrderSide, _ distance: Double) -> SignalCall {
            SignalCall(side: side, recipe: recipe, first: value.upper, second: value.middle, third: value.lower,
                       close: price, strength: distance / price * 100)
        }
        func crossedAbove(_ line: KeyPath<BollingerBands.Value, Double>) -> Bool {
            price > value[keyPath: line] && previous.close <= previous.bands[keyPath: line]
        }
        func crossedBelow(_ line: KeyPath<BollingerBands.Value, Double>) -> Bool {
            price < value[keyPath: line] && previous.close >= previous.bands[keyPath: line]
        }
        switch style {
        case .breakout:
            if crossedAbove(\.upper) { return call(.buy, price - value.upper) }
            if crossedBelow(\.lower) { return call(.sell, value.lower - price) }
        case .reversion:
            if crossedBelow(\.lower) { return call(.buy, value.lower - price) }
            if crossedAbove(\.middle) { return call(.sell, price - value.middle) }
        }
        return nil
    }
}
