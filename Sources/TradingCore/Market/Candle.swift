import Foundation

/// One OHLCV bar. `time` is the start of the bar's interval.
public struct Candle: Hashable, Sendable {
    public var time: Date
    public var open: Money
    public var high: Money
    public var low: Money
    public var close: Money
    public var volume: Int64

    public init(time: Date, open: Money, high: Money, low: Money, close: Money, volume: Int64) {
        self.time = time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }

    /// A one-price bar opened by a tick.
    public init(time: Date, tick: Tick) {
        self.init(time: time, open: tick.price, high: tick.price, low: tick.price, close: tick.price, volume: tick.volume)
    }

    /// Folds one more tick into the bar.
    public mutating func absorb(_ tick: Tick) {
        high = max(high, tick.price)
        low = min(low, tick.price)
        close = tick.price
        volume += tick.volume
    }

    /// Folds a finer bar into this coarser one.
    public mutating func absorb(_ bar: Candle) {
        high = max(high, bar.high)
        low = min(low, bar.low)
        close = bar.close
        volume += bar.volume
    }
}
