import Fluent
import Foundation

/// A backtest a user ran through the API: what was asked (JSON text), how far it got, its headline figures and its
/// whole report (JSON text, once done).
public final class BacktestModel: Model, @unchecked Sendable {
    // @unchecked: Fluent models are reference types mutated by property wrappers; each instance is used by one task.
    public static let schema = "backtests"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "symbol") public var symbol: String
    @Field(key: "interval") public var interval: String
    @Field(key: "kind") public var kind: String
    @Field(key: "parameters") public var parameters: String
    @Field(key: "request") public var request: String
    @Field(key: "status") public var status: String
    @Field(key: "progress") public var progress: Double
    @OptionalField(key: "final_paise") public var finalPaise: Int64?
    @OptionalField(key: "total_return_percent") public var totalReturnPercent: Double?
    @OptionalField(key: "trades") public var trades: Int64?
    @OptionalField(key: "error") public var error: String?
    @OptionalField(key: "report") public var report: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "finished_at") public var finishedAt: Date?

    public init() {}
}
