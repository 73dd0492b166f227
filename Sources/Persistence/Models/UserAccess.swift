import Foundation

/// What a request needs to know about its user beyond a valid signature: the role, whether an administrator disabled
/// the account, and the session version every token must carry (older tokens are revoked).
public struct UserAccess: Sendable, Equatable {
    public var role: UserRole
    public var disabled: Bool
    public var sessionVersion: Int64

    public init(role: UserRole, disabled: Bool, sessionVersion: Int64) {
        self.role = role
        self.disabled = disabled
        self.sessionVersion = sessionVersion
    }

    init(_ user: UserModel) {
        self.init(role: user.userRole, disabled: user.disabledAt != nil, sessionVersion: user.sessionVersion)
    }
}
