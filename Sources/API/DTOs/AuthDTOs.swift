import Foundation
import Persistence
import Vapor

/// `POST /api/auth/register` and `POST /api/auth/login` body.
struct CredentialsRequest: Content {
    var email: String?
    var password: String?
}

/// `POST /api/auth/password` body.
struct PasswordChangeRequest: Content {
    var currentPassword: String?
    var newPassword: String?

    enum CodingKeys: String, CodingKey {
        case currentPassword = "current_password"
        case newPassword = "new_password"
    }
}

/// A user as the API shows it (never the password hash).
struct UserResponse: Content {
    var id: UUID
    var email: String
    var role: UserRole
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, email, role
        case createdAt = "created_at"
    }

    init(_ user: UserModel) {
        id = user.id!
        email = user.email
        role = user.userRole
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
