import Fluent
import Foundation

/// A user's paper-trading cash balance, and the running figures kept with it (see `AddRunningTotals`).
public final class AccountModel: Model, @unchecked Sendable {
    public static let schema = "accounts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "cash_paise") public var cashPaise: Int64
    /// Cash set aside by the user's pending BUY orders: always the sum of their `orders.reserved_paise`.
    @Field(key: "reserved_paise") public var reservedPaise: Int64
    /// How many rules the user has: always the count of their `rules` rows.
    @Field(key: "rule_count") public var ruleCount: Int64
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public init(userID: UUID, cashPaise: Int64, updatedAt: Date) {
        self.userID = userID
        self.cashPaise = cashPaise
        self.reservedPaise = 0
        self.ruleCount = 0
        self.updatedAt = updatedAt
    }
}
