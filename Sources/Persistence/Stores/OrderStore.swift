import Fluent
import Foundation
import TradingCore

/// Orders: placement with cash and holdings checks, checkout of cart lines, cancellation, and listing.
///
/// Every money-moving method runs in one transaction that first takes the user's account lock, so the checks see
/// all committed orders and two requests cannot spend the same rupee or sell the same share twice. A pending BUY
/// reserves its estimated cost (price × quantity + charges); a pending SELL reserves its shares.
///
/// Sums over a user's pending orders are added up here rather than with SQL `SUM`: PostgreSQL widens a `bigint`
/// sum to `numeric`, which does not decode as `Int64`, and a user has only a handful of pending orders.
public struct OrderStore: Sendable {
    let database: any Database
    let charges: ChargeSchedule

    public init(database: any Database, charges: ChargeSchedule) {
        self.database = database
        self.charges = charges
    }

    /// A new order to place, with the price its cost is estimated at (the LTP for MARKET, the limit for LIMIT).
    public struct Placement: Sendable {
        public var order: Order
        public var estimatePrice: Money
        public var cartItemID: UUID?
        public init(order: Order, estimatePrice: Money, cartItemID: UUID? = nil) {
            self.order = order
            self.estimatePrice = estimatePrice
            self.cartItemID = cartItemID
        }
    }

    /// Places one order. With an idempotency key already used by this user, returns that order instead
    /// (`replayed: true`) and places nothing.
    public func place(_ placement: Placement, idempotencyKey: String?) async throws -> (order: Order, replayed: Bool) {
        let owner = placement.order.owner
        do {
            return try await TransactionRunner.run(on: database) { tx in
                try await AccountLock.acquire(owner, on: tx)
                if let key = idempotencyKey, let existing = try await OrderModel.query(on: tx)
                    .filter(\.$userID == owner.rawValue).filter(\.$idempotencyKey == key).first() {
                    return (try existing.toCore(), true)
                }
                let row = try await insert([placement], checkoutID: nil, on: tx)[0]
                row.idempotencyKey = idempotencyKey
                try await row.update(on: tx)
                return (try row.toCore(), false)
            }
        } catch where error.isConstraintViolation && idempotencyKey != nil {
            // A concurrent request with the same key won the race; answer with its order.
            guard let key = idempotencyKey, let existing = try await OrderModel.query(on: database)
                .filter(\.$userID == owner.rawValue).filter(\.$idempotencyKey == key).first()
            else { throw error }
            return (try existing.toCore(), true)
        }
    }

    /// One line of a checkout: a cart line and how many shares to buy.
    public struct CheckoutLine: Hashable, Sendable {
        public var cartItemID: UUID
        /// nil: the quantity stored on the cart line, read inside the checkout transaction.
        public var quantity: Int64?
        public init(cartItemID: UUID, quantity: Int64?) {
            self.cartItemID = cartItemID
            self.quantity = quantity
        }
    }

    /// Turns cart lines into MARKET BUY orders in one transaction, keyed by the client's idempotency key: a retry
    /// with the same key and body returns the orders of the first attempt (`replayed: true`) and places nothing new.
    /// A line without a quantity buys the quantity stored on the cart line; `fingerprint` must come from the request
    /// as sent (not from stored quantities), so a retry is recognised after the lines have left the cart.
    public func checkout(owner: UserID, idempotencyKey: String, fingerprint: String, lines: [CheckoutLine],
                         price: @escaping @Sendable (Symbol) -> Money?, now: Date) async throws
        -> (orders: [Order], replayed: Bool) {
        do {
            return try await TransactionRunner.run(on: database) { tx in
                try await AccountLock.acquire(owner, on: tx)
                if let previous = try await replay(owner: owner, key: idempotencyKey, fingerprint: fingerprint, on: tx) {
                    return (previous, true)
                }
                var placements: [Placement] = []
                for (index, line) in lines.enumerated() {
                    guard let item = try await CartItemModel.query(on: tx)
                        .filter(\.$id == line.cartItemID)
                        .filter(\.$userID == owner.rawValue)
                        .filter(\.$status == CartItemModel.Status.inCart.rawValue)
                        .first(), let symbol = Symbol(item.symbol)
                    else { throw CheckoutError.itemNotInCart(index: index) }
                    guard let estimate = price(symbol) else { throw CheckoutError.itemNotInCart(index: index) }
                    let quantity = line.quantity ?? item.quantity
                    let order: Order
                    do {
                        order = try Order(id: OrderID(UUID()), owner: owner, symbol: symbol, side: .buy,
                                          type: .market, quantity: quantity, limitPrice: nil, createdAt: now)
                        _ = try order.checkedValue(marketPrice: estimate)
                    } catch let error as ValidationError {
                        throw ValidationError(field: "items[\(index)].quantity", reason: error.reason)
                    }
                    placements.append(Placement(order: order, estimatePrice: estimate, cartItemID: item.id))
                    item.status = CartItemModel.Status.checkedOut.rawValue
                    item.quantity = quantity
                    item.updatedAt = now
                    try await item.update(on: tx)
                }
                let checkout = CheckoutModel(id: UUID(), userID: owner.rawValue, idempotencyKey: idempotencyKey,
                                             fingerprint: fingerprint, createdAt: now)
                try await checkout.create(on: tx)
                let rows = try await insert(placements, checkoutID: checkout.id, on: tx)
                return (try rows.map { try $0.toCore() }, false)
            }
        } catch where error.isConstraintViolation {
            // A concurrent retry with the same key committed first; answer with what it placed.
            if let previous = try await replay(owner: owner, key: idempotencyKey, fingerprint: fingerprint,
                                               on: database) {
                return (previous, true)
            }
            throw error
        }
    }

    /// Cancels a pending order; nil if this user has no such order. Throws `OrderTransitionError` if it is no longer
    /// pending.
    public func cancel(_ id: OrderID, owner: UserID, now: Date) async throws -> Order? {
        try await TransactionRunner.run(on: database) { tx in
            try await AccountLock.acquire(owner, on: tx)
            guard let row = try await OrderModel.query(on: tx)
                .filter(\.$id == id.rawValue).filter(\.$userID == owner.rawValue).first()
            else { return nil }
            var order = try row.toCore()
            try order.cancel(at: now)
            row.apply(order)
            try await row.update(on: tx)
            return order
        }
    }

    public func get(_ id: OrderID, owner: UserID) async throws -> Order? {
        try await OrderModel.query(on: database)
            .filter(\.$id == id.rawValue).filter(\.$userID == owner.rawValue).first()?.toCore()
    }

    /// The user's orders, newest first.
    public func list(owner: UserID, status: OrderStatus? = nil, limit: Int = 200) async throws -> [Order] {
        var query = OrderModel.query(on: database).filter(\.$userID == owner.rawValue)
        if let status { query = query.filter(\.$status == status.rawValue) }
        return try await query.sort(\.$createdAt, .descending).limit(limit).all().map { try $0.toCore() }
    }

    /// Every pending order of every user, oldest first: handed back to the broker at start.
    public func pending() async throws -> [Order] {
        try await OrderModel.query(on: database).filter(\.$status == OrderStatus.pending.rawValue)
            .sort(\.$createdAt).all().map { try $0.toCore() }
    }

    // MARK: - helpers (inside a transaction holding the account lock)

    private func replay(owner: UserID, key: String, fingerprint: String, on db: any Database) async throws -> [Order]? {
        guard let checkout = try await CheckoutModel.query(on: db)
            .filter(\.$userID == owner.rawValue).filter(\.$idempotencyKey == key).first()
        else { return nil }
        guard checkout.fingerprint == fingerprint else { throw CheckoutError.keyReusedWithDifferentRequest }
        return try await OrderModel.query(on: db).filter(\.$checkoutID == checkout.id).sort(\.$createdAt).all()
            .map { try $0.toCore() }
    }

    /// Checks cash and holdings for all placements together, then inserts them.
    private func insert(_ placements: [Placement], checkoutID: UUID?, on tx: any Database) async throws -> [OrderModel] {
        guard let owner = placements.first?.order.owner else { return [] }
        guard let account = try await AccountModel.query(on: tx).filter(\.$userID == owner.rawValue).first() else {
            throw FundsError.insufficientCash(needed: .zero, available: .zero)
        }
        let reserved = try await OrderModel.query(on: tx)
            .filter(\.$userID == owner.rawValue).filter(\.$status == OrderStatus.pending.rawValue)
            .all(\.$reservedPaise)
            .reduce(Money.zero) { try $0.adding(Money(paise: $1)) }
        let available = try Money(paise: account.cashPaise).subtracting(reserved)
        var needed = Money.zero
        var reservations: [Money] = []
        var selling: [Symbol: Int64] = [:]
        for placement in placements {
            let order = placement.order
            switch order.side {
            case .buy:
                // Checked: the callers bound each order's value, and this keeps a missed bound from trapping.
                let cost = try placement.estimatePrice.multiplied(by: order.quantity)
                    .adding(charges.charges(side: .buy, price: placement.estimatePrice, quantity: order.quantity).total)
                needed = try needed.adding(cost)
                reservations.append(cost)
            case .sell:
                selling[order.symbol, default: 0] += order.quantity
                reservations.append(.zero)
            }
        }
        if needed > available { throw FundsError.insufficientCash(needed: needed, available: available) }
        for (symbol, wanted) in selling {
            let held = try await PositionModel.query(on: tx)
                .filter(\.$userID == owner.rawValue).filter(\.$symbol == symbol.rawValue).first()?.quantity ?? 0
            let pendingSells = try await OrderModel.query(on: tx)
                .filter(\.$userID == owner.rawValue).filter(\.$symbol == symbol.rawValue)
                .filter(\.$side == OrderSide.sell.rawValue).filter(\.$status == OrderStatus.pending.rawValue)
                .all(\.$quantity).reduce(0, +)
            if wanted > held - pendingSells {
                throw FundsError.insufficientHoldings(symbol: symbol, wanted: wanted, available: held - pendingSells)
            }
        }
        var rows: [OrderModel] = []
        for (placement, reservation) in zip(placements, reservations) {
            let row = OrderModel(placement.order, reserved: reservation)
            row.cartItemID = placement.cartItemID
            row.checkoutID = checkoutID
            try await row.create(on: tx)
            rows.append(row)
        }
        return rows
    }
}
