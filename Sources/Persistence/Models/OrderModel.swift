import Fluent
import Foundation
import TradingCore

/// A stored order with its outcome and charges (one column per charge component, for contract-note style reports).
public final class OrderModel: Model, @unchecked Sendable {
    public static let schema = "orders"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "symbol") public var symbol: String
    @Field(key: "side") public var side: String
    @Field(key: "order_type") public var orderType: String
    @Field(key: "quantity") public var quantity: Int64
    @OptionalField(key: "limit_paise") public var limitPaise: Int64?
    @Field(key: "status") public var status: String
    /// The strategy whose auto-trader placed the order; nil for the user's own.
    @OptionalField(key: "strategy_id") public var strategyID: UUID?
    @OptionalField(key: "fill_paise") public var fillPaise: Int64?
    @OptionalField(key: "brokerage_paise") public var brokeragePaise: Int64?
    @OptionalField(key: "stt_paise") public var sttPaise: Int64?
    @OptionalField(key: "exchange_paise") public var exchangePaise: Int64?
    @OptionalField(key: "sebi_paise") public var sebiPaise: Int64?
    @OptionalField(key: "stamp_paise") public var stampPaise: Int64?
    @OptionalField(key: "gst_paise") public var gstPaise: Int64?
    @OptionalField(key: "reason") public var reason: String?
    /// Cash (BUY) set aside while the order is pending, so two pending orders cannot spend the same rupee.
    @Field(key: "reserved_paise") public var reservedPaise: Int64
    @OptionalField(key: "cart_item_id") public var cartItemID: UUID?
    @OptionalField(key: "checkout_id") public var checkoutID: UUID?
    @OptionalField(key: "idempotency_key") public var idempotencyKey: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @OptionalField(key: "executed_at") public var executedAt: Date?

    public init() {}

    public func toCore() throws -> Order {
        guard let id, let symbol = Symbol(symbol), let side = OrderSide(rawValue: side),
              let type = OrderType(rawValue: orderType), let status = OrderStatus(rawValue: status)
        else { throw PersistenceError.corruptRow(table: Self.schema, id: id) }
        var charges: ChargeBreakdown?
        if let brokeragePaise, let sttPaise, let exchangePaise, let sebiPaise, let stampPaise, let gstPaise {
            charges = ChargeBreakdown(brokerage: Money(paise: brokeragePaise), stt: Money(paise: sttPaise),
                                      exchange: Money(paise: exchangePaise), sebi: Money(paise: sebiPaise),
                                      stampDuty: Money(paise: stampPaise), gst: Money(paise: gstPaise))
        }
        return Order(restoring: OrderID(id), owner: UserID(userID), symbol: symbol, side: side, type: type,
                     quantity: quantity, limitPrice: limitPaise.map(Money.init(paise:)), status: status,
                     fillPrice: fillPaise.map(Money.init(paise:)), charges: charges, reason: reason,
                     createdAt: createdAt, executedAt: executedAt, updatedAt: updatedAt)
    }
}
