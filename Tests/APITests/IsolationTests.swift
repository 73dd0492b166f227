import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

@Suite("Two users never see each other's records")
struct IsolationTests {
    @Test("rules, cart and orders of one user answer 404 to another", arguments: TestDatabase.enabled)
    func isolation(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (alice, _) = try await app.register("alice@example.com")
            let (mallory, _) = try await app.register("mallory@example.com")

            let ruleID = try #require(try await app.createRule(alice, min: 1, max: 2)["id"] as? String)
            let itemID = try #require(try await app.send(.POST, "/api/cart", token: alice,
                                                         json: ["symbol": "ITC"])["id"] as? String)
            let orderID = try #require(try await app.send(.POST, "/api/orders", token: alice, json: [
                "symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": 1,
            ])["id"] as? String)

            #expect(try await app.send(.GET, "/api/rules", token: mallory).array.isEmpty)
            #expect(try await app.send(.GET, "/api/rules/\(ruleID)", token: mallory).status == .notFound)
            #expect(try await app.send(.PATCH, "/api/rules/\(ruleID)", token: mallory,
                                       json: ["active": false]).status == .notFound)
            #expect(try await app.send(.DELETE, "/api/rules/\(ruleID)", token: mallory).status == .notFound)

            #expect(try await app.cart(mallory).isEmpty)
            #expect(try await app.send(.DELETE, "/api/cart/\(itemID)", token: mallory).status == .notFound)
            let steal = try await app.send(.POST, "/api/cart/checkout", token: mallory,
                                           json: ["items": [["cart_item_id": itemID, "quantity": 1]]],
                                           headers: ["Idempotency-Key": "steal"])
            #expect(steal.status == .unprocessableEntity)

            #expect((try await app.send(.GET, "/api/orders", token: mallory)["orders"] as? [Any])?.isEmpty == true)
            #expect(try await app.send(.GET, "/api/orders/\(orderID)", token: mallory).status == .notFound)
            #expect(try await app.send(.POST, "/api/orders/\(orderID)/cancel", token: mallory).status == .notFound)

            // Alice's records are untouched.
            #expect(try await app.send(.GET, "/api/rules/\(ruleID)", token: alice)["state"] as? String == "watching")
            #expect(try await app.cart(alice).count == 1)
            #expect(try await app.order(alice, orderID)["status"] as? String == "PENDING")
            let portfolio = try await app.send(.GET, "/api/portfolio", token: mallory)
            #expect(portfolio["cash"] as? Double == 1_000_000)
        }
    }
}
