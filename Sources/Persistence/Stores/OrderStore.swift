import Fluent
import Foundation
import TradingCore

/// Who checks that an order's cash or shares are there.
public enum FundsCheck: String, Sendable {
    /// StockCart, against its own books, setting them aside until the order ends (the paper broker).
    case stockcart
    /// The real broker the order goes to, against the account it holds; StockCart sets nothing aside.
    case broker
}

/// Orders: placement with cash and holdings checks, checkout of cart lines, cancellation, and listing.
///
/// Every money-moving method runs in one transaction whose first write takes the user's account row, so the checks
/// see all committed orders and two requests cannot spend the same rupee or sell the same share twice. A pending BUY
/// reserves its estimated cost (price × quantity + charges) and a pending SELL its shares, in running figures kept
/// beside what they sum (`accounts.reserved_paise`, `positions.reserved_quantity`): placing an order costs the same
/// whether the user has no pending orders or a hundred thousand.
public struct OrderStore: Sendable {
    let database: any Database
    let charges: ChargeSchedule
    let fundsCheck: FundsCheck

    public init(database: any Database, charges: ChargeSchedule, fundsCheck: FundsCheck = .stockcart) {
        self.database = database
        self.charges = charges
        self.fundsCheck = fundsCheck
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
    /// With `audit`, its row is written in the same transaction, so an order and its audit entry commit together.
    /// `strategyID` names the strategy on whose behalf it is placed (the kill switch's square-off of an
    /// auto-trader position), so that strategy's position is rebuilt without it.
    public func place(_ placement: Placement, idempotencyKey: String?, audit: AuditEntry? = nil,
                      strategyID: StrategyID? = nil) async throws -> (order: Order, replayed: Bool) {
        let owner = placement.order.owner
        do {
            return try await TransactionRunner.write(on: database) { session in
                // A key used before makes the insert fail on its unique index; the transaction, reservation
                // included, then rolls back and the earlier order is the answer (below).
                let order = try await insert([placement], checkoutID: nil, idempotencyKey: idempotencyKey,
                                             strategyID: strategyID?.rawValue, in: session)[0]
                if let audit { try await AuditStore.append(audit, in: session) }
                return (order, false)
            }
        } catch where error.isConstraintViolation && idempotencyKey != nil {
            // This key was used before, or by a concurrent request that won the race: answer with its order.
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
                         price: @escaping @Sendable (Symbol) -> Money?, now: Date,
                         audit: (@Sendable ([Order]) -> AuditEntry)? = nil) async throws
        -> (orders: [Order], replayed: Bool) {
        do {
            return try await TransactionRunner.write(on: database) { session in
                try await Reservations.lockAccount(owner, in: session)
                if let previous = try await replay(owner: owner, key: idempotencyKey, fingerprint: fingerprint,
                                                   in: session) {
                    return (previous, true)
                }
                var placements: [Placement] = []
                for (index, line) in lines.enumerated() {
                    guard let item = try await session.run("""
                        SELECT id, symbol, quantity FROM cart_items WHERE id = ? AND user_id = ? AND status = ?
                        """, [.uuid(line.cartItemID), .uuid(owner.rawValue),
                              .text(CartItemModel.Status.inCart.rawValue)]).first,
                          let symbol = Symbol(try item.text("symbol"))
                    else { throw CheckoutError.itemNotInCart(index: index) }
                    guard let estimate = price(symbol) else { throw CheckoutError.itemNotInCart(index: index) }
                    let quantity = try line.quantity ?? item.integer("quantity")
                    let order: Order
                    do {
                        order = try Order(id: OrderID(UUID.random()), owner: owner, symbol: symbol, side: .buy,
                                          type: .market, quantity: quantity, limitPrice: nil, createdAt: now)
                        _ = try order.checkedValue(marketPrice: estimate)
                    } catch let error as ValidationError {
                        throw ValidationError(field: "items[\(index)].quantity", reason: error.reason)
                    }
                    placements.append(Placement(order: order, estimatePrice: estimate, cartItemID: line.cartItemID))
                    try await session.run("""
                        UPDATE cart_items SET status = ?, quantity = ?, updated_at = ? WHERE id = ?
                        """, [.text(CartItemModel.Status.checkedOut.rawValue), .integer(quantity), .date(now),
                              .uuid(line.cartItemID)])
                }
                let checkoutID = UUID.random()
                try await session.run("""
                    INSERT INTO checkouts (id, user_id, idempotency_key, fingerprint, created_at) VALUES (?, ?, ?, ?, ?)
                    """, [.uuid(checkoutID), .uuid(owner.rawValue), .text(idempotencyKey), .text(fingerprint),
                          .date(now)])
                let orders = try await insert(placements, checkoutID: checkoutID, idempotencyKey: nil, in: session)
                if let audit { try await AuditStore.append(audit(orders), in: session) }
                return (orders, false)
            }
        } catch where error.isConstraintViolation {
            // A concurrent retry with the same key committed first; answer with what it placed.
            let previous = try await TransactionRunner.write(on: database) { session in
                try await replay(owner: owner, key: idempotencyKey, fingerprint: fingerprint, in: session)
            }
            if let previous { return (previous, true) }
            throw error
        }
    }

    /// Cancels a pending order, releasing what it reserved; nil if this user has no such order. Throws
    /// `OrderTransitionError` if it is no longer pending.
    public func cancel(_ id: OrderID, owner: UserID, now: Date) async throws -> Order? {
        try await TransactionRunner.write(on: database) { session in
            try await Reservations.lockAccount(owner, in: session)
            guard let row = try await session.run("SELECT * FROM orders WHERE id = ? AND user_id = ?",
                                                  [.uuid(id.rawValue), .uuid(owner.rawValue)]).first
            else { return nil }
            var order = try Order(row: row)
            try order.cancel(at: now)
            try await Reservations.release(order, row: row, in: session)
            try await session.run("""
                UPDATE orders SET status = ?, reason = ?, reserved_paise = 0, updated_at = ? WHERE id = ?
                """, [.text(order.status.rawValue), .text(order.reason), .date(order.updatedAt), .uuid(id.rawValue)])
            return order
        }
    }

    public func get(_ id: OrderID, owner: UserID) async throws -> Order? {
        try await OrderModel.query(on: database)
            .filter(\.$id == id.rawValue).filter(\.$userID == owner.rawValue).first()?.toCore()
    }

    /// The user's orders (of one status when given), newest first: up to `limit`, after the order `after` when given.
    /// Throws `UnknownPageCursor` when `after` is not one of the user's orders.
    public func list(owner: UserID, status: OrderStatus? = nil, after: OrderID? = nil, limit: Int = 200)
        async throws -> Page<Order> {
        let query = OrderModel.query(on: database).filter(\.$userID == owner.rawValue)
        if let status { query.filter(\.$status == status.rawValue) }
        return try await KeysetFilter.page(query, owner: owner.rawValue, after: after?.rawValue, limit: limit,
                                           timeColumn: "created_at", descending: true, on: database,
                                           { try $0.toCore() }, id: \.id.rawValue)
    }

    /// Every pending order of every user, oldest first: handed back to the broker at start.
    public func pending() async throws -> [Order] {
        try await OrderModel.query(on: database).filter(\.$status == OrderStatus.pending.rawValue)
            .sort(\.$createdAt).all().map { try $0.toCore() }
    }

    /// The pending orders of some symbols, oldest first (an instance taking them over hands them to its broker).
    public func pending(symbols: [String]) async throws -> [Order] {
        guard !symbols.isEmpty else { return [] }
        return try await OrderModel.query(on: database).filter(\.$status == OrderStatus.pending.rawValue)
            .filter(\.$symbol ~~ symbols).sort(\.$createdAt).all().map { try $0.toCore() }
    }

    /// An order by id, whoever owns it (for the instance that runs its symbol).
    public func find(_ id: OrderID) async throws -> Order? {
        try await OrderModel.find(id.rawValue, on: database)?.toCore()
    }

    // MARK: - helpers (inside a transaction holding the account lock)

    private func replay(owner: UserID, key: String, fingerprint: String, in session: any WriteSession) async throws
        -> [Order]? {
        guard let checkout = try await session.run("""
            SELECT id, fingerprint FROM checkouts WHERE user_id = ? AND idempotency_key = ?
            """, [.uuid(owner.rawValue), .text(key)]).first
        else { return nil }
        guard try checkout.text("fingerprint") == fingerprint else { throw CheckoutError.keyReusedWithDifferentRequest }
        return try await session.run("SELECT * FROM orders WHERE checkout_id = ? ORDER BY created_at",
                                     [.uuid(try checkout.uuid("id"))]).map(Order.init(row:))
    }

    /// Reserves cash and shares for all placements together (or refuses them all), then inserts them.
    ///
    /// The cash reservation is the transaction's first write, on the account row: it is the account lock too.
    func insert(_ placements: [Placement], checkoutID: UUID?, idempotencyKey: String?, strategyID: UUID? = nil,
                in session: any WriteSession) async throws -> [Order] {
        guard let owner = placements.first?.order.owner else { return [] }
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
        if fundsCheck == .broker {
            // The broker checks funds and holdings itself (the live portfolio is its account): nothing set aside.
            reservations = reservations.map { _ in .zero }
            try await Reservations.lockAccount(owner, in: session)
        } else {
            try await Reservations.reserveCash(needed, owner: owner, in: session)
            for (symbol, wanted) in selling.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try await Reservations.reserveShares(wanted, of: symbol, owner: owner, in: session)
            }
        }
        for (placement, reservation) in zip(placements, reservations) {
            let order = placement.order
            try await session.run("""
                INSERT INTO orders (id, user_id, symbol, side, order_type, quantity, limit_paise, status,
                                    reserved_paise, cart_item_id, checkout_id, idempotency_key, created_at, updated_at,
                                    funds_checked_by, strategy_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.uuid(order.id.rawValue), .uuid(owner.rawValue), .text(order.symbol.rawValue),
                      .text(order.side.rawValue), .text(order.type.rawValue), .integer(order.quantity),
                      .integer(order.limitPrice?.paise), .text(order.status.rawValue), .integer(reservation.paise),
                      .uuid(placement.cartItemID), .uuid(checkoutID), .text(idempotencyKey), .date(order.createdAt),
                      .date(order.updatedAt), .text(fundsCheck.rawValue), .uuid(strategyID)])
        }
        return placements.map(\.order)
    }
}
