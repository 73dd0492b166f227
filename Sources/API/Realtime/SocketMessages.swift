import Foundation
import TradingCore
import Vapor

/// Server → client WebSocket messages. Every message has a `type`; the rest is snake_case JSON like the REST API.
enum SocketMessage {
    /// `{"type": "price", …the quote's fields…}`.
    struct Price: Encodable {
        var quote: QuoteResponse

        init(_ quote: Quote) { self.quote = QuoteResponse(quote) }

        private enum CodingKeys: String, CodingKey { case type }

        func encode(to encoder: any Encoder) throws {
            try quote.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("price", forKey: .type)
        }
    }

    struct CartAdded: Encodable {
        var type = "cart.added"
        var item: CartItemResponse
        var rule: RuleResponse
    }

    struct RuleFired: Encodable {
        var type = "rule.fired"
        var rule: RuleResponse
        var price: Double
        var time: Date
    }

    struct OrderUpdated: Encodable {
        var type = "order.updated"
        var order: OrderResponse
    }

    struct Welcome: Encodable {
        var type = "welcome"
        var userId: String
        var heartbeatSeconds: Int

        enum CodingKeys: String, CodingKey {
            case type
            case userId = "user_id"
            case heartbeatSeconds = "heartbeat_seconds"
        }
    }

    struct Subscribed: Encodable {
        var type = "subscribed"
        var symbols: [String]
    }

    struct Notice: Encodable {
        var type: String
        var reason: String?
    }

    /// The encoder shared by every socket message, as the REST API's: ISO-8601 UTC times; the snake_case keys are
    /// spelled out by each type's coding keys.
    static let encoder = APICoders.makeEncoder()

    static func text(_ message: some Encodable) -> String {
        guard let data = try? encoder.encode(message) else { return #"{"type":"error","reason":"encoding failed"}"# }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Client → server WebSocket messages: `auth`, `subscribe`, `unsubscribe`, `ping`.
struct ClientSocketMessage: Decodable {
    var type: String
    var token: String?
    var symbols: [String]?

    /// The message in `text`, or nil unless it is strictly valid JSON (`JSONSyntax`, as for request bodies) of this
    /// shape.
    static func parse(_ text: String) -> ClientSocketMessage? {
        guard (try? JSONSyntax.validate(text)) != nil else { return nil }
        return try? JSONDecoder().decode(ClientSocketMessage.self, from: Data(text.utf8))
    }
}
