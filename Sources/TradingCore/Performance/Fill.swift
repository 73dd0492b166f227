import Foundation

/// One executed order as the performance figures see it: when, what, how many, at what price, what it cost.
public struct Fill: Hashable, Sendable {
    public var time: Date
    public var symbol: Symbol
    public var side: OrderSide
    public var quantity: Int64
    public var price: Money
    public var charges: Money
    /// The strategy whose auto-trader placed it; nil for the user's own orders.
    public var strategy: StrategyID?

    public init(time: Date, symbol: Symbol, side: OrderSide, quantity: Int64, price: Money, charges: Money,
                strategy: StrategyID?) {
        self.time = time
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
        self.charges = charges
        self.strategy = strategy
    }

    /// What the fill did to cash: a buy pays its value and charges, a sell receives its value less charges.
    public var cashFlow: Int64 {
        side == .buy ? -(price.paise * quantity + charges.paise) : price.paise * quantity - charges.paise
    }
}
