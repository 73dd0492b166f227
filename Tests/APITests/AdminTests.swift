@testable import API
import Foundation
import Persistence
import TestSupport
import Testing
import TradingCore
import Vapor

/// The administrators' API: only administrators reach it; users are listed a page at a time; disabling an account
/// shuts it out everywhere at once; the audit log filters.
@Suite("Admin: roles, users, disabling, health, audit log")
struct AdminTests {
    /// Registers a user and makes them an administrator the way the command line does (the store, not the API).
    private func admin(_ app: TestApp, _ email: String = "ops@example.com") async throws -> String {
        let (token, _) = try await app.register(email)
        _ = try #require(try await UserStore(database: app.app.db).setRole(email: email, role: .admin))
        return token
    }

    @Test("users get 403 on every admin route; /me says each one's role", arguments: TestDatabase.enabled)
    func onlyAdministrators(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (user, userID) = try await app.register()
            let ops = try await admin(app)
            for (method, path) in [(HTTPMethod.GET, "/api/admin/users"), (.GET, "/api/admin/health"),
                                   (.GET, "/api/admin/audit"), (.POST, "/api/admin/users/\(userID)/disable"),
                                   (.POST, "/api/admin/users/\(userID)/enable")] {
                let reply = try await app.send(method, path, token: user)
                #expect(reply.status == .forbidden, "\(path)")
                #expect(reply.reason == "administrators only")
                #expect(try await app.send(method, path).status == .unauthorized)
            }
            #expect(try await app.send(.GET, "/api/auth/me", token: user)["role"] as? String == "user")
            #expect(try await app.send(.GET, "/api/auth/me", token: ops)["role"] as? String == "admin")
            // Nothing a user sends makes them an administrator.
            let sneaky = try await app.send(.POST, "/api/auth/register", json: [
                "email": "sneaky@example.com", "password": "long enough", "role": "admin",
            ])
            #expect((sneaky["user"] as? [String: Any])?["role"] as? String == "user")
            #expect(try await app.send(.POST, "/api/admin/users/\(userID)/disable", token: user).status == .forbidden)
            #expect(try await app.send(.GET, "/api/auth/me", token: user).status == .ok)
        }
    }

    @Test("users are listed oldest first, a page at a time, with role and status", arguments: TestDatabase.enabled)
    func listUsers(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let ops = try await admin(app, "a-ops@example.com")
            for index in 1...3 { _ = try await app.register("u\(index)@example.com") }
            let first = try await app.send(.GET, "/api/admin/users?limit=2", token: ops)
            #expect(first.status == .ok)
            let users = try #require(first["users"] as? [[String: Any]])
            #expect(users.map { $0["email"] as? String } == ["a-ops@example.com", "u1@example.com"])
            #expect(users[0]["role"] as? String == "admin")
            #expect(users[1]["disabled"] as? Bool == false)
            #expect(users[1].keys.contains("disabled_at"))
            #expect(users[1]["password_hash"] == nil)
            let after = try #require(first["next_after"] as? String)
            #expect(first.headers.first(name: "Link")?.contains("rel=\"next\"") == true)
            let second = try await app.send(.GET, "/api/admin/users?limit=2&after=\(after)", token: ops)
            let rest = try #require(second["users"] as? [[String: Any]])
            #expect(rest.map { $0["email"] as? String } == ["u2@example.com", "u3@example.com"])
            #expect(second["next_after"] is NSNull)
            #expect(try await app.send(.GET, "/api/admin/users?limit=0", token: ops).field == "limit")
            #expect(try await app.send(.GET, "/api/admin/users?after=nope", token: ops).field == "after")
        }
    }

    @Test("disabling shuts the account out at once (requests, login, socket); enabling needs a new login",
          arguments: TestDatabase.enabled)
    func disable(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let port = try await app.startServer()
            let ops = try await admin(app)
            let (token, id) = try await app.register("meera@example.com", password: "correct horse")
            let socket = try await SocketClient.connect(port: port, query: "?token=\(token)", on: app.app.eventLoopGroup)
            #expect(await eventually { !socket.messages("welcome").isEmpty })

            let disabled = try await app.send(.POST, "/api/admin/users/\(id)/disable", token: ops)
            #expect(disabled.status == .ok)
            #expect(disabled["disabled"] as? Bool == true)
            #expect(disabled["disabled_at"] is String)
            let refused = try await app.send(.GET, "/api/rules", token: token)
            #expect(refused.status == .forbidden)
            #expect(refused.reason == "this account has been disabled by an administrator")
            try await socket.socket.onClose.get()
            #expect(socket.socket.closeCode == .unknown(4001))
            // The right password is told why; a wrong one learns nothing new.
            let login = try await app.send(.POST, "/api/auth/login",
                                           json: ["email": "meera@example.com", "password": "correct horse"])
            #expect(login.status == .forbidden)
            #expect(try await app.send(.POST, "/api/auth/login", json: [
                "email": "meera@example.com", "password": "wrong horse",
            ]).status == .unauthorized)

            let enabled = try await app.send(.POST, "/api/admin/users/\(id)/enable", token: ops)
            #expect(enabled["disabled"] as? Bool == false)
            #expect(enabled["disabled_at"] is NSNull)
            #expect(try await app.send(.GET, "/api/rules", token: token).status == .unauthorized) // still revoked
            let back = try await app.send(.POST, "/api/auth/login",
                                          json: ["email": "meera@example.com", "password": "correct horse"])
            #expect(back.status == .ok)
            await app.stopServer()
        }
    }

    @Test("disable refuses the administrator's own account (409), unknown ids (404) and bad ids (400)")
    func disableRefusals() async throws {
        try await withTestApp { app in
            let ops = try await admin(app)
            let me = try #require(try await app.send(.GET, "/api/auth/me", token: ops)["id"] as? String)
            let own = try await app.send(.POST, "/api/admin/users/\(me)/disable", token: ops)
            #expect(own.status == .conflict)
            #expect(own.field == "id")
            #expect(try await app.send(.POST, "/api/admin/users/\(UUID())/disable", token: ops).status == .notFound)
            let bad = try await app.send(.POST, "/api/admin/users/not-a-uuid/enable", token: ops)
            #expect(bad.status == .badRequest)
            #expect(bad.field == "id")
            #expect(try await app.send(.GET, "/api/auth/me", token: ops).status == .ok)
        }
    }

    @Test("disabling a user stops their running auto-trader")
    func disableStopsAutoTrader() async throws {
        try await withTestApp { app in
            let ops = try await admin(app)
            let (token, id) = try await app.register()
            #expect(try await app.send(.POST, "/api/autotrader/start", token: token).status == .ok)
            #expect(app.services.autoTrading.isRunning(UserID(UUID(uuidString: id)!)))
            #expect(try await app.send(.POST, "/api/admin/users/\(id)/disable", token: ops).status == .ok)
            #expect(!app.services.autoTrading.isRunning(UserID(UUID(uuidString: id)!)))
        }
    }

    @Test("health reports the database, the feed, sockets and the users' census")
    func health() async throws {
        try await withTestApp { app in
            let ops = try await admin(app)
            let (_, id) = try await app.register()
            _ = try await app.send(.POST, "/api/admin/users/\(id)/disable", token: ops)
            let health = try await app.send(.GET, "/api/admin/health", token: ops)
            #expect(health.status == .ok)
            #expect((health["database"] as? [String: Any])?["ok"] as? Bool == true)
            #expect(health["users"] as? Int == 2)
            #expect(health["admins"] as? Int == 1)
            #expect(health["disabled_users"] as? Int == 1)
            #expect(health["open_sockets"] as? Int == 0)
            #expect((health["feed"] as? [String: Any])?["name"] is String)
            #expect(health["instance"] is String)
            let ready = try await app.send(.GET, "/readyz")
            #expect(health["instance_id"] as? String != nil)
            #expect(health["instance_id"] as? String == ready["instance"] as? String)
            #expect((health["uptime_seconds"] as? Double ?? -1) >= 0)
        }
    }

    @Test("the audit log filters by user (id or e-mail), action (exact or prefix*) and time; bad filters 400",
          arguments: TestDatabase.enabled)
    func audit(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let ops = try await admin(app)
            let (_, id) = try await app.register("kiran@example.com", password: "correct horse")
            _ = try await app.send(.POST, "/api/auth/login", json: ["email": "kiran@example.com", "password": "nope nope"])
            _ = try await app.send(.POST, "/api/auth/login",
                                   json: ["email": "kiran@example.com", "password": "correct horse"])
            _ = try await app.send(.POST, "/api/admin/users/\(id)/disable", token: ops)

            func actions(_ query: String) async throws -> [String] {
                let reply = try await app.send(.GET, "/api/admin/audit?\(query)", token: ops)
                #expect(reply.status == .ok, "\(query): \(reply.text)")
                return (reply["entries"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            }
            #expect(try await actions("user=kiran@example.com") == ["auth.login", "auth.login_failed", "user.register"])
            #expect(try await actions("user=\(id)&action=auth.*") == ["auth.login", "auth.login_failed"])
            #expect(try await actions("action=auth.login") .allSatisfy { $0 == "auth.login" })
            #expect(try await actions("action=admin.*") == ["admin.user_disabled"])
            #expect(try await actions("action=admin_*").isEmpty) // _ is not a wildcard
            let entry = try #require(try await app.send(.GET, "/api/admin/audit?action=admin.*", token: ops)
                .object["entries"].flatMap { ($0 as? [[String: Any]])?.first })
            #expect(entry["entity_id"] as? String == id.uppercased() || entry["entity_id"] as? String == id)
            #expect(entry["email"] as? String == "ops@example.com")
            let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3_600))
            #expect(try await actions("from=\(future)").isEmpty)
            #expect(try await actions("to=\(future)&user=kiran@example.com").count == 3)

            let page = try await app.send(.GET, "/api/admin/audit?limit=2", token: ops)
            let next = try #require(page["next_after"] as? String)
            let more = try await app.send(.GET, "/api/admin/audit?limit=2&after=\(next)", token: ops)
            #expect((more["entries"] as? [[String: Any]])?.count == 2)

            for (query, field) in [("from=yesterday", "from"), ("to=2026-13-01T00:00:00Z", "to"),
                                   ("user=nobody@example.com", "user"), ("user=12", "user"),
                                   ("action=a*b", "action"), ("action=drop%20table", "action"),
                                   ("from=2026-11-30T10:00:00Z&to=2026-11-30T09:00:00Z", "from")] {
                let reply = try await app.send(.GET, "/api/admin/audit?\(query)", token: ops)
                #expect(reply.status == .badRequest, "\(query)")
                #expect(reply.field == field, "\(query)")
            }
        }
    }
}
