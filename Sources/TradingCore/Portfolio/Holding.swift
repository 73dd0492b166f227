/// A position in one symbol: shares held, their average buy price, and the profit already realised by selling.
public struct Holding: Hashable, Sendable {
    public var symbol: Symbol
    public var quantity: Int64
    public var averagePrice: Money
    public var realisedPnL: Money

    public init(symbol: Symbol, quantity: Int64 = 0, averagePrice: Money = .zero, realisedPnL: Money = .zero) {
        self.symbol = symbol
        self.quantity = quantity
        self.averagePrice = averagePrice
        self.realisedPnL = realisedPnL
    }

    /// Unrealised profit at `price`, gross of charges.
    public func unrealisedPnL(at price: Money) throws(AmountOutOfRange) -> Money {
        try price.subtracting(averagePrice).multiplied(by: quantity)
    }
}
