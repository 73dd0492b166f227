import Foundation
import TradingCore
import Vapor

/// The user a request or socket acts for, established from a verified token.
struct AuthenticatedUser: Authenticatable, Sendable {
    let id: UserID
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
