import Fluent
import Foundation
import TradingCore

/// A cart line. Rows are never deleted: removal and checkout change `status`, so the unique key on
/// (`rule_id`, `fire_number`) keeps guarding against a firing being recorded twice.
public final class CartItemModel: Model, @unchecked Sendable {
    public static let schema = "cart_items"

    /// Where a cart line stands.
    public enum Status: String, Sendable {
        case inCart = "in_cart"
        case removed
        case checkedOut = "checked_out"
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "symbol") public var symbol: String
    @Field(key: "quantity") public var quantity: Int64
    @Field(key: "price_paise") public var pricePaise: Int64
    @Field(key: "auto_added") public var autoAdded: Bool
    @OptionalField(key: "rule_id") public var ruleID: UUID?
    @OptionalField(key: "fire_number") public var fireNumber: Int?
    @Field(key: "status") public var status: String
    @Field(key: "added_at") public var addedAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public func toCore() throws -> CartItem {
        guard let id, let symbol = Symbol(symbol) else { throw PersistenceError.corruptRow(table: Self.schema, id: id) }
        return CartItem(id: id, owner: UserID(userID), symbol: symbol, quantity: quantity,
                        priceWhenAdded: Money(paise: pricePaise), autoAdded: autoAdded, ruleID: ruleID.map(RuleID.init),
                        fireNumber: fireNumber, addedAt: addedAt)
    }
}
