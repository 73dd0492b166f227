import Foundation

/// The latest state of a symbol for the day: last traded price, the day's open/high/low, previous close and volume.
public struct Quote: Hashable, Sendable {
    public var symbol: Symbol
    public var lastPrice: Money
    public var previousClose: Money
    public var open: Money
    public var high: Money
    public var low: Money
    public var volume: Int64
    public var time: Date

    public init(symbol: Symbol, lastPrice: Money, previousClose: Money, open: Money, high: Money, low: Money,
                volume: Int64, time: Date) {
        self.symbol = symbol
        self.lastPrice = lastPrice
        self.previousClose = previousClose
        self.open = open
        self.high = high
        self.low = low
        self.volume = volume
        self.time = time
    }

    /// Change against the previous close.
    public var change: Money { lastPrice - previousClose }

    /// Change against the previous close in percent, rounded to two decimals.
    public var changePercent: Double {
        guard previousClose.paise != 0 else { return 0 }
        let raw = Double(change.paise) * 100 / Double(previousClose.paise)
        return (raw * 100).rounded() / 100
    }

    /// The quote after one more tick on the same day.
    public func applying(_ tick: Tick) -> Quote {
        var next = self
        next.lastPrice = tick.price
        next.high = max(high, tick.price)
        next.low = min(low, tick.price)
        next.volume += tick.volume
        next.time = tick.time
        return next
    }
}
