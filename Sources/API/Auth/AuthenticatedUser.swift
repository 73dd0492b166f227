import Foundation
import Persistence
import TradingCore
import Vapor

/// The user a request or socket acts for, established from a verified token and the account's current access.
struct AuthenticatedUser: Authenticatable, Sendable {
    let id: UserID
    let role: UserRole
    /// The session version of the token it signed in with.
    let sessionVersion: Int64
}

extension Request {
    /// The signed-in user; every route behind `BearerAuthMiddleware` has one.
    var user: AuthenticatedUser {
        get throws {
            guard let user = auth.get(AuthenticatedUser.self) else { throw APIError(.unauthorized, "authentication required") }
            return user
        }
    }
}
