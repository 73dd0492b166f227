import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

@Suite("Orders: place, fill, cancel, refuse")
struct OrderTests {
    func place(_ app: TestApp, _ token: String, _ body: [String: Any], key: String? = nil) async throws -> Reply {
        try await app.send(.POST, "/api/orders", token: token, json: body,
                           headers: key.map { ["Idempotency-Key": $0] } ?? [:])
    }

    @Test("a LIMIT buy fills only when the price reaches the limit; then a sell realises P&L",
          arguments: TestDatabase.enabled)
    func limitThenSell(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            app.feed.push("AXISBANK", 1100)
            #expect(await eventually { app.price("AXISBANK") == 1100 })
            let buy = try await place(app, token, ["symbol": "AXISBANK", "side": "BUY", "type": "LIMIT",
                                                   "quantity": 5, "limit_price": 1090])
            #expect(buy.status == .created, "\(buy.text)")
            let buyID = try #require(buy["id"] as? String)
            app.feed.push("AXISBANK", 1095)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await app.order(token, buyID)["status"] as? String == "PENDING")
            let portfolio = try await app.send(.GET, "/api/portfolio", token: token)
            #expect(try #require(portfolio["reserved_cash"] as? Double) > 5 * 1090)
            app.feed.push("AXISBANK", 1089.5)
            #expect(try await eventually { try await app.order(token, buyID)["status"] as? String == "EXECUTED" })
            #expect(try await app.order(token, buyID)["fill_price"] as? Double == 1089.5)

            let tooMany = try await place(app, token, ["symbol": "AXISBANK", "side": "SELL", "quantity": 6])
            #expect(tooMany.status == .unprocessableEntity)
            #expect(tooMany.reason?.contains("insufficient holdings") == true)

            let sell = try await place(app, token, ["symbol": "AXISBANK", "side": "SELL", "quantity": 5])
            let sellID = try #require(sell["id"] as? String)
            app.feed.push("AXISBANK", 1120)
            #expect(try await eventually { try await app.order(token, sellID)["status"] as? String == "EXECUTED" })
            let after = try await app.send(.GET, "/api/portfolio", token: token)
            let holding = try #require((after["holdings"] as? [[String: Any]])?.first)
            #expect(holding["quantity"] as? Int == 0)
            #expect(holding["realised_pnl"] as? Double == 5 * (1120 - 1089.5))
        }
    }

    @Test("cancel a pending order; cancelling again or an executed order answers 409")
    func cancel() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let order = try await place(app, token, ["symbol": "TITAN", "side": "BUY", "type": "LIMIT",
                                                     "quantity": 1, "limit_price": 1])
            let id = try #require(order["id"] as? String)
            let cancelled = try await app.send(.POST, "/api/orders/\(id)/cancel", token: token)
            #expect(cancelled.status == .ok)
            #expect(cancelled["status"] as? String == "CANCELLED")
            #expect(try await app.send(.POST, "/api/orders/\(id)/cancel", token: token).status == .conflict)
            app.feed.push("TITAN", 0.5) // would have filled the limit
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await app.order(token, id)["status"] as? String == "CANCELLED")
            let portfolio = try await app.send(.GET, "/api/portfolio", token: token)
            #expect(portfolio["reserved_cash"] as? Double == 0)

            let market = try await place(app, token, ["symbol": "TITAN", "side": "BUY", "quantity": 1])
            let marketID = try #require(market["id"] as? String)
            app.feed.push("TITAN", 3500)
            #expect(try await eventually { try await app.order(token, marketID)["status"] as? String == "EXECUTED" })
            let late = try await app.send(.POST, "/api/orders/\(marketID)/cancel", token: token)
            #expect(late.status == .conflict)
            #expect(try await app.send(.POST, "/api/orders/\(UUID())/cancel", token: token).status == .notFound)
        }
    }

    @Test("a market order whose fill costs more than the cash left fails with a reason")
    func failsAtFill() async throws {
        try await withTestApp(configure: { $0.startingCash = Money(paise: 100_000_00) }) { app in
            let (token, _) = try await app.register()
            app.feed.push("ITC", 400)
            #expect(await eventually { app.price("ITC") == 400 })
            // ₹1,00,000 buys 240 shares at ₹400 with charges (≈ ₹96,120); at ₹500 they cost ≈ ₹1,20,150.
            let order = try await place(app, token, ["symbol": "ITC", "side": "BUY", "quantity": 240])
            let id = try #require(order["id"] as? String)
            app.feed.push("ITC", 500)
            #expect(try await eventually { try await app.order(token, id)["status"] as? String == "FAILED" })
            let failed = try await app.order(token, id)
            #expect((failed["reason"] as? String)?.contains("insufficient cash") == true)
            let portfolio = try await app.send(.GET, "/api/portfolio", token: token)
            #expect(portfolio["cash"] as? Double == 100_000)
            #expect((portfolio["holdings"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("an order with a repeated Idempotency-Key is placed once")
    func idempotentOrder() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let body: [String: Any] = ["symbol": "INFY", "side": "BUY", "type": "LIMIT", "quantity": 1,
                                       "limit_price": 10]
            let first = try await place(app, token, body, key: "order-1")
            let second = try await place(app, token, body, key: "order-1")
            #expect(first.status == .created && second.status == .ok)
            #expect(first["id"] as? String == second["id"] as? String)
            let list = try await app.send(.GET, "/api/orders", token: token)
            #expect((list["orders"] as? [Any])?.count == 1)
        }
    }

    @Test("invalid orders answer 422 naming the field", arguments: [
        (["symbol": "NOPE", "side": "BUY", "quantity": 1], "symbol"),
        (["symbol": "INFY", "side": "HOLD", "quantity": 1], "side"),
        (["symbol": "INFY", "side": "BUY", "type": "STOP", "quantity": 1], "type"),
        (["symbol": "INFY", "side": "BUY"], "quantity"),
        (["symbol": "INFY", "side": "BUY", "quantity": 0], "quantity"),
        (["symbol": "INFY", "side": "BUY", "quantity": -3], "quantity"),
        (["symbol": "INFY", "side": "BUY", "type": "LIMIT", "quantity": 1], "limit_price"),
        (["symbol": "INFY", "side": "BUY", "quantity": 1, "limit_price": 10], "limit_price"),
        (["symbol": "INFY", "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": 10.001], "limit_price"),
        (["symbol": "INFY", "side": "SELL", "quantity": 1], "quantity"),
    ] as [([String: any Sendable], String)])
    func invalid(body: [String: any Sendable], field: String) async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await place(app, token, body)
            #expect(reply.status == .unprocessableEntity, "\(reply.text)")
            #expect(reply.field == field, "\(reply.text)")
        }
    }

    @Test("orders list newest first and filter by status")
    func list() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            for limit in [10.0, 11.0, 12.0] {
                _ = try await place(app, token, ["symbol": "INFY", "side": "BUY", "type": "LIMIT", "quantity": 1,
                                                 "limit_price": limit])
                try await Task.sleep(for: .milliseconds(5))
            }
            let all = try await app.send(.GET, "/api/orders", token: token)
            let limits = (all["orders"] as? [[String: Any]] ?? []).compactMap { $0["limit_price"] as? Double }
            #expect(limits == [12, 11, 10])
            let executed = try await app.send(.GET, "/api/orders?status=executed", token: token)
            #expect((executed["orders"] as? [Any])?.isEmpty == true)
            let bad = try await app.send(.GET, "/api/orders?status=LOST", token: token)
            #expect(bad.status == .badRequest && bad.field == "status")
        }
    }
}
