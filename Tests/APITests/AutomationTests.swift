import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

@Suite("Automation: ticks fire rules into the cart, through the real engine and database")
struct AutomationTests {
    @Test("a rule created with the price inside fires on the next tick: one cart item", arguments: TestDatabase.enabled)
    func createdInside(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            let price = app.price("RELIANCE")
            let rule = try await app.createRule(token, min: rupees(price - 10), max: rupees(price + 10))
            let ruleID = try #require(rule["id"] as? String)
            #expect(try await app.cart(token).isEmpty) // nothing before a tick
            app.feed.push("RELIANCE", price)
            #expect(try await eventually { try await app.cart(token).count == 1 })
            let item = try #require(try await app.cart(token).first)
            #expect(item["auto_added"] as? Bool == true)
            #expect(item["rule_id"] as? String == ruleID)
            #expect(item["added_price"] as? Double == price)
            #expect(item["fire_number"] as? Int == 1)
            #expect(item["symbol"] as? String == "RELIANCE")
            // More ticks inside the range add nothing to a fired once-rule.
            for step in 1...5 { app.feed.push("RELIANCE", rupees(price + Double(step) * 0.05)) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await app.cart(token).count == 1)
            let stored = try await app.send(.GET, "/api/rules/\(ruleID)", token: token)
            #expect(stored["state"] as? String == "fired")
            #expect(stored["fire_count"] as? Int == 1)
            #expect(stored["last_fired_at"] as? String != nil)
        }
    }

    @Test("entering from below, and jumping through the range, both fire")
    func enteringAndJumping() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            app.feed.push("TCS", 3000)
            app.feed.push("INFY", 1500)
            #expect(await eventually { app.price("INFY") == 1500 })
            _ = try await app.createRule(token, symbol: "TCS", min: 3010, max: 3020)
            _ = try await app.createRule(token, symbol: "INFY", min: 1510, max: 1511)
            app.feed.push("TCS", 3000.05) // places the new rules below the range: nothing fires
            app.feed.push("INFY", 1500.05)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await app.cart(token).isEmpty)
            app.feed.push("TCS", 3010)      // enters at the lower bound
            app.feed.push("INFY", 1525.50)  // jumps straight over 1510–1511
            #expect(try await eventually { try await app.cart(token).count == 2 })
            let prices = Set(try await app.cart(token).compactMap { $0["added_price"] as? Double })
            #expect(prices == [3010, 1525.5])
        }
    }

    @Test("a re-arm rule fires again only after the price left the range")
    func rearm() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            app.feed.push("SBIN", 800)
            #expect(await eventually { app.price("SBIN") == 800 })
            let id = try #require(try await app.createRule(token, symbol: "SBIN", min: 805, max: 810,
                                                            mode: "rearm")["id"] as? String)
            app.feed.push("SBIN", 800)
            app.feed.push("SBIN", 806)   // enters: 1
            app.feed.push("SBIN", 807)   // still inside
            app.feed.push("SBIN", 809)
            #expect(try await eventually { try await app.cart(token).count == 1 })
            let inside = try await app.send(.GET, "/api/rules/\(id)", token: token)
            #expect(inside["state"] as? String == "inside")
            app.feed.push("SBIN", 812)   // leaves
            app.feed.push("SBIN", 808)   // enters again: 2
            #expect(try await eventually { try await app.cart(token).count == 2 })
            let rule = try await app.send(.GET, "/api/rules/\(id)", token: token)
            #expect(rule["fire_count"] as? Int == 2)
            #expect(Set(try await app.cart(token).compactMap { $0["fire_number"] as? Int }) == [1, 2])
        }
    }

    @Test("stale quotes never fire a rule")
    func stale() async throws {
        try await withTestApp(configure: { $0.staleQuoteSeconds = 2 }) { app in
            let (token, _) = try await app.register()
            app.feed.push("ITC", 400)
            #expect(await eventually { app.price("ITC") == 400 })
            _ = try await app.createRule(token, symbol: "ITC", min: 410, max: 420)
            app.feed.push("ITC", 400.05)
            app.feed.push("ITC", 415, time: Date().addingTimeInterval(-60)) // a minute old
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await app.cart(token).isEmpty)
        }
    }

    @Test("a paused rule does not fire; a deleted rule's cart item stays")
    func pausedAndDeleted() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let price = app.price("LT")
            let paused = try #require(try await app.createRule(token, symbol: "LT", min: rupees(price - 5),
                                                                max: rupees(price + 5))["id"] as? String)
            _ = try await app.send(.PATCH, "/api/rules/\(paused)", token: token, json: ["active": false])
            app.feed.push("LT", price)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await app.cart(token).isEmpty)
            _ = try await app.send(.PATCH, "/api/rules/\(paused)", token: token, json: ["active": true])
            app.feed.push("LT", price)
            #expect(try await eventually { try await app.cart(token).count == 1 })
            #expect(try await app.send(.DELETE, "/api/rules/\(paused)", token: token).status == .noContent)
            #expect(try await app.cart(token).count == 1)
        }
    }
}
