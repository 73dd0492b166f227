import Fluent
import Foundation

/// One fill of an order (StockCart fills whole orders, so at most one per order, enforced by a unique key).
public final class TradeModel: Model, @unchecked Sendable {
    public static let schema = "trades"

    @ID(key: .id) public var id: UUID?
    @Field(key: "order_id") public var orderID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "symbol") public var symbol: String
    @Field(key: "side") public var side: String
    @Field(key: "quantity") public var quantity: Int64
    @Field(key: "price_paise") public var pricePaise: Int64
    @Field(key: "charges_paise") public var chargesPaise: Int64
    @Field(key: "executed_at") public var executedAt: Date

    public init() {}

    public init(orderID: UUID, userID: UUID, symbol: String, side: String, quantity: Int64, pricePaise: Int64,
                chargesPaise: Int64, executedAt: Date) {
        self.orderID = orderID
        self.userID = userID
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.pricePaise = pricePaise
        self.chargesPaise = chargesPaise
        self.executedAt = executedAt
    }
}
