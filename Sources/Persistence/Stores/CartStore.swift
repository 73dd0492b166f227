import Fluent
import Foundation
import TradingCore

/// Users' carts. Removal marks a line removed rather than deleting it (see `CartItemModel`).
public struct CartStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// The lines in the user's cart, oldest first: up to `limit`, after the line `after` when given (a line that has
    /// since left the cart still marks the place). Throws `UnknownPageCursor` when `after` is no line of the user's.
    public func list(owner: UserID, after: UUID? = nil, limit: Int) async throws -> Page<CartItem> {
        try await KeysetFilter.page(inCart(owner: owner), owner: owner.rawValue, after: after, limit: limit,
                                    timeColumn: "added_at", descending: false, on: database,
                                    { try $0.toCore() }, id: \.id)
    }

    public func count(owner: UserID) async throws -> Int {
        try await inCart(owner: owner).count()
    }

    public func add(_ item: CartItem) async throws {
        try await TransactionRunner.write(on: database) { session in try await Self.insert(item, in: session) }
    }

    /// Inserts a cart line as part of the caller's transaction (a firing's, say).
    static func insert(_ item: CartItem, in session: any WriteSession) async throws {
        try await session.run("""
            INSERT INTO cart_items (id, user_id, symbol, quantity, price_paise, auto_added, rule_id, fire_number,
                                    status, added_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.uuid(item.id), .uuid(item.owner.rawValue), .text(item.symbol.rawValue), .integer(item.quantity),
                  .integer(item.priceWhenAdded.paise), .bool(item.autoAdded), .uuid(item.ruleID?.rawValue),
                  .integer(item.fireNumber.map(Int64.init)), .text(CartItemModel.Status.inCart.rawValue),
                  .date(item.addedAt), .date(item.addedAt)])
    }

    /// Removes a line from the cart; false if no such line is in this user's cart.
    ///
    /// Under the account lock, like checkout and `setQuantity`, so a removal and a checkout of the same line are
    /// ordered: the second finds the line no longer in the cart, rather than overwriting the first one's status.
    public func remove(_ id: UUID, owner: UserID, now: Date) async throws -> Bool {
        try await TransactionRunner.write(on: database) { session in
            try await Reservations.lockAccount(owner, in: session)
            return try await !session.run("""
                UPDATE cart_items SET status = ?, updated_at = ? WHERE id = ? AND user_id = ? AND status = ?
                RETURNING id
                """, [.text(CartItemModel.Status.removed.rawValue), .date(now), .uuid(id), .uuid(owner.rawValue),
                      .text(CartItemModel.Status.inCart.rawValue)]).isEmpty
        }
    }

    /// Sets the quantity of a line in the user's cart; nil if no such line is in this user's cart.
    ///
    /// Runs under the account lock, like checkout, so the two are ordered: a checkout that reads the stored quantity
    /// sees this change or none of it, and a change that comes after the line was checked out finds nothing (rather
    /// than rewriting the quantity recorded for a line already bought).
    public func setQuantity(_ id: UUID, owner: UserID, quantity: Int64, now: Date) async throws -> CartItem? {
        try await TransactionRunner.write(on: database) { session in
            try await Reservations.lockAccount(owner, in: session)
            return try await session.run("""
                UPDATE cart_items SET quantity = ?, updated_at = ? WHERE id = ? AND user_id = ? AND status = ?
                RETURNING *
                """, [.integer(quantity), .date(now), .uuid(id), .uuid(owner.rawValue),
                      .text(CartItemModel.Status.inCart.rawValue)]).first.map(CartItem.init(row:))
        }
    }

    private func inCart(owner: UserID) -> QueryBuilder<CartItemModel> {
        CartItemModel.query(on: database)
            .filter(\.$userID == owner.rawValue)
            .filter(\.$status == CartItemModel.Status.inCart.rawValue)
    }
}
