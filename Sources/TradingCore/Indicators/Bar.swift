import Foundation

/// One OHLCV bar as the indicators read it: prices as `Double` rupees, as TA-Lib (which traders check values against)
/// computes them. Indicator values are analysis, never money: orders and cash stay in `Money`.
public struct IndicatorBar: Equatable, Sendable {
    public var time: Date
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double

    public init(time: Date, open: Double, high: Double, low: Double, close: Double, volume: Double) {
        self.time = time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }

    public init(_ candle: Candle) {
        self.init(time: candle.time, open: candle.open.rupeesDouble, high: candle.high.rupeesDouble,
                  low: candle.low.rupeesDouble, close: candle.close.rupeesDouble, volume: Double(candle.volume))
    }
}
