import Fluent
import SQLKit

/// Version 9: who may do what, and for how long a token holds.
///
/// - `users.role` (`user` or `admin`), `users.disabled_at` (set by an administrator: every request of the account is
///   refused), `users.session_version` (in every token; logout, a password change or disabling bumps it, so every
///   earlier token stops working on every instance at once).
/// - `login_failures`: failed logins by e-mail and by client address, so the login throttle is one count across every
///   instance instead of one per process.
/// - Audit-log indexes for the administrators' listing, newest first, optionally by action.
public struct AddAccessControl: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.AddAccessControl.v9" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema)
            .field("role", .string, .required, .sql(.default("user")))
            .update()
        try await database.schema(UserModel.schema).field("disabled_at", .datetime).update()
        try await database.schema(UserModel.schema)
            .field("session_version", .int64, .required, .sql(.default(0)))
            .update()
        try await database.schema(LoginFailureModel.schema)
            .id()
            .field("throttle_key", .string, .required)
            .field("failed_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "ix_login_failures_throttle_key_at").on(LoginFailureModel.schema)
            .column("throttle_key").column("failed_at").run()
        try await sql.create(index: "ix_audit_log_created_id").on(AuditLogModel.schema)
            .column("created_at").column("id").run()
        try await sql.create(index: "ix_audit_log_action_created_id").on(AuditLogModel.schema)
            .column("action").column("created_at").column("id").run()
    }

    public func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "ix_audit_log_action_created_id").run()
            try await sql.drop(index: "ix_audit_log_created_id").run()
        }
        try await database.schema(LoginFailureModel.schema).delete()
        try await database.schema(UserModel.schema).deleteField("session_version").update()
        try await database.schema(UserModel.schema).deleteField("disabled_at").update()
        try await database.schema(UserModel.schema).deleteField("role").update()
    }
}
