@testable import API
import Fluent
import Foundation
import TestSupport
import Persistence
import Testing
import TradingCore
import Vapor

@Suite("Operations: health, readiness, metrics, audit log")
struct OperationsTests {
    @Test("healthz is always ok; readyz waits for the feed")
    func health() async throws {
        try await withTestApp { app in
            let health = try await app.send(.GET, "/healthz")
            #expect(health.status == .ok && health["status"] as? String == "ok")
            let before = try await app.send(.GET, "/readyz")
            #expect(before.status == .serviceUnavailable)
            #expect(before["database"] as? String == "ok")
            app.feed.push("INFY", 1500)
            #expect(try await eventually { try await app.send(.GET, "/readyz").status == .ok })
        }
    }

    @Test("a stalled feed: readiness fails after 10 s without ticks; stale ticks fire nothing and readiness says so")
    func feedStall() async throws {
        let clock = MovableClock(Date())
        try await withTestApp(clock: clock, configure: { $0.staleQuoteSeconds = 5 }) { app in
            let (token, _) = try await app.register()
            app.feed.push("INFY", 1500, time: clock.now())
            #expect(try await eventually { try await app.send(.GET, "/readyz").status == .ok })
            let rule = try await app.createRule(token, symbol: "INFY", min: 1490, max: 1510)
            let ruleID = try #require(rule["id"] as? String)
            // The feed falls silent: eleven seconds later the instance is not ready, and says why.
            clock.advance(by: 11)
            let silent = try await app.send(.GET, "/readyz")
            #expect(silent.status == .serviceUnavailable)
            #expect((silent["feed"] as? String)?.contains("no recent ticks") == true)
            // Then it delivers late prices: inside the rule's range, but older than 5 s. Nothing fires on them, and
            // readiness names the staleness.
            for offset in [30.0, 20, 10] {
                app.feed.push("INFY", 1500, time: clock.now().addingTimeInterval(-offset))
            }
            #expect(try await eventually {
                ((try await app.send(.GET, "/readyz"))["feed"] as? String)?.contains("stale prices") == true
            })
            #expect(try await app.send(.GET, "/readyz").status == .serviceUnavailable)
            #expect(try await app.send(.GET, "/api/rules/\(ruleID)", token: token)["fire_count"] as? Int == 0)
            #expect(try await app.cart(token).isEmpty)
            // A fresh price: ready again, and the rule fires on it.
            app.feed.push("INFY", 1500, time: clock.now())
            #expect(try await eventually { try await app.send(.GET, "/readyz").status == .ok })
            #expect(try await eventually { try await app.cart(token).count == 1 })
        }
    }

    @Test("metrics expose ticks, firings, orders, HTTP and sockets in Prometheus format")
    func metrics() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let price = app.price("INFY")
            _ = try await app.createRule(token, symbol: "INFY", min: rupees(price - 1), max: rupees(price + 1))
            app.feed.push("INFY", price)
            #expect(try await eventually { try await app.cart(token).count == 1 })
            let reply = try await app.send(.GET, "/metrics")
            #expect(reply.status == .ok)
            #expect(reply.headers.contentType?.subType == "plain")
            for line in ["stockcart_ticks_total 1", "stockcart_rule_firings_total 1", "stockcart_websocket_connections 0"] {
                #expect(reply.text.contains(line), "missing \(line)")
            }
            #expect(reply.text.contains("stockcart_http_requests_total{"))
            #expect(reply.text.contains(#"route="/api/rules""#))
            #expect(reply.text.contains("stockcart_http_request_duration_seconds_bucket"))
            #expect(reply.text.contains("stockcart_firing_commit_seconds_count 1"))
            #expect(reply.headers.first(name: "X-Request-Id") != nil)
        }
    }

    @Test("logins, rule changes, checkouts and orders leave audit rows", arguments: TestDatabase.enabled)
    func audit(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, id) = try await app.register("audit@example.com", password: "long enough")
            _ = try await app.send(.POST, "/api/auth/login", json: ["email": "audit@example.com", "password": "nope nope"])
            _ = try await app.send(.POST, "/api/auth/login", json: ["email": "audit@example.com", "password": "long enough"])
            let ruleID = try #require(try await app.createRule(token, min: 1, max: 2)["id"] as? String)
            _ = try await app.send(.PATCH, "/api/rules/\(ruleID)", token: token, json: ["active": false])
            _ = try await app.send(.DELETE, "/api/rules/\(ruleID)", token: token)
            let item = try #require(try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "ITC"])["id"])
            _ = try await app.send(.POST, "/api/cart/checkout", token: token,
                                   json: ["items": [["cart_item_id": item, "quantity": 1]]],
                                   headers: ["Idempotency-Key": "audit"])
            _ = try await app.send(.POST, "/api/orders", token: token,
                                   json: ["symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": 1])
            app.feed.push("ITC", 400) // fills the checkout's market order
            let userID = try #require(UUID(uuidString: id))
            #expect(try await eventually {
                try await AuditStore(database: app.app.db).recent(userID: userID).contains { $0.action == "order.executed" }
            })
            let rows = try await AuditStore(database: app.app.db).recent(userID: userID)
            let actions = Set(rows.map(\.action))
            for action in ["user.register", "auth.login_failed", "auth.login", "rule.create", "rule.update",
                           "rule.delete", "cart.checkout", "order.place", "order.executed"] {
                #expect(actions.contains(action), "no audit row for \(action)")
            }
            #expect(rows.allSatisfy { !($0.detail ?? "").contains("long enough") }) // never a password
        }
    }

    @Test("responses carry a strict Content-Security-Policy")
    func securityHeaders() async throws {
        try await withTestApp { app in
            let reply = try await app.send(.GET, "/healthz")
            let csp = try #require(reply.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("script-src 'self'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(reply.headers.first(name: .cacheControl) == "no-cache") // static and operational routes
            let (token, _) = try await app.register()
            let api = try await app.send(.GET, "/api/rules", token: token)
            #expect(api.headers.first(name: .cacheControl) == nil)
        }
    }
}
