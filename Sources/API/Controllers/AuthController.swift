import Fluent
import Foundation
import Persistence
import TradingCore
import Vapor

/// Registration, login, logout, password change and the current user.
struct AuthController {
    let services: StockCartServices

    func register(public routes: any RoutesBuilder, protected: any RoutesBuilder) {
        let auth = routes.grouped("api", "auth")
        auth.post("register", use: register)
        auth.post("login", use: login)
        let signedIn = protected.grouped("api", "auth")
        signedIn.get("me", use: me)
        signedIn.post("logout", use: logout)
        signedIn.post("password", use: changePassword)
    }

    /// `POST /api/auth/register`: creates the account (and its paper cash) and signs the user in. 201.
    @Sendable func register(_ req: Request) async throws -> Response {
        let body = try req.decodeJSONBody(CredentialsRequest.self)
        let email = try Self.validEmail(body.email)
        let password = try Self.acceptablePassword(body.password, field: "password")
        let hash = try await hashPassword(password, on: req)
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
        let limiter = services.security.loginLimiter
        let failures = LoginFailureStore(database: req.db)
        if let wait = try await limiter.retryAfter(keys: keys, now: now, store: failures) {
            throw APIError(.tooManyRequests, "too many failed logins; try again in \(wait) seconds",
                           headers: ["Retry-After": String(wait)])
        }
        let audit = AuditStore(database: req.db)
        let user = try await UserStore(database: req.db).find(email: email)
        // Verify against a dummy hash of the same cost when the user does not exist, so timing does not reveal which
        // e-mails exist.
        let matches = try await req.application.threadPool.runIfActive { [stored = user?.passwordHash,
                                                                           cost = services.config.bcryptCost] in
            (try? Bcrypt.verify(password, created: stored ?? DummyHash.shared.hash(cost: cost))) ?? false
        }
        guard let user, matches else {
            try await limiter.recordFailure(keys: keys, now: now, store: failures)
            try await audit.record(userID: user?.id, action: "auth.login_failed", detail: "email=\(email)",
                                   ip: req.clientAddress, requestID: req.id, now: now)
            throw APIError(.unauthorized, "email or password is incorrect")
        }
        try await limiter.reset(key: "email:" + email, store: failures)
        guard user.disabledAt == nil else {
            // Only after the right password: a disabled account's existence is no secret from its owner.
            try await audit.record(userID: user.id, action: "auth.login_refused_disabled", ip: req.clientAddress,
                                   requestID: req.id, now: now)
            throw APIError(.forbidden, Authenticator.disabledReason)
        }
        try await audit.record(userID: user.id, action: "auth.login", ip: req.clientAddress, requestID: req.id, now: now)
        return try await session(for: user, now: now)
    }

    /// `POST /api/auth/logout`: revokes every token of the user (every device), on every instance; their open
    /// sockets close. 204.
    @Sendable func logout(_ req: Request) async throws -> HTTPStatus {
        let user = try req.user.id
        try await UserStore(database: req.db).revokeSessions(id: user.rawValue)
        await services.security.changes.announce(user)
        try await AuditStore(database: req.db).record(userID: user.rawValue, action: "auth.logout",
                                                      ip: req.clientAddress, requestID: req.id, now: services.clock.now())
        return .noContent
    }

    /// `POST /api/auth/password` `{current_password, new_password}`: a new password and a new token; every earlier
    /// token of the user is revoked (other devices sign in again).
    @Sendable func changePassword(_ req: Request) async throws -> SessionResponse {
        let owner = try req.user.id
        let body = try req.decodeJSONBody(PasswordChangeRequest.self)
        let users = UserStore(database: req.db)
        guard let user = try await users.find(id: owner.rawValue) else {
            throw APIError(.unauthorized, "this account no longer exists")
        }
        // Wrong current passwords count against the login throttle: a stolen token must not become a way to guess
        // the password at the request rate.
        let keys = ["email:" + user.email]
        let limiter = services.security.loginLimiter
        let failures = LoginFailureStore(database: req.db)
        let now = services.clock.now()
        if let wait = try await limiter.retryAfter(keys: keys, now: now, store: failures) {
            throw APIError(.tooManyRequests, "too many wrong passwords; try again in \(wait) seconds",
                           headers: ["Retry-After": String(wait)])
        }
        let current = body.currentPassword ?? ""
        let matches = try await req.application.threadPool.runIfActive { [hash = user.passwordHash] in
            (try? Bcrypt.verify(current, created: hash)) ?? false
        }
        guard matches else {
            try await limiter.recordFailure(keys: keys, now: now, store: failures)
            throw APIError.validation("current_password", "current password is incorrect")
        }
        let password = try Self.acceptablePassword(body.newPassword, field: "new_password")
        guard password != current else {
            throw APIError.validation("new_password", "new password must differ from the current one")
        }
        let hash = try await hashPassword(password, on: req)
        guard try await users.changePassword(id: owner.rawValue, passwordHash: hash) != nil,
              let changed = try await users.find(id: owner.rawValue) else {
            throw APIError(.unauthorized, "this account no longer exists")
        }
        await services.security.changes.announce(owner)
        try await AuditStore(database: req.db).record(userID: owner.rawValue, action: "auth.password_changed",
                                                      ip: req.clientAddress, requestID: req.id, now: now)
        return try await session(for: changed, now: now)
    }

    /// `GET /api/auth/me`: the signed-in user.
    @Sendable func me(_ req: Request) async throws -> UserResponse {
        guard let user = try await UserStore(database: req.db).find(id: try req.user.id.rawValue) else {
            throw APIError(.unauthorized, "this account no longer exists")
        }
        return UserResponse(user)
    }

    private func session(for user: UserModel, now: Date) async throws -> SessionResponse {
        let token = try await services.tokens.issue(for: UserID(user.id!), sessionVersion: user.sessionVersion, now: now)
        return SessionResponse(token: token, expiresAt: now.addingTimeInterval(services.tokens.lifetime),
                               user: UserResponse(user))
    }

    /// A new password as given, or a 422 naming `field`: 8 characters at least, 72 bytes at most.
    static func acceptablePassword(_ raw: String?, field: String) throws -> String {
        guard let password = raw, !password.isEmpty else { throw APIError.validation(field, "\(field) is required") }
        guard password.count >= 8 else { throw APIError.validation(field, "\(field) must be at least 8 characters") }
        guard password.utf8.count <= 72 else {
            // bcrypt ignores bytes past 72; refusing is safer than silently truncating.
            throw APIError.validation(field, "\(field) must be at most 72 bytes")
        }
        return password
    }

    /// bcrypt at the configured cost, off the event loop.
    private func hashPassword(_ password: String, on req: Request) async throws -> String {
        try await req.application.threadPool.runIfActive { [cost = services.config.bcryptCost] in
            try Bcrypt.hash(password, cost: cost)
        }
    }

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
