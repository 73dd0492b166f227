import Fluent
import Foundation

/// A user's auto-trading strategy as stored: its kind and parameters, timeframe, watchlist, sizing and exits (JSON
/// text), its mode and whether it is enabled. `StrategyColumns` turns the JSON into the domain's `StrategyPlan`.
public final class StrategyModel: Model, @unchecked Sendable {
    // @unchecked: Fluent models are reference types mutated by property wrappers; each instance is used by one task.
    public static let schema = "strategies"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @Field(key: "parameters") public var parameters: String
    @Field(key: "timeframe") public var timeframe: String
    @Field(key: "watchlist") public var watchlist: String
    @Field(key: "sizing") public var sizing: String
    @Field(key: "exits") public var exits: String
    @Field(key: "mode") public var mode: String
    @Field(key: "enabled") public var enabled: Bool
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
