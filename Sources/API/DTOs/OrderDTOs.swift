import Foundation
import TradingCore
import Vapor

/// `POST /api/orders` body.
struct PlaceOrderRequest: Content {
    var symbol: String?
    var side: String?
    var type: String?
    /// A number, checked to be a whole one by `WireQuantity`.
    var quantity: Double?
    var limitPrice: Double?

    enum CodingKeys: String, CodingKey {
        case symbol, side, type, quantity
        case limitPrice = "limit_price"
    }
}

/// The charges of an executed order, component by component.
struct ChargesResponse: Content {
    var brokerage: Double
    var stt: Double
    var exchange: Double
    var sebi: Double
    var stampDuty: Double
    var gst: Double
    var total: Double

    enum CodingKeys: String, CodingKey {
        case brokerage, stt, exchange, sebi, gst, total
        case stampDuty = "stamp_duty"
    }

    init(_ charges: ChargeBreakdown) {
        brokerage = charges.brokerage.rupeesDouble
        stt = charges.stt.rupeesDouble
        exchange = charges.exchange.rupeesDouble
        sebi = charges.sebi.rupeesDouble
        stampDuty = charges.stampDuty.rupeesDouble
        gst = charges.gst.rupeesDouble
        total = charges.total.rupeesDouble
    }
}

/// An order as the API shows it.
struct OrderResponse: Content {
    var id: UUID
    var symbol: String
    var side: String
    var type: String
    var quantity: Int64
    var limitPrice: Double?
    var status: String
    var fillPrice: Double?
    var charges: Double?
    var chargesBreakdown: ChargesResponse?
    var total: Double?
    var reason: String?
    var createdAt: Date
    var updatedAt: Date
    var executedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, symbol, side, type, quantity, status, charges, total, reason
        case limitPrice = "limit_price"
        case fillPrice = "fill_price"
        case chargesBreakdown = "charges_breakdown"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case executedAt = "executed_at"
    }

    init(_ order: Order) {
        id = order.id.rawValue
        symbol = order.symbol.rawValue
        side = order.side.rawValue
        type = order.type.rawValue
        quantity = order.quantity
        limitPrice = order.limitPrice?.rupeesDouble
        status = order.status.rawValue
        fillPrice = order.fillPrice?.rupeesDouble
        charges = order.charges?.total.rupeesDouble
        chargesBreakdown = order.charges.map(ChargesResponse.init)
        if let fill = order.fillPrice, let charges = order.charges, let value = try? fill.multiplied(by: order.quantity) {
            // A settled order's value fitted the ledger's checked arithmetic, so these do too.
            total = (order.side == .buy ? value + charges.total : value - charges.total).rupeesDouble
        }
        reason = order.reason
        createdAt = order.createdAt
        updatedAt = order.updatedAt
        executedAt = order.executedAt
    }
}

/// `GET /api/orders` response: one page, and the `after` of the next (null on the last page).
struct OrdersResponse: Content {
    var orders: [OrderResponse]
    var nextAfter: UUID?

    private enum CodingKeys: String, CodingKey {
        case orders
        case nextAfter = "next_after"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orders, forKey: .orders)
        try container.encode(nextAfter, forKey: .nextAfter) // null on the last page, never left out
    }
}
