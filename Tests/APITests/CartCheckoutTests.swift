import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

@Suite("Cart and checkout")
struct CartCheckoutTests {
    @Test("the charge schedule is published with the configured brokerage")
    func chargeSchedule() async throws {
        try await withTestApp(configure: { $0.brokerage = Money(paise: 15_50) }) { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.GET, "/api/charges", token: token)
            #expect(reply.status == .ok)
            let brokerage = try #require(reply["brokerage"] as? [String: Any])
            #expect(brokerage["type"] as? String == "flat")
            #expect(brokerage["amount"] as? Double == 15.5)
            #expect(reply["stt_rate"] as? Double == 0.001)
            #expect(reply["stamp_duty_rate"] as? Double == 0.00015)
            #expect(reply["gst_rate"] as? Double == 0.18)
        }
    }

    @Test("manual add and remove")
    func addRemove() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let added = try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "wipro", "quantity": 3])
            #expect(added.status == .created)
            #expect(added["auto_added"] as? Bool == false)
            #expect(added["quantity"] as? Int == 3)
            #expect(added["added_price"] as? Double == app.price("WIPRO"))
            let id = try #require(added["id"] as? String)
            #expect(try await app.cart(token).count == 1)
            #expect(try await app.send(.DELETE, "/api/cart/\(id)", token: token).status == .noContent)
            #expect(try await app.cart(token).isEmpty)
            #expect(try await app.send(.DELETE, "/api/cart/\(id)", token: token).status == .notFound)
            let bad = try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "NOPE"])
            #expect(bad.status == .unprocessableEntity && bad.field == "symbol")
            let zero = try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "ITC", "quantity": 0])
            #expect(zero.status == .unprocessableEntity && zero.field == "quantity")
        }
    }

    @Test("checkout buys at the next tick, charges Indian costs, and updates cash and holdings",
          arguments: TestDatabase.enabled)
    func checkoutExecutes(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            let item = try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "HDFCBANK"])
            let itemID = try #require(item["id"] as? String)
            let checkout = try await app.send(.POST, "/api/cart/checkout", token: token,
                                              json: ["items": [["cart_item_id": itemID, "quantity": 10]]],
                                              headers: ["Idempotency-Key": "key-1"])
            #expect(checkout.status == .created, "\(checkout.text)")
            let orders = try #require(checkout["orders"] as? [[String: Any]])
            #expect(orders.count == 1)
            let orderID = try #require(orders[0]["id"] as? String)
            #expect(orders[0]["status"] as? String == "PENDING")
            #expect(orders[0]["side"] as? String == "BUY")
            #expect(orders[0]["quantity"] as? Int == 10)
            #expect(try await app.cart(token).isEmpty)

            app.feed.push("HDFCBANK", 1000)
            #expect(try await eventually { try await app.order(token, orderID)["status"] as? String == "EXECUTED" })
            let order = try await app.order(token, orderID)
            #expect(order["fill_price"] as? Double == 1000)
            // 10 × ₹1,000 with ₹20 brokerage: STT 10.00, exchange 0.30, SEBI 0.01, stamp 1.50,
            // GST 18% × (20 + 0.297 + 0.01) = 3.66 → ₹35.47
            #expect(order["charges"] as? Double == 35.47)
            #expect(order["total"] as? Double == 10_035.47)
            #expect(order["executed_at"] as? String != nil)

            let portfolio = try await app.send(.GET, "/api/portfolio", token: token)
            let cash = try #require(portfolio["cash"] as? Double)
            #expect(abs(cash - 989_964.53) < 0.001)
            let holding = try #require((portfolio["holdings"] as? [[String: Any]])?.first)
            #expect(holding["symbol"] as? String == "HDFCBANK")
            #expect(holding["quantity"] as? Int == 10)
            #expect(holding["average_price"] as? Double == 1000)
        }
    }

    @Test("a retried checkout with the same key returns the same orders and places none", arguments: TestDatabase.enabled)
    func idempotent(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            let itemID = try #require(try await app.send(.POST, "/api/cart", token: token,
                                                         json: ["symbol": "ITC"])["id"] as? String)
            let body: [String: Any] = ["items": [["cart_item_id": itemID, "quantity": 2]]]
            let first = try await app.send(.POST, "/api/cart/checkout", token: token, json: body,
                                           headers: ["Idempotency-Key": "same"])
            let second = try await app.send(.POST, "/api/cart/checkout", token: token, json: body,
                                            headers: ["Idempotency-Key": "same"])
            #expect(first.status == .created)
            #expect(second.status == .ok)
            #expect(second["replayed"] as? Bool == true)
            let ids = { (reply: Reply) in (reply["orders"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
            #expect(ids(first) == ids(second))
            #expect(try await app.send(.GET, "/api/orders", token: token).object["orders"].map { ($0 as? [Any])?.count }
                == 1)
            let different = try await app.send(.POST, "/api/cart/checkout", token: token,
                                               json: ["items": [["cart_item_id": itemID, "quantity": 3]]],
                                               headers: ["Idempotency-Key": "same"])
            #expect(different.status == .conflict)
            #expect(different.field == "Idempotency-Key")
        }
    }

    @Test("checkout refuses bad requests and loses nothing")
    func refusals() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let itemID = try #require(try await app.send(.POST, "/api/cart", token: token,
                                                         json: ["symbol": "MARUTI"])["id"] as? String)
            let noKey = try await app.send(.POST, "/api/cart/checkout", token: token,
                                           json: ["items": [["cart_item_id": itemID, "quantity": 1]]])
            #expect(noKey.status == .badRequest && noKey.field == "Idempotency-Key")
            let empty = try await app.send(.POST, "/api/cart/checkout", token: token, json: ["items": []],
                                           headers: ["Idempotency-Key": "k1"])
            #expect(empty.status == .unprocessableEntity && empty.field == "items")
            let zero = try await app.send(.POST, "/api/cart/checkout", token: token,
                                          json: ["items": [["cart_item_id": itemID, "quantity": 0]]],
                                          headers: ["Idempotency-Key": "k2"])
            #expect(zero.status == .unprocessableEntity && zero.field == "items[0].quantity")
            let unknown = try await app.send(.POST, "/api/cart/checkout", token: token,
                                             json: ["items": [["cart_item_id": UUID().uuidString, "quantity": 1]]],
                                             headers: ["Idempotency-Key": "k3"])
            #expect(unknown.status == .unprocessableEntity && unknown.field == "items[0].cart_item_id")
            // MARUTI costs far more than ₹10 lakh for 1,000 shares.
            let tooMuch = try await app.send(.POST, "/api/cart/checkout", token: token,
                                             json: ["items": [["cart_item_id": itemID, "quantity": 1000]]],
                                             headers: ["Idempotency-Key": "k4"])
            #expect(tooMuch.status == .unprocessableEntity)
            #expect(tooMuch.reason?.contains("insufficient cash") == true)
            #expect(try await app.cart(token).count == 1) // every refusal left the cart as it was
            let orders = try await app.send(.GET, "/api/orders", token: token)
            #expect((orders["orders"] as? [Any])?.isEmpty == true)
            let portfolio = try await app.send(.GET, "/api/portfolio", token: token)
            #expect(portfolio["cash"] as? Double == 1_000_000)
        }
    }
}
