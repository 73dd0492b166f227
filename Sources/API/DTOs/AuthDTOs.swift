import Foundation
import Persistence
import Vapor

/// `POST /api/auth/register` and `POST /api/auth/login` body.
struct CredentialsRequest: Content {
    var email: String?
    var password: String?
}

/// A user as the API shows it (never the password hash).
struct UserResponse: Content {
    var id: UUID
    var email: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, email
        case createdAt = "created_at"
    }

    init(_ user: UserModel) {
        id = user.id!
        email = user.email
        createdAt = user.createdAt
    }
}

/// A signed-in session: the bearer token and its user.
struct SessionResponse: Content {
    var token: String
    var expiresAt: Date
    var user: UserResponse

    enum CodingKeys: String, CodingKey {
        case token, user
        case expiresAt = "expires_at"
    }
}
