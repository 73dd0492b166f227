import Fluent
import Foundation
import SQLKit
import TradingCore

/// One audit-log row to write: who did what to which record, from where. Callers never put secrets (passwords,
/// tokens) in `detail`.
public struct AuditEntry: Sendable {
    public var userID: UUID?
    public var action: String
    public var entityID: String?
    public var detail: String?
    public var ip: String?
    public var requestID: String?
    public var time: Date

    public init(userID: UUID?, action: String, entityID: String? = nil, detail: String? = nil, ip: String?,
                requestID: String?, time: Date) {
        self.userID = userID
        self.action = action
        self.entityID = entityID
        self.detail = detail
        self.ip = ip
        self.requestID = requestID
        self.time = time
    }
}

/// Appends to the audit log.
public struct AuditStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// Writes one entry in a transaction of its own.
    public func record(_ entry: AuditEntry) async throws {
        try await TransactionRunner.write(on: database) { session in try await Self.append(entry, in: session) }
    }

    public func record(userID: UUID?, action: String, entityID: String? = nil, detail: String? = nil,
                       ip: String?, requestID: String?, now: Date) async throws {
        try await record(AuditEntry(userID: userID, action: action, entityID: entityID, detail: detail, ip: ip,
                                    requestID: requestID, time: now))
    }

    /// Writes `entry` as part of the caller's transaction (so the action and its audit row commit together).
    static func append(_ entry: AuditEntry, in session: any WriteSession) async throws {
        try await session.run("""
            INSERT INTO audit_log (id, user_id, action, entity_id, detail, ip, request_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.uuid(UUID.random()), .uuid(entry.userID), .text(entry.action), .text(entry.entityID), .text(entry.detail),
                  .text(entry.ip), .text(entry.requestID), .date(entry.time)])
    }

    /// The user's most recent audit rows, newest first.
    public func recent(userID: UUID, limit: Int = 100) async throws -> [AuditLogModel] {
        try await AuditLogModel.query(on: database).filter(\.$userID == userID)
            .sort(\.$createdAt, .descending).limit(limit).all()
    }

    /// The audit rows matching `filter`, newest first, a page at a time (keyset paging on time and id).
    public func search(_ filter: AuditFilter, after: UUID?, limit: Int) async throws -> Page<AuditLogModel> {
        let query = AuditLogModel.query(on: database)
        if let user = filter.userID { query.filter(\.$userID == user) }
        switch filter.action {
        case .exactly(let action): query.filter(\.$action == action)
        case .prefix(let prefix):
            // LIKE with the prefix's own % and _ escaped, so they match themselves.
            let pattern = prefix.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            query.filter(.sql(SQLQueryString("action LIKE \(bind: pattern) ESCAPE '\\'")))
        case nil: break
        }
        if let from = filter.from { query.filter(\.$createdAt >= from) }
        if let to = filter.to { query.filter(\.$createdAt < to) }
        return try await KeysetFilter.page(query, owner: nil, after: after, limit: limit, timeColumn: "created_at",
                                           descending: true, on: database, { $0 }, id: { $0.id! })
    }
}
