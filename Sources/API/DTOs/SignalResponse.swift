import Engine
import Foundation
import TradingCore
import Vapor

/// A stored signal on the wire (`GET /api/signals`, the `signal` socket message).
struct SignalResponse: Content {
    struct Risk: Content {
        var outcome: String
        var requestedQuantity: Int64
        var quantity: Int64
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case outcome, quantity, reason
            case requestedQuantity = "requested_quantity"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(outcome, forKey: .outcome)
            try container.encode(requestedQuantity, forKey: .requestedQuantity)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(reason, forKey: .reason)
        }
    }

    var id: UUID
    var strategyId: UUID
    var strategyName: String
    var symbol: String
    var timeframe: String
    var barTime: Date?
    var time: Date
    var trigger: String
    var side: String
    var reason: String
    var values: [String: Double]?
    var strength: Double?
    var price: Double
    var risk: Risk
    var orderId: UUID?

    enum CodingKeys: String, CodingKey {
        case id, symbol, timeframe, time, trigger, side, reason, values, strength, price, risk
        case strategyId = "strategy_id", strategyName = "strategy_name", barTime = "bar_time", orderId = "order_id"
    }

    init(_ record: SignalRecord) {
        id = record.id
        strategyId = record.strategyID.rawValue
        strategyName = record.strategyName
        symbol = record.symbol.rawValue
        timeframe = record.timeframe.rawValue
        barTime = record.barTime
        time = record.time
        trigger = record.trigger.rawValue
        side = record.side.rawValue
        reason = record.reason
        values = record.values
        strength = record.strength
        price = record.price.rupeesDouble
        risk = Risk(outcome: record.risk.outcome.rawValue, requestedQuantity: record.risk.requestedQuantity,
                    quantity: record.risk.quantity, reason: record.risk.reason)
        orderId = record.orderID?.rawValue
    }

    /// Every field is written, `null` where there is none (a stop has no bar, values or strength).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(strategyId, forKey: .strategyId)
        try container.encode(strategyName, forKey: .strategyName)
        try container.encode(symbol, forKey: .symbol)
        try container.encode(timeframe, forKey: .timeframe)
        try container.encode(barTime, forKey: .barTime)
        try container.encode(time, forKey: .time)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(side, forKey: .side)
        try container.encode(reason, forKey: .reason)
        try container.encode(values, forKey: .values)
        try container.encode(strength, forKey: .strength)
        try container.encode(price, forKey: .price)
        try container.encode(risk, forKey: .risk)
        try container.encode(orderId, forKey: .orderId)
    }
}

/// `GET /api/signals`: a page, newest first.
struct SignalsResponse: Content {
    var signals: [SignalResponse]
    var nextAfter: UUID?

    enum CodingKeys: String, CodingKey {
        case signals
        case nextAfter = "next_after"
    }

    /// `next_after` is `null` on the last page, as on the other listings.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(signals, forKey: .signals)
        try container.encode(nextAfter, forKey: .nextAfter)
    }
}
