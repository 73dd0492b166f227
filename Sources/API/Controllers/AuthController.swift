import Fluent
import Foundation
import Persistence
import TradingCore
import Vapor

/// Registration, login and the current user.
struct AuthController {
    let services: StockCartServices

    func register(public routes: any RoutesBuilder, protected: any RoutesBuilder) {
        let auth = routes.grouped("api", "auth")
        auth.post("register", use: register)
        auth.post("login", use: login)
        protected.grouped("api", "auth").get("me", use: me)
    }

    /// `POST /api/auth/register`: creates the account (and its paper cash) and signs the user in. 201.
    @Sendable func register(_ req: Request) async throws -> Response {
        let body = try req.decodeJSONBody(CredentialsRequest.self)
        let email = try Self.validEmail(body.email)
        guard let password = body.password, !password.isEmpty else {
            throw APIError.validation("password", "password is required")
        }
        guard password.count >= 8 else { throw APIError.validation("password", "password must be at least 8 characters") }
        guard password.utf8.count <= 72 else {
            // bcrypt ignores bytes past 72; refusing is safer than silently truncating.
            throw APIError.validation("password", "password must be at most 72 bytes")
        }
        let hash = try await req.application.threadPool.runIfActive { [cost = services.config.bcryptCost] in
            try Bcrypt.hash(password, cost: cost)
        }
        let now = services.clock.now()
        let user = try await UserStore(database: req.db).create(email: email, passwordHash: hash,
                                                                startingCash: services.config.startingCash, now: now)
        try await AuditStore(database: req.db).record(userID: user.id, action: "user.register", ip: req.clientAddress,
                                                      requestID: req.id, now: now)
        let session = try await session(for: user, now: now)
        let response = Response(status: .created)
        try response.content.encode(session)
        return response
    }

    /// `POST /api/auth/login`: a token for the right e-mail and password; one 401 for every wrong combination.
    @Sendable func login(_ req: Request) async throws -> SessionResponse {
        let body = try req.decodeJSONBody(CredentialsRequest.self)
        let email = (body.email ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = body.password ?? ""
        let now = services.clock.now()
        let keys = ["email:" + email, "ip:" + req.clientAddress]
        if let wait = services.loginLimiter.retryAfter(keys: keys, now: now) {
            throw APIError(.tooManyRequests, "too many failed logins; try again in \(wait) seconds",
                           headers: ["Retry-After": String(wait)])
        }
        let audit = AuditStore(database: req.db)
        let user = try await UserStore(database: req.db).find(email: email)
        // Verify against a dummy hash when the user does not exist, so timing does not reveal which e-mails exist.
        let hash = user?.passwordHash ?? Self.dummyHash
        let matches = try await req.application.threadPool.runIfActive { (try? Bcrypt.verify(password, created: hash)) ?? false }
        guard let user, matches else {
            services.loginLimiter.recordFailure(keys: keys, now: now)
            try await audit.record(userID: user?.id, action: "auth.login_failed", detail: "email=\(email)",
                                   ip: req.clientAddress, requestID: req.id, now: now)
            throw APIError(.unauthorized, "email or password is incorrect")
        }
        services.loginLimiter.reset(key: "email:" + email)
        try await audit.record(userID: user.id, action: "auth.login", ip: req.clientAddress, requestID: req.id, now: now)
        return try await session(for: user, now: now)
    }

    /// `GET /api/auth/me`: the signed-in user.
    @Sendable func me(_ req: Request) async throws -> UserResponse {
        guard let user = try await UserStore(database: req.db).find(id: try req.user.id.rawValue) else {
            throw APIError(.unauthorized, "this account no longer exists")
        }
        return UserResponse(user)
    }

    private func session(for user: UserModel, now: Date) async throws -> SessionResponse {
        let token = try await services.tokens.issue(for: UserID(user.id!), now: now)
        return SessionResponse(token: token, expiresAt: now.addingTimeInterval(services.tokens.lifetime),
                               user: UserResponse(user))
    }

    /// A bcrypt hash of a random string, computed once.
    private static let dummyHash: String = (try? Bcrypt.hash(UUID().uuidString, cost: 10)) ?? ""

    static func validEmail(_ raw: String?) throws -> String {
        guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.validation("email", "email is required")
        }
        let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !email.contains(" ")
        else { throw APIError.validation("email", "email must be a valid address like name@example.com") }
        return email
    }
}
