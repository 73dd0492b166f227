@testable import API
import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

@Suite("Rules: CRUD and validation")
struct RuleTests {
    @Test("create, list, get, update and delete a rule", arguments: TestDatabase.enabled)
    func lifecycle(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            let created = try await app.createRule(token, symbol: "infy", min: 1000.05, max: 1100, mode: "rearm")
            let id = try #require(created["id"] as? String)
            #expect(created["symbol"] as? String == "INFY")
            #expect(created["min_price"] as? Double == 1000.05)
            #expect(created["max_price"] as? Double == 1100)
            #expect(created["mode"] as? String == "rearm")
            #expect(created["active"] as? Bool == true)
            #expect(created["state"] as? String == "watching")
            #expect(created["fire_count"] as? Int == 0)
            #expect(created["created_at"] as? String != nil)

            let list = try await app.send(.GET, "/api/rules", token: token)
            #expect(list.array.map { $0["id"] as? String } == [id])
            #expect(try await app.send(.GET, "/api/rules/\(id)", token: token)["symbol"] as? String == "INFY")

            let paused = try await app.send(.PATCH, "/api/rules/\(id)", token: token,
                                            json: ["active": false, "max_price": 1200.5])
            #expect(paused.status == .ok)
            #expect(paused["active"] as? Bool == false)
            #expect(paused["state"] as? String == "paused")
            #expect(paused["max_price"] as? Double == 1200.5)
            #expect(paused["min_price"] as? Double == 1000.05)
            #expect(app.services.engine.ruleCount == 0)

            let resumed = try await app.send(.PATCH, "/api/rules/\(id)", token: token, json: ["active": true])
            #expect(resumed["state"] as? String == "watching")
            #expect(app.services.engine.ruleCount == 1)

            #expect(try await app.send(.DELETE, "/api/rules/\(id)", token: token).status == .noContent)
            #expect(try await app.send(.GET, "/api/rules/\(id)", token: token).status == .notFound)
            #expect(try await app.send(.DELETE, "/api/rules/\(id)", token: token).status == .notFound)
            #expect(app.services.engine.ruleCount == 0)
        }
    }

    @Test("invalid rules answer 422 naming the field", arguments: [
        (["symbol": "NOPE", "min_price": 10, "max_price": 20], "symbol"),
        (["min_price": 10, "max_price": 20], "symbol"),
        (["symbol": "INFY", "min_price": 20, "max_price": 10], "min_price"),
        (["symbol": "INFY", "min_price": 0, "max_price": 10], "min_price"),
        (["symbol": "INFY", "min_price": -5, "max_price": 10], "min_price"),
        (["symbol": "INFY", "min_price": 10, "max_price": 0], "max_price"),
        (["symbol": "INFY", "min_price": 10.123, "max_price": 20], "min_price"),
        (["symbol": "INFY", "min_price": 10, "max_price": 20.001], "max_price"),
        (["symbol": "INFY", "max_price": 20], "min_price"),
        (["symbol": "INFY", "min_price": 10], "max_price"),
        (["symbol": "INFY", "min_price": "ten", "max_price": 20], "min_price"),
        (["symbol": "INFY", "min_price": 10, "max_price": 20, "mode": "sometimes"], "mode"),
    ] as [([String: any Sendable], String)])
    func invalid(body: [String: any Sendable], field: String) async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.POST, "/api/rules", token: token, json: body)
            #expect(reply.status == .unprocessableEntity, "\(reply.text)")
            #expect(reply.field == field, "\(reply.text)")
            #expect(reply["error"] as? Bool == true)
            #expect(try await app.send(.GET, "/api/rules", token: token).array.isEmpty)
        }
    }

    @Test("an invalid update changes nothing")
    func invalidUpdate() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let id = try #require(try await app.createRule(token, min: 100, max: 200)["id"] as? String)
            let reply = try await app.send(.PATCH, "/api/rules/\(id)", token: token, json: ["min_price": 300])
            #expect(reply.status == .unprocessableEntity && reply.field == "min_price")
            let rule = try await app.send(.GET, "/api/rules/\(id)", token: token)
            #expect(rule["min_price"] as? Double == 100)
        }
    }

    @Test("malformed JSON answers 400")
    func malformed() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.POST, "/api/rules", token: token, raw: "{not json")
            #expect(reply.status == .badRequest)
            #expect(reply["error"] as? Bool == true)
        }
    }

    @Test("the per-user rule limit answers 422")
    func limit() async throws {
        try await withTestApp(configure: { $0.maxRulesPerUser = 3 }) { app in
            let (token, _) = try await app.register()
            for index in 0..<3 { _ = try await app.createRule(token, min: Double(100 + index), max: 500) }
            let reply = try await app.send(.POST, "/api/rules", token: token,
                                           json: ["symbol": "INFY", "min_price": 10, "max_price": 20])
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.field == "rules")
            let (other, _) = try await app.register()
            _ = try await app.createRule(other, min: 100, max: 500) // the limit is per user
        }
    }
}
