import Fluent
import Foundation

/// A user's paper-trading cash balance.
public final class AccountModel: Model, @unchecked Sendable {
    public static let schema = "accounts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "cash_paise") public var cashPaise: Int64
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public init(userID: UUID, cashPaise: Int64, updatedAt: Date) {
        self.userID = userID
        self.cashPaise = cashPaise
        self.updatedAt = updatedAt
    }
}
