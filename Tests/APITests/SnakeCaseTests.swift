@testable import API
import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

/// Every key of every JSON body the server sends, REST and WebSocket alike, is snake_case: the DTOs spell their keys
/// out (no key-conversion strategy does it for them), so a property added without its coding key would show here.
@Suite("JSON keys are snake_case everywhere")
struct SnakeCaseTests {
    /// Every key at any depth that is not lower-case letters, digits and underscores.
    static func badKeys(_ json: Any?, path: String = "") -> [String] {
        switch json {
        case let object as [String: Any]:
            return object.flatMap { key, value -> [String] in
                let here = path + "." + key
                let bad = key.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil ? [here] : []
                return bad + badKeys(value, path: here)
            }
        case let array as [Any]:
            return array.enumerated().flatMap { badKeys($1, path: path + "[\($0)]") }
        default:
            return []
        }
    }

    @Test("every route's answer, errors included", arguments: TestDatabase.enabled)
    func rest(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let email = "snake-\(UUID().uuidString.prefix(6))@example.com"
            let (token, _) = try await app.register(email, password: "correct horse")
            var replies: [(String, Reply)] = []
            func record(_ label: String, _ reply: Reply) { replies.append((label, reply)) }
            record("login", try await app.send(.POST, "/api/auth/login",
                                               json: ["email": email, "password": "correct horse"]))

            let price = app.price("INFY")
            let rule = try await app.createRule(token, symbol: "INFY", min: rupees(price - 5), max: rupees(price + 5))
            let ruleID = try #require(rule["id"] as? String)
            app.feed.push("INFY", price)
            #expect(try await eventually { try await app.cart(token).count == 1 })
            record("cart with a rule's line", try await app.send(.GET, "/api/cart", token: token))
            let line = try #require(try await app.cart(token).first?["id"] as? String)
            record("checkout", try await app.send(.POST, "/api/cart/checkout", token: token,
                                                  json: ["items": [["cart_item_id": line, "quantity": 2]]],
                                                  headers: ["Idempotency-Key": UUID().uuidString]))
            record("limit", try await app.send(.POST, "/api/orders", token: token, json: [
                "symbol": "INFY", "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": rupees(price / 2)]))
            app.feed.push("INFY", price)
            #expect(try await eventually {
                let orders = try await app.send(.GET, "/api/orders?status=EXECUTED", token: token)
                return (orders["orders"] as? [Any])?.count == 1
            })
            for (label, method, path) in [
                ("me", HTTPMethod.GET, "/api/auth/me"), ("stocks", .GET, "/api/stocks"),
                ("stock", .GET, "/api/stocks/INFY"), ("candles", .GET, "/api/stocks/INFY/candles?limit=5"),
                ("batch candles", .GET, "/api/stocks/candles?symbols=INFY,TCS&limit=2"),
                ("rules", .GET, "/api/rules"), ("rule", .GET, "/api/rules/\(ruleID)"), ("cart", .GET, "/api/cart"),
                ("orders", .GET, "/api/orders"), ("portfolio", .GET, "/api/portfolio"),
                ("charges", .GET, "/api/charges"), ("healthz", .GET, "/healthz"), ("readyz", .GET, "/readyz"),
                ("not found", .GET, "/api/rules/\(UUID())"), ("bad query", .GET, "/api/orders?status=%FF"),
            ] as [(String, HTTPMethod, String)] {
                record(label, try await app.send(method, path, token: token))
            }
            record("patch", try await app.send(.PATCH, "/api/rules/\(ruleID)", token: token, json: ["max_price": 9]))
            record("cart add", try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "TCS"]))
            record("failed login", try await app.send(.POST, "/api/auth/login",
                                                      json: ["email": "nobody@example.com", "password": "wrong-password"]))

            for (label, reply) in replies {
                #expect(reply.json != nil, "\(label): no JSON: \(reply.text)")
                #expect(Self.badKeys(reply.json).isEmpty, "\(label): \(Self.badKeys(reply.json)) in \(reply.text)")
            }
            // The bodies that carry the camelCase-prone fields were really among them.
            let all = replies.map(\.1.text).joined()
            for key in ["change_percent", "previous_close", "fire_count", "last_fired_at", "rule_id", "fire_number",
                        "fill_price", "charges_breakdown", "stamp_duty", "reserved_cash", "unrealised_pnl_percent",
                        "stt_rate", "expires_at", "rules_watched"] {
                #expect(all.contains("\"\(key)\""), "no answer carried \(key)")
            }
        }
    }

    @Test("every WebSocket message")
    func socket() async throws {
        try await withTestApp { app in
            let port = try await app.startServer()
            let (token, _) = try await app.register()
            let socket = try await SocketClient.connect(port: port, query: "?token=\(token)", on: app.app.eventLoopGroup)
            try socket.send(["type": "subscribe", "symbols": ["INFY", "NOPE"]])
            try socket.send(["type": "ping"])
            #expect(await eventually { !socket.messages("subscribed").isEmpty && !socket.messages("pong").isEmpty })
            let price = app.price("INFY")
            _ = try await app.createRule(token, symbol: "INFY", min: rupees(price - 5), max: rupees(price + 5))
            _ = try await app.send(.POST, "/api/orders", token: token,
                                   json: ["symbol": "INFY", "side": "BUY", "quantity": 1])
            app.feed.push("INFY", price)
            #expect(await eventually {
                ["price", "cart.added", "rule.fired", "order.updated"].allSatisfy { !socket.messages($0).isEmpty }
            })
            let texts = socket.texts
            #expect(texts.count >= 7)
            for text in texts {
                let json = try? JSONSerialization.jsonObject(with: Data(text.utf8))
                #expect(json != nil && Self.badKeys(json).isEmpty, "\(Self.badKeys(json)) in \(text)")
            }
            await socket.close()
            await app.stopServer()
        }
    }
}
