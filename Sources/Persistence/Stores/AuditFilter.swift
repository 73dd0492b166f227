import Foundation

/// Which audit rows an administrator asked for: by user, by action (exact, or every action under a prefix such as
/// `auth.`), and by time (`from` inclusive, `to` exclusive).
public struct AuditFilter: Sendable {
    public enum Action: Sendable, Equatable {
        case exactly(String)
        case prefix(String)
    }

    public var userID: UUID?
    public var action: Action?
    public var from: Date?
    public var to: Date?

    public init(userID: UUID? = nil, action: Action? = nil, from: Date? = nil, to: Date? = nil) {
        self.userID = userID
        self.action = action
        self.from = from
        self.to = to
    }
}
