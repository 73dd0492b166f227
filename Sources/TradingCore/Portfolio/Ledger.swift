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
        /// The trade's value, or the holding it would make, does not fit in `Money` (never for orders within
        /// `OrderLimits`; refused rather than trapping, should a bound ever be missed).
        case amountOutOfRange

        public var description: String {
            switch self {
            case let .insufficientCash(needed, available):
                "insufficient cash: needs \(needed), available \(available)"
            case let .insufficientHoldings(wanted, held):
                "insufficient holdings: selling \(wanted), holding \(held)"
            case .amountOutOfRange:
                "trade value out of range"
            }
        }
    }

    /// Whether a trade may be refused.
    public enum Policy: Sendable {
        /// The paper broker's trades: one the cash or the holding cannot cover is refused.
        case enforce
        /// A real broker's fills: the trade happened, so it is recorded whatever the local books say (cash may go
        /// below zero, shares sold beyond the local holding were held outside StockCart and realise nothing). The
        /// broker's own figures are what the live portfolio shows, and the reconciliation view names any difference
        /// between the two. Only an out-of-range amount is refused.
        case record
    }

    /// The cash and holding after a trade, or the reason it is refused.
    public static func settle(side: OrderSide, quantity: Int64, price: Money, charges: Money, cash: Money,
                              holding: Holding, policy: Policy = .enforce)
        -> Result<(cash: Money, holding: Holding), Rejection> {
        do {
            return try checkedSettle(side: side, quantity: quantity, price: price, charges: charges, cash: cash,
                                     holding: holding, policy: policy)
        } catch {
            return .failure(.amountOutOfRange)
        }
    }

    private static func checkedSettle(side: OrderSide, quantity: Int64, price: Money, charges: Money, cash: Money,
                                      holding: Holding, policy: Policy) throws(AmountOutOfRange)
        -> Result<(cash: Money, holding: Holding), Rejection> {
        var holding = holding
        // Orders always have a quantity of at least one; guard anyway, as the division below depends on it.
        guard quantity > 0 else { throw AmountOutOfRange(operation: "a trade of \(quantity) shares") }
        let value = try price.multiplied(by: quantity)
        switch side {
        case .buy:
            let cost = try value.adding(charges)
            guard cost <= cash || policy == .record else {
                return .failure(.insufficientCash(needed: cost, available: cash))
            }
            let (newQuantity, quantityOverflow) = holding.quantity.addingReportingOverflow(quantity)
            guard !quantityOverflow else { throw AmountOutOfRange(operation: "\(holding.quantity) + \(quantity) shares") }
            // The cost basis, doubled and plus the share count so that one integer division rounds half up to the
            // paisa: 2 × (old basis + new value) + n, over 2n.
            let basis = try holding.averagePrice.multiplied(by: holding.quantity).adding(value)
            let numerator = try basis.multiplied(by: 2).adding(Money(paise: newQuantity))
            let (denominator, denominatorOverflow) = newQuantity.multipliedReportingOverflow(by: 2)
            guard !denominatorOverflow else { throw AmountOutOfRange(operation: "2 × \(newQuantity) shares") }
            holding.averagePrice = Money(paise: numerator.paise / denominator)
            holding.quantity = newQuantity
            return .success((try cash.subtracting(cost), holding))
        case .sell:
            guard quantity <= holding.quantity || policy == .record else {
                return .failure(.insufficientHoldings(wanted: quantity, held: holding.quantity))
            }
            let proceeds = try value.subtracting(charges)
            // Only shares StockCart knows the cost of realise a gain.
            let known = min(quantity, holding.quantity)
            let gain = try price.subtracting(holding.averagePrice).multiplied(by: known)
            holding.realisedPnL = try holding.realisedPnL.adding(gain)
            holding.quantity -= known
            if holding.quantity == 0 { holding.averagePrice = .zero }
            return .success((try cash.adding(proceeds), holding))
        }
    }
}
