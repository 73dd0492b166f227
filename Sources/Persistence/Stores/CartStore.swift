import Fluent
import Foundation
import TradingCore

/// Users' carts. Removal marks a line removed rather than deleting it (see `CartItemModel`).
public struct CartStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// The lines in the user's cart, oldest first.
    public func list(owner: UserID) async throws -> [CartItem] {
        try await inCart(owner: owner).sort(\.$addedAt).all().map { try $0.toCore() }
    }

    public func count(owner: UserID) async throws -> Int {
        try await inCart(owner: owner).count()
    }

    public func add(_ item: CartItem) async throws {
        try await TransactionRunner.run(on: database) { tx in try await CartItemModel(item).create(on: tx) }
    }

    /// Removes a line from the cart; false if no such line is in this user's cart.
    ///
    /// Under the account lock, like checkout and `setQuantity`, so a removal and a checkout of the same line are
    /// ordered: the second finds the line no longer in the cart, rather than overwriting the first one's status.
    public func remove(_ id: UUID, owner: UserID, now: Date) async throws -> Bool {
        try await TransactionRunner.run(on: database) { tx in
            try await AccountLock.acquire(owner, on: tx)
            guard let row = try await Self.inCart(owner: owner, on: tx).filter(\.$id == id).first() else {
                return false
            }
            row.status = CartItemModel.Status.removed.rawValue
            row.updatedAt = now
            try await row.update(on: tx)
            return true
        }
    }

    /// Sets the quantity of a line in the user's cart; nil if no such line is in this user's cart.
    ///
    /// Runs under the account lock, like checkout, so the two are ordered: a checkout that reads the stored quantity
    /// sees this change or none of it, and a change that comes after the line was checked out finds nothing (rather
    /// than rewriting the quantity recorded for a line already bought).
    public func setQuantity(_ id: UUID, owner: UserID, quantity: Int64, now: Date) async throws -> CartItem? {
        try await TransactionRunner.run(on: database) { tx in
            try await AccountLock.acquire(owner, on: tx)
            guard let row = try await Self.inCart(owner: owner, on: tx).filter(\.$id == id).first() else { return nil }
            row.quantity = quantity
            row.updatedAt = now
            try await row.update(on: tx)
            return try row.toCore()
        }
    }

    private func inCart(owner: UserID) -> QueryBuilder<CartItemModel> {
        Self.inCart(owner: owner, on: database)
    }

    private static func inCart(owner: UserID, on database: any Database) -> QueryBuilder<CartItemModel> {
        CartItemModel.query(on: database)
            .filter(\.$userID == owner.rawValue)
            .filter(\.$status == CartItemModel.Status.inCart.rawValue)
    }
}
