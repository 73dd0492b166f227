import AngelOne
import Foundation
import Vapor

/// `PUT /api/broker` body: an Angel One account's credentials.
struct ConnectBrokerRequest: Decodable {
    var apiKey: String?
    var clientCode: String?
    var pin: String?
    var totpSecret: String?

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
        case clientCode = "client_code"
        case pin
        case totpSecret = "totp_secret"
    }
}

/// A user's broker connection as the API shows it: never a credential or a token.
struct BrokerStatusResponse: Content {
    var broker: String
    var clientCode: String
    var state: String
    var since: Date
    var sessionExpiresAt: Date?
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case broker, state, since
        case clientCode = "client_code"
        case sessionExpiresAt = "session_expires_at"
        case lastError = "last_error"
    }

    init(_ snapshot: BrokerSessions.Snapshot) {
        broker = "angelone"
        clientCode = snapshot.clientCode
        state = snapshot.status.state.rawValue
        since = snapshot.status.since
        sessionExpiresAt = snapshot.status.sessionExpiresAt
        lastError = snapshot.status.lastError
    }

    /// `session_expires_at` and `last_error` are always present (null when there is none), as the API docs show.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(broker, forKey: .broker)
        try container.encode(clientCode, forKey: .clientCode)
        try container.encode(state, forKey: .state)
        try container.encode(since, forKey: .since)
        try container.encode(sessionExpiresAt, forKey: .sessionExpiresAt)
        try container.encode(lastError, forKey: .lastError)
    }
}

/// `GET /api/broker/reconciliation`: StockCart beside Angel One, every difference named.
struct ReconciliationResponse: Content {
    struct OrderLine: Content {
        var orderId: UUID?
        var brokerOrderId: String?
        var symbol: String
        var side: String
        var quantity: Int64
        var localStatus: String?
        var brokerStatus: String?
        var localFillPrice: Double?
        var brokerFillPrice: Double?
        var localFilledQuantity: Int64?
        var brokerFilledQuantity: Int64?
        var differences: [String]

        enum CodingKeys: String, CodingKey {
            case symbol, side, quantity, differences
            case orderId = "order_id"
            case brokerOrderId = "broker_order_id"
            case localStatus = "local_status"
            case brokerStatus = "broker_status"
            case localFillPrice = "local_fill_price"
            case brokerFillPrice = "broker_fill_price"
            case localFilledQuantity = "local_filled_quantity"
            case brokerFilledQuantity = "broker_filled_quantity"
        }

        /// Every key present, null where a side has no value, as the API docs show.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(orderId, forKey: .orderId)
            try container.encode(brokerOrderId, forKey: .brokerOrderId)
            try container.encode(symbol, forKey: .symbol)
            try container.encode(side, forKey: .side)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(localStatus, forKey: .localStatus)
            try container.encode(brokerStatus, forKey: .brokerStatus)
            try container.encode(localFillPrice, forKey: .localFillPrice)
            try container.encode(brokerFillPrice, forKey: .brokerFillPrice)
            try container.encode(localFilledQuantity, forKey: .localFilledQuantity)
            try container.encode(brokerFilledQuantity, forKey: .brokerFilledQuantity)
            try container.encode(differences, forKey: .differences)
        }
    }

    struct HoldingLine: Content {
        var symbol: String
        var localQuantity: Int64
        var brokerQuantity: Int64
        var differences: [String]

        enum CodingKeys: String, CodingKey {
            case symbol, differences
            case localQuantity = "local_quantity"
            case brokerQuantity = "broker_quantity"
        }
    }

    var broker: String
    var checkedAt: Date
    var agrees: Bool
    var differenceCount: Int
    var orders: [OrderLine]
    var holdings: [HoldingLine]

    enum CodingKeys: String, CodingKey {
        case broker, agrees, orders, holdings
        case checkedAt = "checked_at"
        case differenceCount = "difference_count"
    }

    init(_ report: BrokerReconciliation, checkedAt: Date) {
        broker = "angelone"
        self.checkedAt = checkedAt
        agrees = report.agrees
        differenceCount = report.differenceCount
        orders = report.orders.map { line in
            OrderLine(orderId: line.orderID?.rawValue, brokerOrderId: line.brokerOrderID, symbol: line.symbol,
                      side: line.side, quantity: line.quantity, localStatus: line.localStatus?.rawValue,
                      brokerStatus: line.brokerStatus, localFillPrice: line.localFillPaise.map { Double($0) / 100 },
                      brokerFillPrice: line.brokerFillPaise.map { Double($0) / 100 },
                      localFilledQuantity: line.localFilledQuantity, brokerFilledQuantity: line.brokerFilledQuantity,
                      differences: line.differences.map(\.rawValue))
        }
        holdings = report.holdings.map { line in
            HoldingLine(symbol: line.symbol, localQuantity: line.localQuantity, brokerQuantity: line.brokerQuantity,
                        differences: line.differences.map(\.rawValue))
        }
    }
}
