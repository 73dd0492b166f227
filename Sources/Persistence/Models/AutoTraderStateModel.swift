import Fluent
import Foundation

/// A user's auto-trader as stored, so a restart puts it back exactly: running or not, the kill switch, the risk
/// limits (JSON text) and the IST day's starting equity the daily loss is measured from.
public final class AutoTraderStateModel: Model, @unchecked Sendable {
    // @unchecked: Fluent models are reference types mutated by property wrappers; each instance is used by one task.
    public static let schema = "autotrader_states"

    @ID(custom: "user_id", generatedBy: .user) public var id: UUID?
    @Field(key: "running") public var running: Bool
    @OptionalField(key: "started_at") public var startedAt: Date?
    @OptionalField(key: "kill_reason") public var killReason: String?
    @OptionalField(key: "killed_at") public var killedAt: Date?
    @Field(key: "limits") public var limits: String
    @OptionalField(key: "day") public var day: String?
    @OptionalField(key: "day_start_paise") public var dayStartPaise: Int64?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
