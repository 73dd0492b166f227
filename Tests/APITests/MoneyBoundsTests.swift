import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

/// Prices, quantities and order values a user can send are bounded at the edge, and every product or sum they feed is
/// checked: no request can stop the server (the issue's crash was `Money * Int64` overflowing on one order).
@Suite("Money bounds: no request can overflow an amount")
struct MoneyBoundsTests {
    @Test("the order that crashed the server is refused with 422 naming limit_price, and nothing is stored")
    func crashingOrder() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.sendBytes(.POST, "/api/orders", token: token, body: Array("""
                {"symbol":"ITC","side":"BUY","type":"LIMIT","quantity":1000000,"limit_price":99999999999.99}
                """.utf8), contentType: "application/json")
            #expect(reply.status == .unprocessableEntity, "\(reply.text)")
            #expect(reply.field == "limit_price")
            #expect(reply["error"] as? Bool == true)
            #expect(try await app.send(.GET, "/api/orders", token: token)["orders"] as? [Any] != nil)
            #expect((try await app.send(.GET, "/api/orders", token: token)["orders"] as? [Any])?.isEmpty == true)
            let portfolio = try await app.send(.GET, "/api/portfolio", token: token)
            #expect(portfolio["reserved_cash"] as? Double == 0)
        }
    }

    @Test("orders beyond the price and value bounds are refused, naming the field", arguments: [
        // LIMIT above ₹10,00,000 a share.
        (#"{"symbol":"ITC","side":"BUY","type":"LIMIT","quantity":1,"limit_price":1000000.05}"#, "limit_price"),
        (#"{"symbol":"ITC","side":"SELL","type":"LIMIT","quantity":1,"limit_price":1e300}"#, "limit_price"),
        // Worth more than ₹10 crore: 1,001 × ₹1 lakh; 10 lakh shares at the market; a SELL is valued too.
        (#"{"symbol":"ITC","side":"BUY","type":"LIMIT","quantity":1001,"limit_price":100000}"#, "quantity"),
        (#"{"symbol":"RELIANCE","side":"BUY","type":"MARKET","quantity":1000000}"#, "quantity"),
        (#"{"symbol":"ITC","side":"SELL","type":"LIMIT","quantity":1000000,"limit_price":1000.05}"#, "quantity"),
        // Quantities that are no Int64, or out of range.
        (#"{"symbol":"ITC","side":"BUY","quantity":9223372036854775808}"#, "quantity"),
        (#"{"symbol":"ITC","side":"BUY","quantity":-9223372036854775808}"#, "quantity"),
        (#"{"symbol":"ITC","side":"BUY","quantity":1e400}"#, "quantity"),
        (#"{"symbol":"ITC","side":"BUY","quantity":2.5}"#, "quantity"),
    ] as [(String, String)])
    func orderBounds(body: String, field: String) async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.sendBytes(.POST, "/api/orders", token: token, body: Array(body.utf8),
                                                contentType: "application/json")
            #expect(reply.status == .unprocessableEntity, "\(reply.text)")
            #expect(reply.field == field, "\(reply.text)")
            #expect((try await app.send(.GET, "/api/orders", token: token)["orders"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("an order worth exactly ₹10 crore is accepted (the bound is inclusive)")
    func atTheValueCap() async throws {
        try await withTestApp(configure: { $0.startingCash = Money(paise: 20_00_00_000_00) }) { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.POST, "/api/orders", token: token, json: [
                "symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 1000, "limit_price": 100_000,
            ])
            #expect(reply.status == .created, "\(reply.text)")
        }
    }

    @Test("rule prices beyond ₹10,00,000 are refused on create and edit")
    func rulePriceBounds() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let created = try await app.sendBytes(.POST, "/api/rules", token: token, body: Array(
                #"{"symbol":"ITC","min_price":100,"max_price":1e308}"#.utf8), contentType: "application/json")
            #expect(created.status == .unprocessableEntity && created.field == "max_price", "\(created.text)")
            let rule = try await app.createRule(token, symbol: "ITC", min: 100, max: 200)
            let id = try #require(rule["id"] as? String)
            let edited = try await app.send(.PATCH, "/api/rules/\(id)", token: token, json: ["min_price": 1_000_000.05])
            #expect(edited.status == .unprocessableEntity && edited.field == "min_price", "\(edited.text)")
            #expect(try await app.send(.GET, "/api/rules/\(id)", token: token)["min_price"] as? Double == 100)
        }
    }

    @Test("a checkout line worth more than ₹10 crore is refused and places nothing", arguments: TestDatabase.enabled)
    func checkoutValueCap(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            let small = try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "ITC", "quantity": 1])
            let big = try await app.send(.POST, "/api/cart", token: token,
                                         json: ["symbol": "RELIANCE", "quantity": 1_000_000])
            let ids = [try #require(small["id"] as? String), try #require(big["id"] as? String)]
            let reply = try await app.send(.POST, "/api/cart/checkout", token: token,
                                           json: ["items": ids.map { ["cart_item_id": $0] }],
                                           headers: ["Idempotency-Key": UUID().uuidString])
            #expect(reply.status == .unprocessableEntity, "\(reply.text)")
            #expect(reply.field == "items[1].quantity", "\(reply.text)")
            #expect(try await app.cart(token).count == 2)
            #expect((try await app.send(.GET, "/api/orders", token: token)["orders"] as? [Any])?.isEmpty == true)
        }
    }

    /// Numbers at every edge, written as JSON text so that each is sent exactly (not as a Double's rendering).
    static let extremeNumbers = [
        "0", "-0", "1", "-1", "0.05", "0.001", "1e-300", "2.5", "99999999999.99", "100000000000", "1e15",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e19", "1e308", "1.7976931348623157e308",
        "1e400", "1000000", "1000001", "1000000.05", "999999.95", "100000", "123456.78", "4.35", "\"12\"", "null",
        "true", "[]", "{}",
    ]

    @Test("random extreme numbers on every money-moving route: never a 5xx, always a JSON answer, cash stays whole",
          arguments: TestDatabase.enabled)
    func extremeNumbersEverywhere(database: TestDatabase) async throws {
        // Hammers the API on purpose, far past the per-user limit (which TokenSecurityTests covers).
        try await withTestApp(database, configure: unthrottled) { app in
            let (token, _) = try await app.register()
            let rule = try await app.createRule(token, symbol: "ITC", min: 100, max: 200)
            let ruleID = try #require(rule["id"] as? String)
            let line = try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "ITC"])
            let lineID = try #require(line["id"] as? String)
            var random = SystemRandomNumberGenerator()
            func number() -> String { Self.extremeNumbers.randomElement(using: &random)! }
            var statuses: [UInt: Int] = [:]
            for round in 0..<300 {
                let (method, path, body): (HTTPMethod, String, String) = switch round % 7 {
                case 0: (.POST, "/api/orders", #"{"symbol":"ITC","side":"BUY","type":"LIMIT","quantity":\#(number()),"limit_price":\#(number())}"#)
                case 1: (.POST, "/api/orders", #"{"symbol":"ITC","side":"SELL","type":"LIMIT","quantity":\#(number()),"limit_price":\#(number())}"#)
                case 2: (.POST, "/api/orders", #"{"symbol":"ITC","side":"BUY","quantity":\#(number())}"#)
                case 3: (.POST, "/api/cart", #"{"symbol":"ITC","quantity":\#(number())}"#)
                case 4: (.PATCH, "/api/cart/\(lineID)", #"{"quantity":\#(number())}"#)
                case 5: (.POST, "/api/rules", #"{"symbol":"ITC","min_price":\#(number()),"max_price":\#(number())}"#)
                default: (.PATCH, "/api/rules/\(ruleID)", #"{"min_price":\#(number()),"max_price":\#(number())}"#)
                }
                let reply = try await app.sendBytes(method, path, token: token, body: Array(body.utf8),
                                                    contentType: "application/json")
                statuses[reply.status.code, default: 0] += 1
                #expect(reply.status.code < 500, "\(method) \(path) \(body) → \(reply.status.code) \(reply.text)")
                if reply.status.code >= 400 {
                    #expect(reply["error"] as? Bool == true && reply.reason != nil, "\(body) → \(reply.text)")
                }
            }
            // A checkout of whatever the cart now holds, with extreme quantities.
            for _ in 0..<20 {
                let body = #"{"items":[{"cart_item_id":"\#(lineID)","quantity":\#(number())}]}"#
                let reply = try await app.sendBytes(.POST, "/api/cart/checkout", token: token, body: Array(body.utf8),
                                                    contentType: "application/json")
                #expect(reply.status.code < 500, "checkout \(body) → \(reply.text)")
            }
            // Cash and reservations still add up: nothing was reserved that cash does not cover, and every pending
            // order is within the bounds.
            let portfolio = try await app.send(.GET, "/api/portfolio", token: token)
            #expect(portfolio.status == .ok, "\(portfolio.text)")
            let cash = try #require(portfolio["cash"] as? Double)
            let reserved = try #require(portfolio["reserved_cash"] as? Double)
            let available = try #require(portfolio["available_cash"] as? Double)
            #expect(reserved >= 0 && available >= 0 && abs(cash - reserved - available) < 0.005)
            let orders = try #require(try await app.send(.GET, "/api/orders", token: token)["orders"] as? [[String: Any]])
            for order in orders {
                let quantity = try #require(order["quantity"] as? Int)
                let price = order["limit_price"] as? Double ?? order["fill_price"] as? Double ?? app.price("ITC")
                #expect(quantity >= 1 && quantity <= 1_000_000 && Double(quantity) * price <= 100_000_000.005,
                        "\(order)")
            }
            #expect(statuses.keys.contains { $0 >= 400 }, "every request was accepted: \(statuses)")
        }
    }
}
