import Foundation
import Persistence
import TradingCore
import Vapor

/// The administrators' API: users (list, disable, enable), this system's health, and the audit log. Mounted behind
/// `AdminOnlyMiddleware`.
struct AdminController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        let admin = routes.grouped("api", "admin")
        admin.get("users", use: users)
        admin.post("users", ":id", "disable", use: disable)
        admin.post("users", ":id", "enable", use: enable)
        admin.get("health", use: health)
        admin.get("audit", use: audit)
    }

    /// `GET /api/admin/users?limit=&after=`: every user, oldest first, 100 a page by default (at most 500).
    @Sendable func users(_ req: Request) async throws -> Response {
        let page = try PageRequest(try req.queryParameters(), defaultLimit: 100, maxLimit: 500)
        let users = try await UserStore(database: req.db).list(after: page.after, limit: page.limit)
        return try await AdminUsersResponse(users: users.items.map(AdminUserResponse.init), nextAfter: users.nextAfter)
            .encodeResponse(for: req)
            .linkingNextPage(page.nextLink("/api/admin/users", nextAfter: users.nextAfter))
    }

    /// `POST /api/admin/users/{id}/disable`: the account can no longer sign in; its tokens are revoked and its
    /// sockets closed on every instance, and its auto-trader is stopped (orders already working stay with the
    /// broker, as with any stop).
    @Sendable func disable(_ req: Request) async throws -> AdminUserResponse {
        let id = try Self.userID(req)
        guard id != (try req.user.id.rawValue) else {
            throw APIError(.conflict, "you cannot disable your own account", field: "id")
        }
        let user = try await change(req, id: id, disabledAt: services.clock.now(), action: "admin.user_disabled")
        let owner = UserID(id)
        if services.autoTrading.isRunning(owner) {
            _ = try await services.autoTrading.stop(owner, audit: AuditEntry(
                userID: try req.user.id.rawValue, action: "autotrader.stop", entityID: id.uuidString,
                detail: "account disabled", ip: req.clientAddress, requestID: req.id, time: services.clock.now()))
        }
        return user
    }

    /// `POST /api/admin/users/{id}/enable`: the account may sign in again (with a new login: old tokens stay revoked).
    @Sendable func enable(_ req: Request) async throws -> AdminUserResponse {
        try await change(req, id: try Self.userID(req), disabledAt: nil, action: "admin.user_enabled")
    }

    private func change(_ req: Request, id: UUID, disabledAt: Date?, action: String) async throws -> AdminUserResponse {
        guard let user = try await UserStore(database: req.db).setDisabled(id: id, at: disabledAt) else {
            throw APIError(.notFound, "no user with id \(id)")
        }
        await services.security.changes.announce(UserID(id))
        try await AuditStore(database: req.db).record(
            userID: try req.user.id.rawValue, action: action, entityID: id.uuidString, detail: "email=\(user.email)",
            ip: req.clientAddress, requestID: req.id, now: services.clock.now())
        return AdminUserResponse(user)
    }

    /// `GET /api/admin/health`: readiness, database latency, the feed, sockets and the users' census.
    @Sendable func health(_ req: Request) async throws -> AdminHealthResponse {
        let (readiness, ready) = await OperationsController(services: services).readiness(req)
        let started = ContinuousClock.now
        let census = try? await UserStore(database: req.db).census()
        let elapsed = ContinuousClock.now - started
        let latency = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        let now = Date()
        return AdminHealthResponse(
            status: ready ? "ok" : "degraded", instance: services.instanceName,
            instanceID: services.cluster.identity.id, startedAt: services.startedAt,
            uptimeSeconds: (now.timeIntervalSince(services.startedAt) * 10).rounded() / 10,
            database: .init(ok: census != nil && readiness.database == "ok", latencyMs: (latency * 100).rounded() / 100),
            feed: .init(name: services.feedName, state: services.feed.health?.state.rawValue ?? "simulated",
                        lastTickAt: readiness.lastTickAt, marketOpen: readiness.marketOpen),
            openSockets: readiness.openSockets, rulesWatched: readiness.rulesWatched,
            users: census?.users ?? 0, admins: census?.admins ?? 0, disabledUsers: census?.disabled ?? 0,
            autotradersRunning: services.autoTrading.runningCount)
    }

    /// `GET /api/admin/audit?user=&action=&from=&to=&limit=&after=`: the audit log, newest first. `user` is an id or
    /// an e-mail; `action` exact, or a prefix ending in `*` (`auth.*`); `from` inclusive, `to` exclusive.
    @Sendable func audit(_ req: Request) async throws -> Response {
        let query = try req.queryParameters()
        let page = try PageRequest(query, defaultLimit: 100, maxLimit: 500)
        var filter = AuditFilter()
        var kept: [(String, String)] = []
        let users = UserStore(database: req.db)
        if let raw = try query.string("user")?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            kept.append(("user", raw))
            if let id = UUID(uuidString: raw) {
                filter.userID = id
            } else if raw.contains("@") {
                guard let user = try await users.find(email: raw.lowercased()) else {
                    throw APIError(.badRequest, "no user has the e-mail \(raw)", field: "user")
                }
                filter.userID = user.id
            } else {
                throw APIError(.badRequest, "user must be a user id or an e-mail address", field: "user")
            }
        }
        if let raw = try query.string("action")?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            kept.append(("action", raw))
            guard raw.count <= 100, raw.allSatisfy({ $0.isLetter || $0.isNumber || "._-*".contains($0) }),
                  raw.firstIndex(of: "*").map({ $0 == raw.index(before: raw.endIndex) }) ?? true
            else {
                throw APIError(.badRequest,
                               "action must be an action such as auth.login, or a prefix ending in * such as auth.*",
                               field: "action")
            }
            filter.action = raw.hasSuffix("*") ? .prefix(String(raw.dropLast())) : .exactly(raw)
        }
        for name in ["from", "to"] {
            guard let raw = try query.string(name) else { continue }
            kept.append((name, raw))
            guard let time = try? Date(raw, strategy: .iso8601) else {
                throw APIError(.badRequest, "\(name) must be an ISO-8601 date and time such as 2026-11-30T09:15:00Z",
                               field: name)
            }
            if name == "from" { filter.from = time } else { filter.to = time }
        }
        if let from = filter.from, let to = filter.to, from >= to {
            throw APIError(.badRequest, "from must be before to", field: "from")
        }
        let rows = try await AuditStore(database: req.db).search(filter, after: page.after, limit: page.limit)
        let emails = try await users.emails(of: Set(rows.items.compactMap(\.userID)))
        let entries = rows.items.map { AuditEntryResponse($0, email: $0.userID.flatMap { emails[$0] }) }
        return try await AuditPageResponse(entries: entries, nextAfter: rows.nextAfter).encodeResponse(for: req)
            .linkingNextPage(page.nextLink("/api/admin/audit", keeping: kept, nextAfter: rows.nextAfter))
    }

    private static func userID(_ req: Request) throws -> UUID {
        guard let raw = req.parameters.get("id"), let id = UUID(uuidString: raw) else {
            throw APIError(.badRequest, "id must be a user id (a UUID)", field: "id")
        }
        return id
    }
}
