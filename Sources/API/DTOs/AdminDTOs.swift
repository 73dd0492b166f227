import Foundation
import Persistence
import Vapor

/// A user as an administrator sees them.
struct AdminUserResponse: Content {
    var id: UUID
    var email: String
    var role: UserRole
    var disabled: Bool
    var disabledAt: Date?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, email, role, disabled
        case disabledAt = "disabled_at"
        case createdAt = "created_at"
    }

    init(_ user: UserModel) {
        id = user.id!
        email = user.email
        role = user.userRole
        disabled = user.disabledAt != nil
        disabledAt = user.disabledAt
        createdAt = user.createdAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(email, forKey: .email)
        try container.encode(role, forKey: .role)
        try container.encode(disabled, forKey: .disabled)
        try container.encode(disabledAt, forKey: .disabledAt) // null while enabled, never left out
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// `GET /api/admin/users`: a page of users, oldest first.
struct AdminUsersResponse: Content {
    var users: [AdminUserResponse]
    var nextAfter: UUID?

    enum CodingKeys: String, CodingKey {
        case users
        case nextAfter = "next_after"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(users, forKey: .users)
        try container.encode(nextAfter, forKey: .nextAfter)
    }
}

/// One audit-log row, with the e-mail of its user when there is one.
struct AuditEntryResponse: Content {
    var id: UUID
    var at: Date
    var userID: UUID?
    var email: String?
    var action: String
    var entityID: String?
    var detail: String?
    var ip: String?
    var requestID: String?

    enum CodingKeys: String, CodingKey {
        case id, at, email, action, detail, ip
        case userID = "user_id"
        case entityID = "entity_id"
        case requestID = "request_id"
    }

    init(_ row: AuditLogModel, email: String?) {
        id = row.id!
        at = row.createdAt
        userID = row.userID
        self.email = email
        action = row.action
        entityID = row.entityID
        detail = row.detail
        ip = row.ip
        requestID = row.requestID
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(at, forKey: .at)
        try container.encode(userID, forKey: .userID)
        try container.encode(email, forKey: .email)
        try container.encode(action, forKey: .action)
        try container.encode(entityID, forKey: .entityID)
        try container.encode(detail, forKey: .detail)
        try container.encode(ip, forKey: .ip)
        try container.encode(requestID, forKey: .requestID)
    }
}

/// `GET /api/admin/audit`: a page of audit rows, newest first.
struct AuditPageResponse: Content {
    var entries: [AuditEntryResponse]
    var nextAfter: UUID?

    enum CodingKeys: String, CodingKey {
        case entries
        case nextAfter = "next_after"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entries, forKey: .entries)
        try container.encode(nextAfter, forKey: .nextAfter)
    }
}

/// `GET /api/admin/health`: this instance and the system as an administrator sees them.
struct AdminHealthResponse: Content {
    struct Database: Content {
        var ok: Bool
        var latencyMs: Double

        enum CodingKeys: String, CodingKey {
            case ok
            case latencyMs = "latency_ms"
        }
    }

    struct Feed: Content {
        var name: String
        var state: String
        var lastTickAt: Date?
        var marketOpen: Bool

        enum CodingKeys: String, CodingKey {
            case name, state
            case lastTickAt = "last_tick_at"
            case marketOpen = "market_open"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(state, forKey: .state)
            try container.encode(lastTickAt, forKey: .lastTickAt)
            try container.encode(marketOpen, forKey: .marketOpen)
        }
    }

    var status: String
    /// The process's name for people (host, port, pid) and its id (as in `/readyz` and `GET /api/cluster`).
    var instance: String
    var instanceID: UUID
    var startedAt: Date
    var uptimeSeconds: Double
    var database: Database
    var feed: Feed
    var openSockets: Int
    var rulesWatched: Int
    var users: Int
    var admins: Int
    var disabledUsers: Int
    var autotradersRunning: Int

    enum CodingKeys: String, CodingKey {
        case status, instance, database, feed, users, admins
        case instanceID = "instance_id"
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
        case openSockets = "open_sockets"
        case rulesWatched = "rules_watched"
        case disabledUsers = "disabled_users"
        case autotradersRunning = "autotraders_running"
    }
}
