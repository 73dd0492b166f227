/// Applies executed trades to a cash balance and a holding, refusing any trade that would make either go wrong.
///
/// Buying costs `price × quantity + charges`; the average price is the quantity-weighted mean of buy prices (charges
/// are kept out of it, as broker holdings screens do). Selling credits `price × quantity − charges` and realises
/// `(price − average) × quantity`. Pure: callers run it inside the transaction that stores the result.
public enum Ledger {
    /// Why a trade cannot be settled.
    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case insufficientCash(needed: Money, available: Money)
        case insufficientHoldings(wanted: Int64, held: Int64)

        public var description: String {
            switch self {
            case let .insufficientCash(needed, available):
                "insufficient cash: needs \(needed), available \(available)"
            case let .insufficientHoldings(wanted, held):
                "insufficient holdings: selling \(wanted), holding \(held)"
            }
        }
    }

    /// The cash and holding after a trade, or the reason it is refused.
    public static func settle(side: OrderSide, quantity: Int64, price: Money, charges: Money, cash: Money,
                              holding: Holding) -> Result<(cash: Money, holding: Holding), Rejection> {
        var holding = holding
        switch side {
        case .buy:
            let cost = price * quantity + charges
            guard cost <= cash else { return .failure(.insufficientCash(needed: cost, available: cash)) }
            let newQuantity = holding.quantity + quantity
            let totalPaise = holding.averagePrice.paise * holding.quantity + price.paise * quantity
            // Round half up to the paisa.
            holding.averagePrice = Money(paise: (totalPaise * 2 + newQuantity) / (2 * newQuantity))
            holding.quantity = newQuantity
            return .success((cash - cost, holding))
        case .sell:
            guard quantity <= holding.quantity else {
                return .failure(.insufficientHoldings(wanted: quantity, held: holding.quantity))
            }
            let proceeds = price * quantity - charges
            holding.realisedPnL += (price - holding.averagePrice) * quantity
            holding.quantity -= quantity
            if holding.quantity == 0 { holding.averagePrice = .zero }
            return .success((cash + proceeds, holding))
        }
    }
}
