import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

/// `PATCH /api/cart/{id}`: the quantity of a cart line is stored, validated, private to its owner, and bought by a
/// checkout line that names no quantity.
@Suite("Cart line quantities")
struct CartQuantityTests {
    @Test("a changed quantity is stored and shown by the cart", arguments: TestDatabase.enabled)
    func persisted(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            let added = try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "WIPRO"])
            #expect(added["quantity"] as? Int == 1) // no quantity given: one share
            let id = try #require(added["id"] as? String)

            let patched = try await app.send(.PATCH, "/api/cart/\(id)", token: token, json: ["quantity": 7])
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched["id"] as? String == id)
            #expect(patched["symbol"] as? String == "WIPRO")
            #expect(patched["quantity"] as? Int == 7)
            #expect(patched["added_price"] as? Double == added["added_price"] as? Double)
            #expect(patched["auto_added"] as? Bool == false)

            let cart = try await app.cart(token)
            #expect(cart.count == 1)
            #expect(cart.first?["quantity"] as? Int == 7)

            // The upper bound itself is allowed, and a later change replaces the earlier one.
            let most = try await app.send(.PATCH, "/api/cart/\(id)", token: token, json: ["quantity": 1_000_000])
            #expect(most.status == .ok && most["quantity"] as? Int == 1_000_000)
            #expect(try await app.send(.PATCH, "/api/cart/\(id)", token: token, json: ["quantity": 2])["quantity"]
                as? Int == 2)
            #expect(try await app.cart(token).first?["quantity"] as? Int == 2)
        }
    }

    @Test("a bad quantity is refused with 422 naming the field, and the stored one is kept", arguments: [
        #"{"quantity": 0}"#,
        #"{"quantity": -3}"#,
        #"{"quantity": 1000001}"#,
        #"{"quantity": 2.5}"#,
        #"{"quantity": "5"}"#,
        #"{"quantity": true}"#,
        #"{"quantity": null}"#,
        #"{}"#,
    ])
    func refused(body: String) async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let id = try #require(try await app.send(.POST, "/api/cart", token: token,
                                                     json: ["symbol": "ITC", "quantity": 3])["id"] as? String)
            let reply = try await app.send(.PATCH, "/api/cart/\(id)", token: token, raw: body)
            #expect(reply.status == .unprocessableEntity, "\(reply.text)")
            #expect(reply["error"] as? Bool == true)
            #expect(reply.field == "quantity")
            #expect(reply.reason?.contains("quantity") == true)
            #expect(try await app.cart(token).first?["quantity"] as? Int == 3)
        }
    }

    @Test("another user's line, an unknown id, a malformed id and a line no longer in the cart answer 404")
    func notFound() async throws {
        try await withTestApp { app in
            let (alice, _) = try await app.register("alice@example.com")
            let (mallory, _) = try await app.register("mallory@example.com")
            let id = try #require(try await app.send(.POST, "/api/cart", token: alice,
                                                     json: ["symbol": "ITC", "quantity": 2])["id"] as? String)

            let stolen = try await app.send(.PATCH, "/api/cart/\(id)", token: mallory, json: ["quantity": 9])
            #expect(stolen.status == .notFound)
            #expect(stolen["error"] as? Bool == true)
            #expect(try await app.cart(alice).first?["quantity"] as? Int == 2)

            let unknown = try await app.send(.PATCH, "/api/cart/\(UUID())", token: alice, json: ["quantity": 9])
            #expect(unknown.status == .notFound)

            // A malformed id gets what DELETE gives it.
            let deleteMalformed = try await app.send(.DELETE, "/api/cart/not-an-id", token: alice)
            let malformed = try await app.send(.PATCH, "/api/cart/not-an-id", token: alice, json: ["quantity": 9])
            #expect(malformed.status == deleteMalformed.status)
            #expect(malformed.status == .notFound)

            // Checked out: the line has left the cart, and the quantity it was bought with stays as it was.
            let checkout = try await app.send(.POST, "/api/cart/checkout", token: alice,
                                              json: ["items": [["cart_item_id": id]]],
                                              headers: ["Idempotency-Key": "bought"])
            #expect(checkout.status == .created, "\(checkout.text)")
            #expect(try await app.send(.PATCH, "/api/cart/\(id)", token: alice,
                                       json: ["quantity": 5]).status == .notFound)

            let removed = try #require(try await app.send(.POST, "/api/cart", token: alice,
                                                          json: ["symbol": "WIPRO"])["id"] as? String)
            #expect(try await app.send(.DELETE, "/api/cart/\(removed)", token: alice).status == .noContent)
            #expect(try await app.send(.PATCH, "/api/cart/\(removed)", token: alice,
                                       json: ["quantity": 5]).status == .notFound)
        }
    }

    @Test("a checkout line without a quantity buys the stored one; explicit quantities still win",
          arguments: TestDatabase.enabled)
    func checkoutUsesStoredQuantity(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            let stored = try #require(try await app.send(.POST, "/api/cart", token: token,
                                                         json: ["symbol": "ITC"])["id"] as? String)
            let nulled = try #require(try await app.send(.POST, "/api/cart", token: token,
                                                         json: ["symbol": "WIPRO", "quantity": 3])["id"] as? String)
            let explicit = try #require(try await app.send(.POST, "/api/cart", token: token,
                                                           json: ["symbol": "TCS"])["id"] as? String)
            #expect(try await app.send(.PATCH, "/api/cart/\(stored)", token: token,
                                       json: ["quantity": 4]).status == .ok)
            #expect(try await app.send(.PATCH, "/api/cart/\(explicit)", token: token,
                                       json: ["quantity": 6]).status == .ok)

            // Omitted, null, and given: 4 and 3 from the cart, 2 from the body.
            let body = #"{"items": [{"cart_item_id": "\#(stored)"}, {"cart_item_id": "\#(nulled)", "quantity": null}, {"cart_item_id": "\#(explicit)", "quantity": 2}]}"#
            let first = try await app.send(.POST, "/api/cart/checkout", token: token, raw: body,
                                           headers: ["Idempotency-Key": "stored-1"])
            #expect(first.status == .created, "\(first.text)")
            let orders = try #require(first["orders"] as? [[String: Any]])
            let bought = Dictionary(uniqueKeysWithValues: orders.compactMap { order in
                (order["symbol"] as? String).map { ($0, order["quantity"] as? Int) }
            })
            #expect(bought == ["ITC": 4, "WIPRO": 3, "TCS": 2])
            #expect(try await app.cart(token).isEmpty)

            // The same key and body replay the same orders, although the lines are no longer in the cart.
            let again = try await app.send(.POST, "/api/cart/checkout", token: token, raw: body,
                                           headers: ["Idempotency-Key": "stored-1"])
            #expect(again.status == .ok)
            #expect(again["replayed"] as? Bool == true)
            let ids = { (reply: Reply) in (reply["orders"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
            #expect(ids(again) == ids(first))
            // Spelling out the quantities that were used is a different body: 409, as for any other change.
            let spelled = try await app.send(.POST, "/api/cart/checkout", token: token, json: ["items": [
                ["cart_item_id": stored, "quantity": 4], ["cart_item_id": nulled, "quantity": 3],
                ["cart_item_id": explicit, "quantity": 2],
            ]], headers: ["Idempotency-Key": "stored-1"])
            #expect(spelled.status == .conflict && spelled.field == "Idempotency-Key")
            #expect((try await app.send(.GET, "/api/orders", token: token)["orders"] as? [Any])?.count == 3)
        }
    }
}
