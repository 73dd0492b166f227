import Foundation

/// A round trip, bought and sold: what the performance figures are computed from.
public struct ClosedTrade: Hashable, Sendable {
    public var symbol: Symbol
    public var quantity: Int64
    public var entryTime: Date
    public var entryPrice: Money
    public var exitTime: Date
    public var exitPrice: Money
    /// The charges of both legs.
    public var charges: Money

    public init(symbol: Symbol, quantity: Int64, entryTime: Date, entryPrice: Money, exitTime: Date, exitPrice: Money,
                charges: Money) {
        self.symbol = symbol
        self.quantity = quantity
        self.entryTime = entryTime
        self.entryPrice = entryPrice
        self.exitTime = exitTime
        self.exitPrice = exitPrice
        self.charges = charges
    }

    /// (exit − entry) × quantity, before charges.
    public var grossPnL: Money { Money(paise: (exitPrice.paise - entryPrice.paise) * quantity) }
    /// Net of both legs' charges.
    public var pnl: Money { grossPnL - charges }
}
