@testable import API
import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

@Suite("Accounts: register, login, me, rate limiting")
struct AuthTests {
    @Test("register returns 201 with a token and the user", arguments: TestDatabase.enabled)
    func register(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let reply = try await app.send(.POST, "/api/auth/register",
                                           json: ["email": "Asha@Example.com", "password": "long enough"])
            #expect(reply.status == .created)
            let user = try #require(reply["user"] as? [String: Any])
            #expect(user["email"] as? String == "asha@example.com")
            #expect(user["password_hash"] == nil)
            let token = try #require(reply["token"] as? String)
            let me = try await app.send(.GET, "/api/auth/me", token: token)
            #expect(me.status == .ok)
            #expect(me["email"] as? String == "asha@example.com")
            #expect(me["id"] as? String == user["id"] as? String)
        }
    }

    @Test("a duplicate e-mail answers 409 and keeps the first account", arguments: TestDatabase.enabled)
    func duplicate(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            _ = try await app.register("dup@example.com", password: "first password")
            let again = try await app.send(.POST, "/api/auth/register",
                                           json: ["email": "DUP@example.com", "password": "second password"])
            #expect(again.status == .conflict)
            #expect(again["error"] as? Bool == true)
            #expect(again.field == "email")
            let login = try await app.send(.POST, "/api/auth/login",
                                           json: ["email": "dup@example.com", "password": "first password"])
            #expect(login.status == .ok)
        }
    }

    @Test("bad registrations answer 422 naming the field", arguments: [
        (["email": "not-an-email", "password": "long enough"], "email"),
        (["email": "a@b", "password": "long enough"], "email"),
        (["password": "long enough"], "email"),
        (["email": "ok@example.com", "password": "short"], "password"),
        (["email": "ok@example.com"], "password"),
    ])
    func invalid(body: [String: String], field: String) async throws {
        try await withTestApp { app in
            let reply = try await app.send(.POST, "/api/auth/register", json: body)
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.field == field)
            #expect(reply.reason?.isEmpty == false)
        }
    }

    @Test("wrong password and unknown e-mail get the same 401")
    func wrongCredentials() async throws {
        try await withTestApp { app in
            _ = try await app.register("known@example.com", password: "right password")
            let wrong = try await app.send(.POST, "/api/auth/login",
                                           json: ["email": "known@example.com", "password": "wrong password"])
            let unknown = try await app.send(.POST, "/api/auth/login",
                                             json: ["email": "nobody@example.com", "password": "right password"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.reason == unknown.reason)
            #expect(wrong.reason?.contains("email or password") == true)
        }
    }

    @Test("more than five failed logins a minute answer 429 with Retry-After, even with the right password")
    func rateLimited() async throws {
        try await withTestApp { app in
            _ = try await app.register("target@example.com", password: "right password")
            for _ in 0..<5 {
                let reply = try await app.send(.POST, "/api/auth/login",
                                               json: ["email": "target@example.com", "password": "guess guess"])
                #expect(reply.status == .unauthorized)
            }
            let blocked = try await app.send(.POST, "/api/auth/login",
                                             json: ["email": "target@example.com", "password": "right password"])
            #expect(blocked.status == .tooManyRequests)
            let retryAfter = try #require(blocked.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
        }
    }

    @Test("routes need a valid token: missing, forged and expired tokens answer 401")
    func tokens() async throws {
        try await withTestApp { app in
            let (token, id) = try await app.register()
            #expect(try await app.send(.GET, "/api/rules").status == .unauthorized)
            #expect(try await app.send(.GET, "/api/rules", token: "not.a.token").status == .unauthorized)
            let forged = String(token.dropLast(3)) + (token.hasSuffix("abc") ? "xyz" : "abc")
            #expect(try await app.send(.GET, "/api/rules", token: forged).status == .unauthorized)
            let expired = try await app.services.tokens.issue(
                for: UserID(UUID(uuidString: id)!), sessionVersion: 0, now: Date().addingTimeInterval(-8 * 24 * 3600))
            let reply = try await app.send(.GET, "/api/auth/me", token: expired)
            #expect(reply.status == .unauthorized)
            #expect(reply.reason?.contains("expired") == true)
            #expect(try await app.send(.GET, "/api/auth/me", token: token).status == .ok)
        }
    }

    @Test("the bearer token is read whatever the scheme's case and the blanks around it; an empty one is missing")
    func bearerHeader() {
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"
        for header in ["Bearer \(token)", "bearer \(token)", "BEARER  \(token) ", "Bearer \t\(token)\t"] {
            #expect(BearerAuthMiddleware.bearerToken(["Authorization": header]) == token, "\(header)")
        }
        for header in ["Bearer ", "Bearer    ", "Bearer", "Basic \(token)", "Bearer\(token)", token] {
            #expect(BearerAuthMiddleware.bearerToken(["Authorization": header]) == nil, "\(header)")
        }
        #expect(BearerAuthMiddleware.bearerToken([:]) == nil)
    }

    @Test("tokens expire seven days after issue")
    func tokenLifetime() async throws {
        try await withTestApp { app in
            let reply = try await app.send(.POST, "/api/auth/register",
                                           json: ["email": "life@example.com", "password": "long enough"])
            let expires = try #require(reply["expires_at"] as? String)
            let date = try #require(ISO8601DateFormatter().date(from: expires))
            #expect(abs(date.timeIntervalSinceNow - 7 * 24 * 3600) < 60)
        }
    }
}
