import Foundation

/// One trade print for a symbol: the last traded price, the quantity traded since the previous tick, and when.
public struct Tick: Hashable, Sendable {
    public var symbol: Symbol
    public var price: Money
    public var volume: Int64
    public var time: Date

    public init(symbol: Symbol, price: Money, volume: Int64, time: Date) {
        self.symbol = symbol
        self.price = price
        self.volume = volume
        self.time = time
    }
}
