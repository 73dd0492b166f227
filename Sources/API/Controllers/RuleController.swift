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

    /// `GET /api/rules?limit=&after=`: the user's rules, oldest first, a page at a time (1,000 by default, at most
    /// 1,000). The answer stays a bare array, as before paging; the next page is named by the `Link` header.
    @Sendable func list(_ req: Request) async throws -> Response {
        let page = try PageRequest(try req.queryParameters(), defaultLimit: 1_000, maxLimit: 1_000)
        let rules = try await RuleStore(database: req.db)
            .list(owner: try req.user.id, after: page.after.map(RuleID.init), limit: page.limit)
        return try await rules.items.map(RuleResponse.init).encodeResponse(for: req)
            .linkingNextPage(page.nextLink("/api/rules", nextAfter: rules.nextAfter))
    }

    /// `POST /api/rules`: 201 with the rule.
    @Sendable func create(_ req: Request) async throws -> Response {
        let owner = try req.user.id
        let body = try req.decodeJSONBody(CreateRuleRequest.self)
        let symbol = try knownSymbol(body.symbol)
        let range = try PriceRange(min: try WireMoney.parsePrice(body.minPrice, field: "min_price"),
                                   max: try WireMoney.parsePrice(body.maxPrice, field: "max_price"))
        let mode = try Self.mode(body.mode) ?? .once
        let limit = services.config.maxRulesPerUser
        let now = services.clock.now()
        let rule = PriceRule(id: RuleID(UUID.random()), owner: owner, symbol: symbol, range: range, mode: mode,
                             state: body.active == false ? .paused : .watching, fireCount: 0, createdAt: now,
                             updatedAt: now, lastFiredAt: nil)
        let audit = Self.auditEntry("rule.create", rule, ip: req.clientAddress, requestID: req.id, now: now)
        guard try await RuleStore(database: req.db).create(rule, limit: limit, audit: audit) else {
            throw APIError.validation("rules", "you already have the maximum of \(limit) rules; delete some first")
        }
        await services.cluster.ruleChanged(rule)
        let response = Response(status: .created)
        try response.content.encode(RuleResponse(rule))
        return response
    }

    /// `GET /api/rules/{id}`.
    @Sendable func get(_ req: Request) async throws -> RuleResponse {
        RuleResponse(try await find(req))
    }

    /// `PATCH /api/rules/{id}`: change any of symbol, range, mode, active. Changing what the rule watches re-arms it.
    ///
    /// The edit is applied to the rule as stored at that moment, under a row lock (a firing that commits meanwhile
    /// keeps its count and state), and only a change reaches the engine: an edit that asks for what the rule already
    /// is leaves it, and its place in the rule book, alone.
    @Sendable func update(_ req: Request) async throws -> RuleResponse {
        let owner = try req.user.id
        guard let id = Self.id(req) else { throw APIError.notFound("rule") }
        let body = try req.decodeJSONBody(UpdateRuleRequest.self)
        let edit = RuleEdit(symbol: body.symbol != nil ? try knownSymbol(body.symbol) : nil,
                            min: body.minPrice != nil ? try WireMoney.parsePrice(body.minPrice, field: "min_price") : nil,
                            max: body.maxPrice != nil ? try WireMoney.parsePrice(body.maxPrice, field: "max_price") : nil,
                            mode: try Self.mode(body.mode), active: body.active)
        let now = services.clock.now()
        let (ip, requestID) = (req.clientAddress, req.id)
        guard let result = try await RuleStore(database: req.db).update(id, owner: owner, edit: edit, now: now,
                                                                         audit: { rule in
            Self.auditEntry("rule.update", rule, ip: ip, requestID: requestID, now: now)
        }) else {
            throw APIError.notFound("rule")
        }
        if result.changed { await services.cluster.ruleChanged(result.rule) }
        return RuleResponse(result.rule)
    }

    /// `DELETE /api/rules/{id}`: 204. Cart items the rule added stay in the cart.
    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let (ip, requestID, now) = (req.clientAddress, req.id, services.clock.now())
        guard let id = Self.id(req),
              let rule = try await RuleStore(database: req.db).delete(id, owner: try req.user.id, audit: { rule in
                  Self.auditEntry("rule.delete", rule, ip: ip, requestID: requestID, now: now)
              })
        else { throw APIError.notFound("rule") }
        await services.cluster.ruleDeleted(rule.id)
        return .noContent
    }

    // MARK: - helpers

    private func find(_ req: Request) async throws -> PriceRule {
        guard let id = Self.id(req), let rule = try await RuleStore(database: req.db).get(id, owner: try req.user.id)
        else { throw APIError.notFound("rule") }
        return rule
    }

    private static func id(_ req: Request) -> RuleID? {
        req.parameters.get("id").flatMap(UUID.init(uuidString:)).map(RuleID.init)
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

    /// The audit row of a rule change, written by the store in the change's own transaction.
    private static func auditEntry(_ action: String, _ rule: PriceRule, ip: String, requestID: String,
                                   now: Date) -> AuditEntry {
        let detail = "\(rule.symbol) \(rule.range.min.rupeesText)-\(rule.range.max.rupeesText) \(rule.mode.rawValue) \(rule.state.rawValue)"
        return AuditEntry(userID: rule.owner.rawValue, action: action, entityID: rule.id.description, detail: detail,
                          ip: ip, requestID: requestID, time: now)
    }
}
