import Fluent
import Foundation

/// One decision of a user's auto-trader: a signal on a closed bar, a stop or a square-off, with its risk decision
/// and the order it placed. `dedupe_key` (strategy, symbol, trigger, time) is unique: a decision is stored once.
public final class SignalModel: Model, @unchecked Sendable {
    // @unchecked: Fluent models are reference types mutated by property wrappers; each instance is used by one task.
    public static let schema = "signals"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "strategy_id") public var strategyID: UUID
    @Field(key: "strategy_name") public var strategyName: String
    @Field(key: "symbol") public var symbol: String
    @Field(key: "timeframe") public var timeframe: String
    @Field(key: "trigger") public var trigger: String
    @OptionalField(key: "bar_time") public var barTime: Date?
    @Field(key: "decided_at") public var decidedAt: Date
    @Field(key: "side") public var side: String
    @Field(key: "reason") public var reason: String
    @OptionalField(key: "signal_values") public var values: String?
    @OptionalField(key: "strength") public var strength: Double?
    @Field(key: "price_paise") public var pricePaise: Int64
    @Field(key: "risk_outcome") public var riskOutcome: String
    @Field(key: "requested_quantity") public var requestedQuantity: Int64
    @Field(key: "quantity") public var quantity: Int64
    @OptionalField(key: "risk_reason") public var riskReason: String?
    @OptionalField(key: "order_id") public var orderID: UUID?
    @Field(key: "dedupe_key") public var dedupeKey: String

    public init() {}
}
