import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

/// Edits and firings of one rule, at the same time: an edit never overwrites a firing's count, state or time, a
/// firing is never silently lost, and an edit that changes nothing leaves the rule's place in the engine alone.
@Suite("Rule edits racing firings")
struct RuleEditRaceTests {
    /// The cart items a rule added, by fire number.
    func fireNumbers(_ app: TestApp, _ token: String, rule id: String) async throws -> [Int] {
        try await app.cart(token).filter { $0["rule_id"] as? String == id }.compactMap { $0["fire_number"] as? Int }
            .sorted()
    }

    @Test("edits hammered against firings: fire count, cart and state agree, and the rule still fires",
          arguments: TestDatabase.enabled)
    func hammer(database: TestDatabase) async throws {
        // Hammers the API on purpose, far past the per-user limit (which TokenSecurityTests covers).
        try await withTestApp(database, configure: unthrottled) { app in
            let (token, _) = try await app.register()
            let price = app.price("ITC")
            let id = try #require(try await app.createRule(token, symbol: "ITC", min: rupees(price - 50),
                                                            max: rupees(price + 50))["id"] as? String)
            // Prices inside the range all along: every re-activation of the fired once rule fires it again.
            let ticking = Task {
                var step = 0
                while !Task.isCancelled {
                    app.feed.push("ITC", rupees(price + (step % 2 == 0 ? 0.05 : 0)))
                    step += 1
                    try? await Task.sleep(for: .milliseconds(2))
                }
            }
            // The issue's reproduction: two concurrent loops of PATCH {"active": true}.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        for _ in 0..<150 {
                            let reply = try await app.send(.PATCH, "/api/rules/\(id)", token: token,
                                                           json: ["active": true])
                            #expect(reply.status == .ok, "\(reply.text)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            ticking.cancel()
            await ticking.value
            try await Task.sleep(for: .milliseconds(300)) // the engine's last commits

            let settled = try await eventually(timeout: .seconds(10)) {
                let rule = try await app.send(.GET, "/api/rules/\(id)", token: token)
                return try await fireNumbers(app, token, rule: id).count == rule["fire_count"] as? Int
            }
            let rule = try await app.send(.GET, "/api/rules/\(id)", token: token)
            let numbers = try await fireNumbers(app, token, rule: id)
            #expect(settled, "fire_count \(rule["fire_count"] ?? "?") but cart items \(numbers)")
            #expect(numbers == Array(1...max(1, numbers.count)), "fire numbers \(numbers)")
            #expect(numbers.count >= 2, "the edits never re-activated the rule: \(numbers)")
            let state = try #require(rule["state"] as? String)
            #expect(["fired", "watching"].contains(state), "state \(state)")

            // And it still fires.
            if state == "fired" {
                #expect(try await app.send(.PATCH, "/api/rules/\(id)", token: token, json: ["active": true])
                    .status == .ok)
            }
            app.feed.push("ITC", price)
            #expect(try await eventually { try await fireNumbers(app, token, rule: id).count == numbers.count + 1 })
            let after = try await app.send(.GET, "/api/rules/\(id)", token: token)
            #expect(after["fire_count"] as? Int == numbers.count + 1)
            #expect(after["state"] as? String == "fired")
        }
    }

    @Test("an edit that changes nothing leaves a re-arm rule's place in the rule book alone",
          arguments: TestDatabase.enabled)
    func noOpEdit(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            app.feed.push("SBIN", 800)
            #expect(await eventually { app.price("SBIN") == 800 })
            let created = try await app.createRule(token, symbol: "SBIN", min: 805, max: 810, mode: "rearm")
            let id = try #require(created["id"] as? String)

            /// Pushes a tick and waits until the engine has seen it (and a moment for its rule book).
            func tick(_ price: Double) async throws {
                app.feed.push("SBIN", price)
                #expect(await eventually { app.price("SBIN") == price })
                try await Task.sleep(for: .milliseconds(50))
            }
            func noOp() async throws {
                let before = try await app.send(.GET, "/api/rules/\(id)", token: token)
                let reply = try await app.send(.PATCH, "/api/rules/\(id)", token: token, json: ["active": true])
                #expect(reply.status == .ok)
                #expect(reply["updated_at"] as? String == before["updated_at"] as? String, "a no-op was written")
                #expect(reply["state"] as? String == before["state"] as? String)
            }

            try await tick(800.05)
            try await tick(806)                 // enters: firing 1; the stored state is "inside"
            #expect(try await eventually { try await fireNumbers(app, token, rule: id) == [1] })
            try await tick(812)                 // leaves: the engine re-arms it, the stored state stays "inside"
            try await noOp()
            try await tick(808)                 // enters again: firing 2
            #expect(try await eventually { try await fireNumbers(app, token, rule: id) == [1, 2] })
            try await noOp()                    // inside the range: must not fire again by itself
            try await tick(809)
            try await tick(812)
            try await noOp()
            try await noOp()
            try await tick(806)                 // firing 3
            #expect(try await eventually { try await fireNumbers(app, token, rule: id) == [1, 2, 3] })
            try await Task.sleep(for: .milliseconds(200))
            let rule = try await app.send(.GET, "/api/rules/\(id)", token: token)
            #expect(rule["fire_count"] as? Int == 3)
            #expect(try await fireNumbers(app, token, rule: id) == [1, 2, 3])
        }
    }
}
