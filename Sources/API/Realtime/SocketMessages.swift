import Foundation
import TradingCore
import Vapor

/// Server → client WebSocket messages. Every message has a `type`; the rest is snake_case JSON like the REST API.
enum SocketMessage {
    /// `{"type": "price", …the quote's fields…, "time_ms": …}`: `time_ms` is the quote's time in milliseconds since
    /// 1970 (`time` is ISO-8601 to the second, like every time in the API), for clients that track how fresh a
    /// price is. Without `type`, the same object is an entry of a `prices` batch.
    struct Price: Encodable {
        var quote: QuoteResponse
        var timeMilliseconds: Int64
        /// "price" for a message of its own; nil for an entry of a batch.
        var type: String?

        init(_ quote: Quote, type: String? = "price") {
            self.quote = QuoteResponse(quote)
            timeMilliseconds = Int64((quote.time.timeIntervalSince1970 * 1_000).rounded())
            self.type = type
        }

        private enum CodingKeys: String, CodingKey {
            case type
            case timeMilliseconds = "time_ms"
        }

        func encode(to encoder: any Encoder) throws {
            try quote.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(type, forKey: .type)
            try container.encode(timeMilliseconds, forKey: .timeMilliseconds)
        }
    }

    /// `{"type": "prices", "sent_ms": …, "prices": [entries]}`: one round's changed quotes in one frame, for a
    /// client that subscribed with `"batch": true`; `sent_ms` is when the server built the frame (milliseconds since
    /// 1970), so a client can tell delivery delay from how old a quote already was. Built from entries encoded once
    /// per round (`Price` without `type`).
    static func batch(_ entries: [String], sentMilliseconds: Int64) -> String {
        #"{"type":"prices","sent_ms":"# + String(sentMilliseconds) + #","prices":["# + entries.joined(separator: ",")
            + "]}"
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

    struct SignalMade: Encodable {
        var type = "signal"
        var signal: SignalResponse
    }

    struct AutoTraderChanged: Encodable {
        var type = "autotrader"
        var state: AutoTraderResponse
    }

    struct BacktestProgress: Encodable {
        var type = "backtest.progress"
        var id: UUID
        var done: Int
        var total: Int
    }

    struct BacktestDone: Encodable {
        var type = "backtest.done"
        var backtest: BacktestSummaryResponse
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
    /// On `subscribe`: receive each round's prices as one `prices` frame instead of one `price` frame per symbol.
    var batch: Bool?

    /// The message in `text`, or nil unless it is strictly valid JSON (`JSONSyntax`, as for request bodies) of this
    /// shape.
    static func parse(_ text: String) -> ClientSocketMessage? {
        guard (try? JSONSyntax.validate(text)) != nil else { return nil }
        return try? JSONDecoder().decode(ClientSocketMessage.self, from: Data(text.utf8))
    }
}
