import Fluent
import Foundation
import SQLKit
import TradingCore

/// Users and their paper-trading accounts.
public struct UserStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// Creates a user and their cash account in one transaction; `PersistenceError.duplicate("email")` if taken.
    public func create(email: String, passwordHash: String, startingCash: Money, now: Date,
                       role: UserRole = .user) async throws -> UserModel {
        do {
            return try await TransactionRunner.run(on: database) { tx in
                let user = UserModel(id: UUID.random(), email: email, passwordHash: passwordHash, createdAt: now,
                                     role: role)
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

    /// The role, disabled flag and session version of a user; nil when there is no such user.
    public func access(id: UUID) async throws -> UserAccess? {
        try await find(id: id).map(UserAccess.init)
    }

    /// Revokes every token issued to the user so far (logout everywhere). Returns the new session version, or nil when
    /// there is no such user.
    @discardableResult
    public func revokeSessions(id: UUID) async throws -> Int64? {
        try await update(id: id, set: "session_version = session_version + 1", [])
    }

    /// Stores a new password hash and revokes every earlier token, in one statement. The new session version, or nil.
    public func changePassword(id: UUID, passwordHash: String) async throws -> Int64? {
        try await update(id: id, set: "password_hash = ?, session_version = session_version + 1", [.text(passwordHash)])
    }

    /// Disables (`at` a time) or re-enables (nil) an account. Disabling also revokes its tokens, so re-enabling never
    /// brings an old token back. The user afterwards, or nil when there is no such user.
    public func setDisabled(id: UUID, at time: Date?) async throws -> UserModel? {
        let changed = if let time {
            try await update(id: id, set: "disabled_at = ?, session_version = session_version + 1", [.date(time)])
        } else {
            try await update(id: id, set: "disabled_at = NULL", [])
        }
        guard changed != nil else { return nil }
        return try await find(id: id)
    }

    /// Gives the user with this e-mail a role; nil when there is none. Takes effect on the user's next request.
    public func setRole(email: String, role: UserRole) async throws -> UserModel? {
        guard let user = try await find(email: email) else { return nil }
        user.role = role.rawValue
        try await user.save(on: database)
        return user
    }

    /// Every user, oldest first, a page at a time (keyset paging on the creation time and id).
    public func list(after: UUID?, limit: Int) async throws -> Page<UserModel> {
        try await KeysetFilter.page(UserModel.query(on: database), owner: nil, after: after, limit: limit,
                                    timeColumn: "created_at", descending: false, on: database, { $0 },
                                    id: { $0.id! })
    }

    /// The e-mail of each of `ids` that names a user, in one query.
    public func emails(of ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let users = try await UserModel.query(on: database).filter(\.$id ~~ Array(ids)).all()
        return Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0.email) })
    }

    /// How many users there are, how many are administrators and how many are disabled.
    public func census() async throws -> (users: Int, admins: Int, disabled: Int) {
        let users = try await UserModel.query(on: database).count()
        let admins = try await UserModel.query(on: database).filter(\.$role == UserRole.admin.rawValue).count()
        let disabled = try await UserModel.query(on: database).filter(\.$disabledAt != nil).count()
        return (users, admins, disabled)
    }

    /// One `UPDATE` of the user's row (atomic on both databases, whatever else changes it at the same moment), then
    /// the session version it left. Nil when there is no such user.
    private func update(id: UUID, set assignments: String, _ values: [SQLValue]) async throws -> Int64? {
        try await TransactionRunner.write(on: database) { session in
            try await session.run("UPDATE users SET \(assignments) WHERE id = ?", values + [.uuid(id)])
            let rows = try await session.run("SELECT session_version FROM users WHERE id = ?", [.uuid(id)])
            return try rows.first?.integer("session_version")
        }
    }
}
