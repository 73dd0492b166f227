/// What a user may do: every user trades for themselves; an administrator also sees the users, the audit log and the
/// system's health, and may disable accounts. Only the server's command line makes an administrator.
public enum UserRole: String, Sendable, CaseIterable, Codable {
    case user
    case admin
}
