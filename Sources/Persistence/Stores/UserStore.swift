import Fluent
import Foundation
import TradingCore

/// Users and their paper-trading accounts.
public struct UserStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// Creates a user and their cash account in one transaction; `PersistenceError.duplicate("email")` if taken.
    public func create(email: String, passwordHash: String, startingCash: Money, now: Date) async throws -> UserModel {
        do {
            return try await TransactionRunner.run(on: database) { tx in
                let user = UserModel(id: UUID.random(), email: email, passwordHash: passwordHash, createdAt: now)
                try await user.create(on: tx)
                try await AccountModel(userID: user.id!, cashPaise: startingCash.paise, updatedAt: now).create(on: tx)
                return user
            }
        } catch where error.isConstraintViolation {
            throw PersistenceError.duplicate("email")
        }
    }

    public func find(email: String) async throws -> UserModel? {
        try await UserModel.query(on: database).filter(\.$email == email).first()
    }

    public func find(id: UUID) async throws -> UserModel? {
        try await UserModel.find(id, on: database)
    }
}
