import Fluent
import Foundation
import TradingCore

/// A user's holding in one symbol (unique per user and symbol); kept at zero quantity for its realised P&L.
public final class PositionModel: Model, @unchecked Sendable {
    public static let schema = "positions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "symbol") public var symbol: String
    @Field(key: "quantity") public var quantity: Int64
    @Field(key: "average_paise") public var averagePaise: Int64
    @Field(key: "realised_paise") public var realisedPaise: Int64
    /// Shares set aside by the user's pending SELL orders of this symbol: always the sum of their quantities.
    @Field(key: "reserved_quantity") public var reservedQuantity: Int64
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public func toCore() throws -> Holding {
        guard let symbol = Symbol(symbol) else { throw PersistenceError.corruptRow(table: Self.schema, id: id) }
        return Holding(symbol: symbol, quantity: quantity, averagePrice: Money(paise: averagePaise),
                       realisedPnL: Money(paise: realisedPaise))
    }
}
