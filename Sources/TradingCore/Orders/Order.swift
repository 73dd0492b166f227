import Foundation

/// A BUY or SELL order and its outcome. Construction validates the request; the `execute`, `fail` and `cancel`
/// transitions enforce the state machine `PENDING → EXECUTED | FAILED | CANCELLED`.
public struct Order: Hashable, Sendable {
    public let id: OrderID
    public let owner: UserID
    public let symbol: Symbol
    public let side: OrderSide
    public let type: OrderType
    public let quantity: Int64
    public let limitPrice: Money?
    public private(set) var status: OrderStatus
    public private(set) var fillPrice: Money?
    public private(set) var charges: ChargeBreakdown?
    public private(set) var reason: String?
    public let createdAt: Date
    public private(set) var executedAt: Date?
    public private(set) var updatedAt: Date

    /// The largest quantity accepted in one order, a fat-finger guard (`OrderLimits.maxQuantity`).
    public static let maxQuantity: Int64 = OrderLimits.maxQuantity

    /// A new pending order; throws a `ValidationError` naming the field for a bad quantity or limit price.
    public init(id: OrderID, owner: UserID, symbol: Symbol, side: OrderSide, type: OrderType, quantity: Int64,
                limitPrice: Money?, createdAt: Date) throws(ValidationError) {
        guard quantity > 0 else { throw ValidationError(field: "quantity", reason: "quantity must be at least 1") }
        guard quantity <= Self.maxQuantity else {
            throw ValidationError(field: "quantity", reason: "quantity must be at most \(Self.maxQuantity)")
        }
        switch type {
        case .market:
            guard limitPrice == nil else {
                throw ValidationError(field: "limit_price", reason: "limit_price is only allowed on LIMIT orders")
            }
        case .limit:
            guard let limit = limitPrice else {
                throw ValidationError(field: "limit_price", reason: "limit_price is required for LIMIT orders")
            }
            guard limit.paise > 0 else {
                throw ValidationError(field: "limit_price", reason: "limit_price must be greater than 0")
            }
            guard limit <= OrderLimits.maxPrice else {
                throw ValidationError(field: "limit_price",
                                      reason: "limit_price must be at most \(OrderLimits.maxPrice)")
            }
        }
        self.init(restoring: id, owner: owner, symbol: symbol, side: side, type: type, quantity: quantity,
                  limitPrice: limitPrice, status: .pending, fillPrice: nil, charges: nil, reason: nil,
                  createdAt: createdAt, executedAt: nil, updatedAt: createdAt)
    }

    /// Restores an order exactly as stored (no validation; the store only holds orders that passed it).
    public init(restoring id: OrderID, owner: UserID, symbol: Symbol, side: OrderSide, type: OrderType,
                quantity: Int64, limitPrice: Money?, status: OrderStatus, fillPrice: Money?,
                charges: ChargeBreakdown?, reason: String?, createdAt: Date, executedAt: Date?, updatedAt: Date) {
        self.id = id
        self.owner = owner
        self.symbol = symbol
        self.side = side
        self.type = type
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.status = status
        self.fillPrice = fillPrice
        self.charges = charges
        self.reason = reason
        self.createdAt = createdAt
        self.executedAt = executedAt
        self.updatedAt = updatedAt
    }

    /// The order's value (price × quantity, before charges) at its limit price, or at `marketPrice` for a MARKET
    /// order; refused with a `ValidationError` on `quantity` above `OrderLimits.maxValue`.
    ///
    /// `field` names the quantity as the request spelled it (`items[2].quantity` in a checkout).
    public func checkedValue(marketPrice: Money, field: String = "quantity") throws(ValidationError) -> Money {
        let price = limitPrice ?? marketPrice
        guard let value = try? price.multiplied(by: quantity), value <= OrderLimits.maxValue else {
            throw ValidationError(field: field, reason: "order value must be at most \(OrderLimits.maxValue) "
                + "(\(quantity) × \(price) is more); place a smaller quantity")
        }
        return value
    }

    /// Whether a trade at `price` satisfies this order (always for MARKET; at or better than the limit for LIMIT).
    public func isMarketable(at price: Money) -> Bool {
        guard let limit = limitPrice else { return true }
        return side == .buy ? price <= limit : price >= limit
    }

    public mutating func execute(price: Money, charges: ChargeBreakdown, at time: Date) throws(OrderTransitionError) {
        try move(to: .executed)
        fillPrice = price
        self.charges = charges
        executedAt = time
        updatedAt = time
    }

    public mutating func fail(reason: String, at time: Date) throws(OrderTransitionError) {
        try move(to: .failed)
        self.reason = reason
        updatedAt = time
    }

    public mutating func cancel(at time: Date, reason: String = "cancelled by user") throws(OrderTransitionError) {
        try move(to: .cancelled)
        self.reason = reason
        updatedAt = time
    }

    private mutating func move(to next: OrderStatus) throws(OrderTransitionError) {
        guard status.canTransition(to: next) else { throw OrderTransitionError(from: status, to: next) }
        status = next
    }
}

/// An attempt to move an order out of a terminal state (for example cancelling an executed order).
public struct OrderTransitionError: Error, Hashable, Sendable, CustomStringConvertible {
    public let from: OrderStatus
    public let to: OrderStatus
    public var description: String { "order is \(from.rawValue) and cannot become \(to.rawValue)" }
}
