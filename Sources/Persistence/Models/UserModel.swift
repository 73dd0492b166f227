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

    public init() {}

    public init(id: UUID? = nil, email: String, passwordHash: String, createdAt: Date) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}
