import TradingCore

/// Why an order cannot be placed with the money or shares the user has (answered 422 up front).
public enum FundsError: Error, Hashable, Sendable, CustomStringConvertible {
    case insufficientCash(needed: Money, available: Money)
    case insufficientHoldings(symbol: Symbol, wanted: Int64, available: Int64)

    public var description: String {
        switch self {
        case let .insufficientCash(needed, available):
            "insufficient cash: the order needs about \(needed) including charges, \(available) is available"
        case let .insufficientHoldings(symbol, wanted, available):
            "insufficient holdings: selling \(wanted) \(symbol), \(available) available to sell"
        }
    }
}
