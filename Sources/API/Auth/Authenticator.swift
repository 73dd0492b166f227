import Foundation
import Persistence
import TradingCore
import Vapor

/// Turns a bearer token into the user it acts for, or the reason it may not: a bad or expired signature (401), a
/// revoked session (401), an account that no longer exists (401) or that an administrator disabled (403). HTTP
/// requests and WebSockets both come through here.
struct Authenticator: Sendable {
    let tokens: TokenService
    let directory: AccessDirectory

    static let disabledReason = "this account has been disabled by an administrator"

    func authenticate(_ token: String) async throws -> AuthenticatedUser {
        guard let claims = await tokens.verify(token) else {
            throw APIError(.unauthorized, "token is invalid or expired; log in again",
                           headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
        }
        guard let access = try await directory.access(of: claims.user) else {
            throw APIError(.unauthorized, "this account no longer exists",
                           headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
        }
        if access.disabled { throw APIError(.forbidden, Self.disabledReason) }
        guard claims.sessionVersion >= access.sessionVersion else {
            throw APIError(.unauthorized, "token has been revoked; log in again",
                           headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
        }
        return AuthenticatedUser(id: claims.user, role: access.role, sessionVersion: claims.sessionVersion)
    }

    /// Whether a user signed in with `sessionVersion` may still act (for sockets opened before a change).
    func stillValid(user: UserID, sessionVersion: Int64) async -> Bool {
        guard let access = try? await directory.access(of: user) else { return false }
        return !access.disabled && sessionVersion >= access.sessionVersion
    }
}
