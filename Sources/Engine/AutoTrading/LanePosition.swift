import Foundation
import TradingCore

/// What one strategy holds in one symbol, and the stop prices watched while it holds it.
public struct LanePosition: Hashable, Sendable {
    public var quantity: Int64 = 0
    public var entryPrice: Money = .zero
    public var entryTime: Date?
    /// The highest price since entry, which the trailing stop follows.
    public var highWater: Money = .zero
    /// Prices in paise at or beyond which a stop fires (set at each entry fill).
    var stopLoss: Double?
    var takeProfit: Double?

    public init() {}

    public var isOpen: Bool { quantity > 0 }
}
