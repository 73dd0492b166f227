import Fluent
import Foundation

/// Appends to the audit log. Callers never put secrets (passwords, tokens) in `detail`.
public struct AuditStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    public func record(userID: UUID?, action: String, entityID: String? = nil, detail: String? = nil,
                       ip: String?, requestID: String?, now: Date) async throws {
        try await AuditLogModel(userID: userID, action: action, entityID: entityID, detail: detail, ip: ip,
                                requestID: requestID, createdAt: now).create(on: database)
    }

    /// The user's most recent audit rows, newest first.
    public func recent(userID: UUID, limit: Int = 100) async throws -> [AuditLogModel] {
        try await AuditLogModel.query(on: database).filter(\.$userID == userID)
            .sort(\.$createdAt, .descending).limit(limit).all()
    }
}
