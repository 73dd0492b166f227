import Foundation
import Persistence
import TradingCore
import Vapor

/// Price-range rules. Every change is saved first and then handed to the engine, so the engine never watches a
/// rule the database does not have.
struct RuleController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        let rules = routes.grouped("api", "rules")
        rules.get(use: list)
        rules.post(use: create)
        rules.get(":id", use: get)
        rules.patch(":id", use: update)
        rules.delete(":id", use: delete)
    }

    /// `GET /api/rules`: the user's rules, oldest first.
    @Sendable func list(_ req: Request) async throws -> [RuleResponse] {
        try await RuleStore(database: req.db).list(owner: try req.user.id).map(RuleResponse.init)
    }

    /// `POST /api/rules`: 201 with the rule.
    @Sendable func create(_ req: Request) async throws -> Response {
        let owner = try req.user.id
        let body = try req.content.decode(CreateRuleRequest.self)
        let symbol = try knownSymbol(body.symbol)
        let range = try PriceRange(min: try WireMoney.parse(body.minPrice, field: "min_price"),
                                   max: try WireMoney.parse(body.maxPrice, field: "max_price"))
        let mode = try Self.mode(body.mode) ?? .once
        let store = RuleStore(database: req.db)
        let limit = services.config.maxRulesPerUser
        guard try await store.count(owner: owner) < limit else {
            throw APIError.validation("rules", "you already have the maximum of \(limit) rules; delete some first")
        }
        let now = services.clock.now()
        let rule = PriceRule(id: RuleID(UUID()), owner: owner, symbol: symbol, range: range, mode: mode,
                             state: body.active == false ? .paused : .watching, fireCount: 0, createdAt: now,
                             updatedAt: now, lastFiredAt: nil)
        try await store.create(rule)
        services.engine.apply(rule)
        try await audit(req, "rule.create", rule, now: now)
        let response = Response(status: .created)
        try response.content.encode(RuleResponse(rule))
        return response
    }

    /// `GET /api/rules/{id}`.
    @Sendable func get(_ req: Request) async throws -> RuleResponse {
        RuleResponse(try await find(req))
    }

    /// `PATCH /api/rules/{id}`: change any of symbol, range, mode, active. Changing what the rule watches re-arms it.
    @Sendable func update(_ req: Request) async throws -> RuleResponse {
        var rule = try await find(req)
        let previousSymbol = rule.symbol
        let body = try req.content.decode(UpdateRuleRequest.self)
        var changedTarget = false
        if body.symbol != nil {
            let symbol = try knownSymbol(body.symbol)
            changedTarget = changedTarget || symbol != rule.symbol
            rule.symbol = symbol
        }
        if body.minPrice != nil || body.maxPrice != nil {
            let min = body.minPrice != nil ? try WireMoney.parse(body.minPrice, field: "min_price") : rule.range.min
            let max = body.maxPrice != nil ? try WireMoney.parse(body.maxPrice, field: "max_price") : rule.range.max
            let range = try PriceRange(min: min, max: max)
            changedTarget = changedTarget || range != rule.range
            rule.range = range
        }
        if let mode = try Self.mode(body.mode) {
            changedTarget = changedTarget || mode != rule.mode
            rule.mode = mode
        }
        switch body.active {
        case .some(false): rule.state = .paused
        case .some(true): if !rule.state.isLive || changedTarget { rule.state = .watching }
        case .none: if changedTarget && rule.state.isLive { rule.state = .watching }
        }
        rule.updatedAt = services.clock.now()
        guard let saved = try await RuleStore(database: req.db).update(rule) else { throw APIError.notFound("rule") }
        services.engine.apply(saved, previousSymbol: previousSymbol)
        try await audit(req, "rule.update", saved, now: rule.updatedAt)
        return RuleResponse(saved)
    }

    /// `DELETE /api/rules/{id}`: 204. Cart items the rule added stay in the cart.
    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let rule = try await find(req)
        guard try await RuleStore(database: req.db).delete(rule.id, owner: rule.owner) else {
            throw APIError.notFound("rule")
        }
        services.engine.remove(rule.id, symbol: rule.symbol)
        try await audit(req, "rule.delete", rule, now: services.clock.now())
        return .noContent
    }

    // MARK: - helpers

    private func find(_ req: Request) async throws -> PriceRule {
        guard let raw = req.parameters.get("id"), let uuid = UUID(uuidString: raw),
              let rule = try await RuleStore(database: req.db).get(RuleID(uuid), owner: try req.user.id)
        else { throw APIError.notFound("rule") }
        return rule
    }

    private func knownSymbol(_ raw: String?) throws -> Symbol {
        guard let raw, !raw.isEmpty else { throw APIError.validation("symbol", "symbol is required") }
        guard let symbol = Symbol(raw), services.hub.stock(for: symbol) != nil else {
            throw APIError.validation("symbol", "unknown symbol '\(raw)'")
        }
        return symbol
    }

    private static func mode(_ raw: String?) throws -> RuleMode? {
        guard let raw else { return nil }
        guard let mode = RuleMode(rawValue: raw) else {
            throw APIError.validation("mode", "mode must be 'once' or 'rearm'")
        }
        return mode
    }

    private func audit(_ req: Request, _ action: String, _ rule: PriceRule, now: Date) async throws {
        let detail = "\(rule.symbol) \(rule.range.min.rupees)-\(rule.range.max.rupees) \(rule.mode.rawValue) \(rule.state.rawValue)"
        try await AuditStore(database: req.db).record(userID: rule.owner.rawValue, action: action,
                                                      entityID: rule.id.description, detail: detail,
                                                      ip: req.clientAddress, requestID: req.id, now: now)
    }
}
