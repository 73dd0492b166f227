import Fluent
import Foundation
import TradingCore

/// A stored price-range rule; `PriceRule` is its domain form.
public final class RuleModel: Model, @unchecked Sendable {
    public static let schema = "rules"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "symbol") public var symbol: String
    @Field(key: "min_paise") public var minPaise: Int64
    @Field(key: "max_paise") public var maxPaise: Int64
    @Field(key: "mode") public var mode: String
    @Field(key: "state") public var state: String
    @Field(key: "fire_count") public var fireCount: Int
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @OptionalField(key: "last_fired_at") public var lastFiredAt: Date?
    @Field(key: "revision") public var revision: Int64

    public init() {}

    /// The domain rule; throws if the row holds values no valid rule can have.
    public func toCore() throws -> PriceRule {
        guard let id, let symbol = Symbol(symbol), let mode = RuleMode(rawValue: mode),
              let state = PriceRule.State(rawValue: state)
        else { throw PersistenceError.corruptRow(table: Self.schema, id: id) }
        let range: PriceRange
        do {
            range = try PriceRange(min: Money(paise: minPaise), max: Money(paise: maxPaise))
        } catch {
            throw PersistenceError.corruptRow(table: Self.schema, id: id)
        }
        return PriceRule(id: RuleID(id), owner: UserID(userID), symbol: symbol, range: range, mode: mode, state: state,
                         fireCount: fireCount, createdAt: createdAt, updatedAt: updatedAt, lastFiredAt: lastFiredAt,
                         revision: revision)
    }
}
