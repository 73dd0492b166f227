@testable import API
import Foundation
import JWT
import Persistence
import TestSupport
import Testing
import TradingCore
import Vapor

/// Tokens that must not work: altered, unsigned, signed with another key, expired, revoked by logout or a new
/// password, over HTTP and over the WebSocket.
@Suite("Tokens: tampering, alg none, wrong key, revocation")
struct TokenSecurityTests {
    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private static func claims(sub: String, ver: Int = 0) -> [String: Any] {
        let now = Date().timeIntervalSince1970
        return ["sub": sub, "iat": now, "exp": now + 3_600, "ver": ver]
    }

    @Test("a token whose claims were altered after signing answers 401")
    func tampered() async throws {
        try await withTestApp { app in
            let (alice, _) = try await app.register()
            let (_, malloryID) = try await app.register()
            let parts = alice.split(separator: ".").map(String.init)
            try #require(parts.count == 3)
            // Alice's signature over Mallory's id: the signature no longer matches the claims.
            let swapped = Self.base64URL(try Self.json(Self.claims(sub: malloryID)))
            let forged = [parts[0], swapped, parts[2]].joined(separator: ".")
            let reply = try await app.send(.GET, "/api/auth/me", token: forged)
            #expect(reply.status == .unauthorized)
            #expect(reply.headers.first(name: "WWW-Authenticate")?.contains("invalid_token") == true)
            #expect(try await app.send(.GET, "/api/auth/me", token: alice).status == .ok)
        }
    }

    @Test("an unsigned token (alg none), with or without a signature part, answers 401")
    func algorithmNone() async throws {
        try await withTestApp { app in
            let (_, id) = try await app.register()
            let header = Self.base64URL(try Self.json(["alg": "none", "typ": "JWT"]))
            let payload = Self.base64URL(try Self.json(Self.claims(sub: id)))
            for token in ["\(header).\(payload).", "\(header).\(payload)", "\(header).\(payload).AAAA"] {
                #expect(try await app.send(.GET, "/api/auth/me", token: token).status == .unauthorized, "\(token)")
            }
            // Lower-case and mixed-case spellings of none are no different.
            let lower = Self.base64URL(try Self.json(["alg": "None", "typ": "JWT"]))
            #expect(try await app.send(.GET, "/api/auth/me", token: "\(lower).\(payload).").status == .unauthorized)
        }
    }

    @Test("a well-formed token signed with another key answers 401")
    func wrongKey() async throws {
        try await withTestApp { app in
            let (_, id) = try await app.register()
            let payload = UserPayload(sub: SubjectClaim(value: id), iat: IssuedAtClaim(value: Date()),
                                      exp: ExpirationClaim(value: Date().addingTimeInterval(3_600)), ver: 0)
            let other = JWTKeyCollection()
            await other.add(hmac: HMACKey(from: "another-secret-another-secret-0123456"), digestAlgorithm: .sha256)
            let foreign = try await other.sign(payload)
            #expect(try await app.send(.GET, "/api/auth/me", token: foreign).status == .unauthorized)
            // The same claims signed the server's way do work, so the refusals above were about the key.
            let genuine = try await app.services.tokens.issue(for: UserID(UUID(uuidString: id)!), sessionVersion: 0,
                                                              now: Date())
            #expect(try await app.send(.GET, "/api/auth/me", token: genuine).status == .ok)
        }
    }

    @Test("a correctly signed token for an account that does not exist answers 401")
    func unknownAccount() async throws {
        try await withTestApp { app in
            let token = try await app.services.tokens.issue(for: UserID(UUID()), sessionVersion: 0, now: Date())
            let reply = try await app.send(.GET, "/api/rules", token: token)
            #expect(reply.status == .unauthorized)
            #expect(reply.reason == "this account no longer exists")
        }
    }

    @Test("logout revokes every token of the user (every device), and a new login works",
          arguments: TestDatabase.enabled)
    func logout(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (phone, _) = try await app.register("asha@example.com", password: "correct horse")
            let laptop = try #require(try await app.send(.POST, "/api/auth/login", json: [
                "email": "asha@example.com", "password": "correct horse",
            ])["token"] as? String)
            let (other, _) = try await app.register()
            #expect(try await app.send(.POST, "/api/auth/logout", token: laptop).status == .noContent)
            for token in [phone, laptop] {
                let reply = try await app.send(.GET, "/api/rules", token: token)
                #expect(reply.status == .unauthorized)
                #expect(reply.reason == "token has been revoked; log in again")
            }
            #expect(try await app.send(.POST, "/api/auth/logout", token: laptop).status == .unauthorized)
            #expect(try await app.send(.GET, "/api/rules", token: other).status == .ok) // another user is untouched
            let again = try await app.send(.POST, "/api/auth/login", json: [
                "email": "asha@example.com", "password": "correct horse",
            ])
            let fresh = try #require(again["token"] as? String)
            #expect(try await app.send(.GET, "/api/auth/me", token: fresh).status == .ok)
            let audit = try await AuditStore(database: app.app.db)
                .search(AuditFilter(action: .exactly("auth.logout")), after: nil, limit: 10)
            #expect(audit.items.count == 1)
        }
    }

    @Test("a password change: wrong current 422, weak new 422, then a new token and every earlier one revoked",
          arguments: TestDatabase.enabled)
    func passwordChange(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (old, _) = try await app.register("ravi@example.com", password: "first password")
            let wrong = try await app.send(.POST, "/api/auth/password", token: old, json: [
                "current_password": "not it at all", "new_password": "second password",
            ])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.field == "current_password")
            for (new, reason) in [("short", "at least 8"), ("first password", "differ"),
                                  (String(repeating: "x", count: 73), "72 bytes")] {
                let weak = try await app.send(.POST, "/api/auth/password", token: old, json: [
                    "current_password": "first password", "new_password": new,
                ])
                #expect(weak.status == .unprocessableEntity)
                #expect(weak.field == "new_password")
                #expect(weak.reason?.contains(reason) == true, "\(weak.reason ?? "")")
            }
            let missing = try await app.send(.POST, "/api/auth/password", token: old,
                                             json: ["current_password": "first password"])
            #expect(missing.field == "new_password")
            // None of the refusals changed anything.
            #expect(try await app.send(.GET, "/api/auth/me", token: old).status == .ok)

            let changed = try await app.send(.POST, "/api/auth/password", token: old, json: [
                "current_password": "first password", "new_password": "second password",
            ])
            #expect(changed.status == .ok)
            let new = try #require(changed["token"] as? String)
            #expect((changed["user"] as? [String: Any])?["email"] as? String == "ravi@example.com")
            #expect(try await app.send(.GET, "/api/auth/me", token: old).status == .unauthorized)
            #expect(try await app.send(.GET, "/api/auth/me", token: new).status == .ok)
            #expect(try await app.send(.POST, "/api/auth/login", json: [
                "email": "ravi@example.com", "password": "first password",
            ]).status == .unauthorized)
            #expect(try await app.send(.POST, "/api/auth/login", json: [
                "email": "ravi@example.com", "password": "second password",
            ]).status == .ok)
        }
    }

    @Test("wrong current passwords count against the login throttle")
    func passwordGuessing() async throws {
        try await withTestApp(configure: { $0.loginMaxFailures = 3 }) { app in
            let (token, _) = try await app.register("guess@example.com", password: "first password")
            for _ in 0..<3 {
                let wrong = try await app.send(.POST, "/api/auth/password", token: token, json: [
                    "current_password": "a guess here", "new_password": "second password",
                ])
                #expect(wrong.status == .unprocessableEntity)
            }
            let throttled = try await app.send(.POST, "/api/auth/password", token: token, json: [
                "current_password": "first password", "new_password": "second password",
            ])
            #expect(throttled.status == .tooManyRequests)
            #expect(Int(throttled.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            #expect(try await app.send(.POST, "/api/auth/login", json: [
                "email": "guess@example.com", "password": "first password",
            ]).status == .tooManyRequests)
        }
    }

    @Test("a revoked token is refused by the socket, and an open socket closes (4001) when its token is revoked")
    func socketRevocation() async throws {
        try await withTestApp { app in
            let port = try await app.startServer()
            let (token, _) = try await app.register("sock@example.com", password: "first password")
            let (bystanderToken, _) = try await app.register()
            let open = try await SocketClient.connect(port: port, query: "?token=\(token)", on: app.app.eventLoopGroup)
            let bystander = try await SocketClient.connect(port: port, query: "?token=\(bystanderToken)",
                                                           on: app.app.eventLoopGroup)
            #expect(await eventually { !open.messages("welcome").isEmpty && !bystander.messages("welcome").isEmpty })

            let changed = try await app.send(.POST, "/api/auth/password", token: token, json: [
                "current_password": "first password", "new_password": "second password",
            ])
            let new = try #require(changed["token"] as? String)
            try await open.socket.onClose.get()
            #expect(open.socket.closeCode == .unknown(4001))
            #expect(open.messages("closing").first?["reason"] == "token revoked")

            let refused = try await SocketClient.connect(port: port, query: "?token=\(token)",
                                                         on: app.app.eventLoopGroup)
            try await refused.socket.onClose.get()
            #expect(refused.socket.closeCode == .unknown(4401))
            #expect(refused.messages("error").first?["reason"] == "token has been revoked; log in again")

            let renewed = try await SocketClient.connect(port: port, query: "?token=\(new)", on: app.app.eventLoopGroup)
            #expect(await eventually { !renewed.messages("welcome").isEmpty })
            #expect(!bystander.socket.isClosed)
            await renewed.close()
            await bystander.close()
            await app.stopServer()
        }
    }

    @Test("every response carries the security headers; HSTS only under TLS")
    func headers() async throws {
        try await withTestApp { app in
            for path in ["/healthz", "/api/stocks", "/nowhere"] {
                let reply = try await app.send(.GET, path)
                #expect(reply.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                #expect(reply.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(reply.headers.first(name: "Referrer-Policy") == "no-referrer")
                #expect(reply.headers.first(name: "Strict-Transport-Security") == nil)
            }
        }
    }

    @Test("past the per-user limit a user gets 429 with Retry-After; other users are not slowed")
    func rateLimit() async throws {
        try await withTestApp(configure: { $0.apiRateLimit = 1; $0.apiRateBurst = 3 }) { app in
            let (busy, _) = try await app.register()
            let (calm, _) = try await app.register()
            // The first three go through; refills come at one a second, so a 429 follows within a few more even
            // when the machine is slow (each request would have to take a second to never meet one).
            var statuses: [HTTPStatus] = []
            var limited: Reply?
            while limited == nil, statuses.count < 50 {
                let reply = try await app.send(.GET, "/api/rules", token: busy)
                statuses.append(reply.status)
                if reply.status == .tooManyRequests { limited = reply }
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .ok })
            let refusal = try #require(limited, "no 429 in \(statuses.count) requests")
            #expect(Int(refusal.headers.first(name: "Retry-After") ?? "") == 1)
            #expect(refusal.reason?.contains("at most 1 a second") == true)
            #expect(refusal["error"] as? Bool == true)
            #expect(try await app.send(.GET, "/api/rules", token: calm).status == .ok)
            // Anonymous routes are not counted against anyone.
            #expect(try await app.send(.GET, "/healthz").status == .ok)
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await app.send(.GET, "/api/rules", token: busy).status == .ok)
        }
    }

    @Test("failed logins are counted in the database, so every instance sees them", arguments: TestDatabase.enabled)
    func sharedLoginThrottle(database: TestDatabase) async throws {
        try await withTestApp(database, configure: { $0.loginMaxFailures = 2 }) { app in
            _ = try await app.register("shared@example.com")
            for _ in 0..<2 {
                #expect(try await app.send(.POST, "/api/auth/login", json: [
                    "email": "shared@example.com", "password": "wrong password",
                ]).status == .unauthorized)
            }
            let stored = try await LoginFailureStore(database: app.app.db)
                .failures(keys: ["email:shared@example.com"], since: Date().addingTimeInterval(-60))
            #expect(stored["email:shared@example.com"]?.count == 2)
            // A limiter with no memory of its own (another instance) refuses from the stored rows alone.
            let fresh = LoginRateLimiter(maxFailures: 2, window: 60)
            let wait = try await fresh.retryAfter(keys: ["email:shared@example.com"], now: Date(),
                                                  store: LoginFailureStore(database: app.app.db))
            #expect(wait != nil)
        }
    }

    @Test("CORS answers only the allow-listed origins, preflight included")
    func corsAllowList() async throws {
        try await withTestApp(configure: { $0.corsOrigins = ["https://desk.example.com"] }) { app in
            let allowed = try await app.send(.GET, "/api/stocks", headers: ["Origin": "https://desk.example.com"])
            #expect(allowed.headers.first(name: "Access-Control-Allow-Origin") == "https://desk.example.com")
            let foreign = try await app.send(.GET, "/api/stocks", headers: ["Origin": "https://evil.example.com"])
            #expect(foreign.headers.first(name: "Access-Control-Allow-Origin") != "https://evil.example.com")
            #expect(foreign.headers.first(name: "Access-Control-Allow-Origin") != "*")
            let preflight = try await app.send(.OPTIONS, "/api/orders", headers: [
                "Origin": "https://desk.example.com", "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
            ])
            #expect(preflight.status == .ok || preflight.status == .noContent)
            #expect(preflight.headers.first(name: "Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(preflight.headers.first(name: "Access-Control-Allow-Headers")?.lowercased()
                .contains("authorization") == true)
        }
        // With no allow-list there are no CORS headers at all: only the UI's own origin can call the API.
        try await withTestApp { app in
            let reply = try await app.send(.GET, "/api/stocks", headers: ["Origin": "https://desk.example.com"])
            #expect(reply.headers.first(name: "Access-Control-Allow-Origin") == nil)
        }
    }

    @Test("a body over 64 KB answers 413 with a JSON reason over a real connection, and changes nothing")
    func bodyLimit() async throws {
        try await withTestApp { app in
            let port = try await app.startServer()
            let (token, _) = try await app.register()
            let padding = String(repeating: "x", count: 70 * 1_024)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            headers.contentType = .json
            let response = try await app.app.client.post(URI(string: "http://127.0.0.1:\(port)/api/rules"),
                                                         headers: headers) { request in
                request.body = ByteBuffer(string: "{\"symbol\": \"ITC\", \"min_price\": 1, \"max_price\": 2, "
                                              + "\"note\": \"\(padding)\"}")
            }
            #expect(response.status == .payloadTooLarge)
            let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body ?? ByteBuffer())) as? [String: Any]
            #expect(body?["error"] as? Bool == true)
            #expect((body?["reason"] as? String)?.isEmpty == false)
            #expect(try await app.send(.GET, "/api/rules", token: token).array.isEmpty)
            await app.stopServer()
        }
    }

    @Test("X-Forwarded-For names the client only when the connection comes from a trusted proxy",
          arguments: [
              ([], "203.0.113.9", "127.0.0.1"),
              (["127.0.0.1"], "203.0.113.9", "203.0.113.9"),
              (["127.0.0.1"], "198.51.100.1, 203.0.113.9", "203.0.113.9"),
              (["127.0.0.1", "203.0.113.9"], "198.51.100.1, 203.0.113.9", "198.51.100.1"),
          ])
    func forwardedFor(trusted: [String], forwarded: String, expected: String) async throws {
        try await withTestApp(configure: { $0.trustedProxies = Set(trusted) }) { app in
            let port = try await app.startServer()
            let email = "proxied-\(UUID().uuidString.prefix(6))@example.com"
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.replaceOrAdd(name: "X-Forwarded-For", value: forwarded)
            let response = try await app.app.client.post(URI(string: "http://127.0.0.1:\(port)/api/auth/register"),
                                                         headers: headers) { request in
                request.body = ByteBuffer(string: "{\"email\": \"\(email)\", \"password\": \"long enough\"}")
            }
            #expect(response.status == .created)
            let rows = try await AuditStore(database: app.app.db)
                .search(AuditFilter(action: .exactly("user.register")), after: nil, limit: 5)
            #expect(rows.items.first?.ip == expected)
            await app.stopServer()
        }
    }

    @Test("the request limiter: a burst at once, then the sustained rate, with the wait in whole seconds")
    func limiterArithmetic() {
        let limiter = APIRateLimiter(perSecond: 2, burst: 4)
        let user = UserID(UUID()), other = UserID(UUID())
        let start = ContinuousClock.now
        for _ in 0..<4 { #expect(limiter.take(user, now: start) == nil) }
        #expect(limiter.take(user, now: start) == 1)
        #expect(limiter.take(other, now: start) == nil) // buckets are per user
        // Half a second later one request's worth has come back (2 a second), and only one.
        #expect(limiter.take(user, now: start + .milliseconds(500)) == nil)
        #expect(limiter.take(user, now: start + .milliseconds(500)) == 1)
        // Never more than the burst, however long the pause.
        let later = start + .seconds(60)
        for _ in 0..<4 { #expect(limiter.take(user, now: later) == nil) }
        #expect(limiter.take(user, now: later) != nil)
        // A slower rate asks for a longer wait.
        let slow = APIRateLimiter(perSecond: 1, burst: 1)
        #expect(slow.take(user, now: start) == nil)
        #expect(slow.take(user, now: start) == 1)
        let trickle = APIRateLimiter(perSecond: 1, burst: 1)
        #expect(trickle.take(user, now: start) == nil)
        #expect(trickle.take(user, now: start + .milliseconds(100)) == 1)
    }
}

@Suite("Logs never carry a token")
struct LogRedactionTests {
    @Test("bearer headers, token parameters and JWT-shaped strings are redacted; other text is left alone")
    func redaction() {
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.kD_ncWYXxlN6QaN6zAkIuxYjET6GE0HieW_QA_yyvac"
        let cases: [(String, String)] = [
            ("Authorization: Bearer \(jwt); Content-Length: 0", "Authorization: Bearer [redacted]; Content-Length: 0"),
            ("authorization: bearer abc.def", "authorization: bearer [redacted]"),
            ("GET /api/ws?token=\(jwt) HTTP/1.1", "GET /api/ws?token=[redacted] HTTP/1.1"),
            ("GET /api/ws?x=1&token=abc&y=2", "GET /api/ws?x=1&token=[redacted]&y=2"),
            ("sent \(jwt) somewhere", "sent [redacted] somewhere"),
            ("POST /api/orders [request-id: 7E85]", "POST /api/orders [request-id: 7E85]"),
            ("token has been revoked", "token has been revoked"),
        ]
        for (input, expected) in cases {
            #expect(RedactingLogHandler.redact(input) == expected)
            #expect(!RedactingLogHandler.redact(input).contains(jwt))
        }
    }
}
