import Fluent
import Foundation

/// A registered user. The password is stored only as a bcrypt hash.
public final class UserModel: Model, @unchecked Sendable {
    // @unchecked: Fluent models are reference types mutated by property wrappers; each instance is used by one task.
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "created_at") public var createdAt: Date
    /// `user` or `admin` (`UserRole`).
    @Field(key: "role") public var role: String
    /// When an administrator disabled the account; nil while it may sign in.
    @OptionalField(key: "disabled_at") public var disabledAt: Date?
    /// Carried by every token; bumping it revokes every token issued before.
    @Field(key: "session_version") public var sessionVersion: Int64

    public init() {}

    public init(id: UUID? = nil, email: String, passwordHash: String, createdAt: Date, role: UserRole = .user) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.role = role.rawValue
        self.disabledAt = nil
        self.sessionVersion = 0
    }

    /// The stored role; an unknown value (a newer version's role) counts as the least privileged.
    public var userRole: UserRole { UserRole(rawValue: role) ?? .user }
}
