import Fluent
import Foundation
import Persistence
import TradingCore
import Vapor

/// What the server's command line does to accounts (`stockcart user …`): the only way to make an administrator, so
/// that no request over the network can grant the role.
public enum UserAdministration {
    /// A request the command refuses, in words for the operator.
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
        /// 1 when the state forbids it (the e-mail is taken, no such user), 2 when the input is bad.
        public let exitCode: Int32
    }

    /// An account as the command reports it.
    public struct Account: Sendable {
        public let id: UUID
        public let email: String
        public let role: String
    }

    /// Creates an account (with its paper cash) on the server's database, as an administrator when `admin`.
    public static func create(_ app: Application, config: AppConfig, email rawEmail: String, password: String,
                              admin: Bool) async throws -> Account {
        let email: String
        let accepted: String
        do {
            email = try AuthController.validEmail(rawEmail)
            accepted = try AuthController.acceptablePassword(password, field: "password")
        } catch let error as APIError {
            throw Refused(description: error.reason, exitCode: 2)
        }
        try await CommandDatabase.open(app, config: config)
        let hash = try Bcrypt.hash(accepted, cost: config.bcryptCost)
        let users = UserStore(database: app.db)
        let now = Date()
        let user: UserModel
        do {
            user = try await users.create(email: email, passwordHash: hash, startingCash: config.startingCash, now: now,
                                          role: admin ? .admin : .user)
        } catch PersistenceError.duplicate {
            throw Refused(description: "a user with e-mail \(email) already exists "
                              + "(stockcart user set-role changes an existing account's role)", exitCode: 1)
        }
        try await AuditStore(database: app.db).record(userID: user.id, action: "user.create_cli",
                                                      detail: "role=\(user.role)", ip: "command line", requestID: nil,
                                                      now: now)
        return Account(id: user.id!, email: user.email, role: user.role)
    }

    /// Gives an existing account a role. On PostgreSQL every running instance is told at once; a SQLite server sees
    /// it within 30 seconds (its cache's age limit), as the command cannot reach into another process there.
    public static func setRole(_ app: Application, config: AppConfig, email rawEmail: String,
                               role rawRole: String) async throws -> Account {
        guard let role = UserRole(rawValue: rawRole.lowercased()) else {
            throw Refused(description: "role must be user or admin", exitCode: 2)
        }
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let target = try await CommandDatabase.open(app, config: config)
        guard let user = try await UserStore(database: app.db).setRole(email: email, role: role) else {
            throw Refused(description: "no user has the e-mail \(email)", exitCode: 1)
        }
        let notifications = try ClusterNotifications(target: target, database: app.db, logger: app.logger)
        if notifications.crossesProcesses {
            try await notifications.publish(AccessChanges.channel, user.id!.uuidString)
        }
        try await AuditStore(database: app.db).record(userID: user.id, action: "user.role_set_cli",
                                                      detail: "role=\(role.rawValue)", ip: "command line",
                                                      requestID: nil, now: Date())
        return Account(id: user.id!, email: user.email, role: user.role)
    }
}
