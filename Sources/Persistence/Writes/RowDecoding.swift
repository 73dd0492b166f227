import Foundation
import TradingCore

/// Domain values from rows of `SELECT *` on their tables, for the write paths that run on a `WriteSession`.
extension Order {
    init(row: any SQLResultRow) throws {
        let id = try row.uuid("id")
        guard let symbol = Symbol(try row.text("symbol")), let side = OrderSide(rawValue: try row.text("side")),
              let type = OrderType(rawValue: try row.text("order_type")),
              let status = OrderStatus(rawValue: try row.text("status"))
        else { throw PersistenceError.corruptRow(table: OrderModel.schema, id: id) }
        var charges: ChargeBreakdown?
        if let brokerage = try row.optionalInteger("brokerage_paise"), let stt = try row.optionalInteger("stt_paise"),
           let exchange = try row.optionalInteger("exchange_paise"), let sebi = try row.optionalInteger("sebi_paise"),
           let stamp = try row.optionalInteger("stamp_paise"), let gst = try row.optionalInteger("gst_paise") {
            charges = ChargeBreakdown(brokerage: Money(paise: brokerage), stt: Money(paise: stt),
                                      exchange: Money(paise: exchange), sebi: Money(paise: sebi),
                                      stampDuty: Money(paise: stamp), gst: Money(paise: gst))
        }
        self.init(restoring: OrderID(id), owner: UserID(try row.uuid("user_id")), symbol: symbol, side: side,
                  type: type, quantity: try row.integer("quantity"),
                  limitPrice: try row.optionalInteger("limit_paise").map(Money.init(paise:)), status: status,
                  fillPrice: try row.optionalInteger("fill_paise").map(Money.init(paise:)), charges: charges,
                  reason: try row.optionalText("reason"), createdAt: try row.date("created_at"),
                  executedAt: try row.optionalDate("executed_at"), updatedAt: try row.date("updated_at"))
    }
}

extension PriceRule {
    init(row: any SQLResultRow) throws {
        let id = try row.uuid("id")
        guard let symbol = Symbol(try row.text("symbol")), let mode = RuleMode(rawValue: try row.text("mode")),
              let state = PriceRule.State(rawValue: try row.text("state")),
              let range = try? PriceRange(min: Money(paise: try row.integer("min_paise")),
                                          max: Money(paise: try row.integer("max_paise")))
        else { throw PersistenceError.corruptRow(table: RuleModel.schema, id: id) }
        self.init(id: RuleID(id), owner: UserID(try row.uuid("user_id")), symbol: symbol, range: range, mode: mode,
                  state: state, fireCount: Int(try row.integer("fire_count")), createdAt: try row.date("created_at"),
                  updatedAt: try row.date("updated_at"), lastFiredAt: try row.optionalDate("last_fired_at"),
                  revision: try row.integer("revision"))
    }
}

extension CartItem {
    init(row: any SQLResultRow) throws {
        let id = try row.uuid("id")
        guard let symbol = Symbol(try row.text("symbol")) else {
            throw PersistenceError.corruptRow(table: CartItemModel.schema, id: id)
        }
        self.init(id: id, owner: UserID(try row.uuid("user_id")), symbol: symbol, quantity: try row.integer("quantity"),
                  priceWhenAdded: Money(paise: try row.integer("price_paise")),
                  autoAdded: try row.bool("auto_added"),
                  ruleID: try row.optionalUUID("rule_id").map(RuleID.init),
                  fireNumber: try row.optionalInteger("fire_number").map(Int.init), addedAt: try row.date("added_at"))
    }
}
