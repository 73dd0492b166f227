import Fluent
import Foundation

/// One failed login, counted against a throttle key (`email:…` or `ip:…`). Rows older than the throttle's window are
/// deleted as new failures arrive.
public final class LoginFailureModel: Model, @unchecked Sendable {
    public static let schema = "login_failures"

    @ID(key: .id) public var id: UUID?
    @Field(key: "throttle_key") public var key: String
    @Field(key: "failed_at") public var failedAt: Date

    public init() {}
}
