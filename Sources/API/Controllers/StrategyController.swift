import Foundation
import Persistence
import TradingCore
import Vapor

/// A user's strategies: create, list, read, edit, enable, disable, delete. A running auto-trader picks each
/// change up at once.
struct StrategyController {
    let services: StockCartServices

    /// The most symbols one strategy watches.
    static let maxWatchlist = 50

    func register(on routes: any RoutesBuilder) {
        let strategies = routes.grouped("api", "strategies")
        strategies.get(use: list)
        strategies.post(use: create)
        strategies.get(":id", use: get)
        strategies.patch(":id", use: update)
        strategies.delete(":id", use: delete)
        strategies.post(":id", "enable") { try await setEnabled($0, true) }
        strategies.post(":id", "disable") { try await setEnabled($0, false) }
    }

    struct StrategyRequest: Content {
        var name: String?
        var kind: String?
        var parameters: [String: Double]?
        var timeframe: String?
        var watchlist: [String]?
        var sizing: StrategyInput.Sizing?
        var exits: StrategyInput.Exits?
        var mode: String?
        var enabled: Bool?
    }

    struct StrategiesResponse: Content {
        var strategies: [StrategyDTO]
    }

    private func store(_ req: Request) -> StrategyStore { StrategyStore(database: req.db) }

    /// `GET /api/strategies`: newest first.
    @Sendable func list(_ req: Request) async throws -> StrategiesResponse {
        StrategiesResponse(strategies: try await store(req).list(owner: try req.user.id).map(StrategyDTO.init))
    }

    /// `GET /api/strategies/{id}`.
    @Sendable func get(_ req: Request) async throws -> StrategyDTO {
        StrategyDTO(try await existing(req))
    }

    /// `POST /api/strategies`: 201 with the strategy.
    @Sendable func create(_ req: Request) async throws -> Response {
        let owner = try req.user.id
        let body = try req.decodeJSONBody(StrategyRequest.self)
        let recipe = try StrategyInput.recipe(kind: body.kind, parameters: body.parameters)
        let now = services.clock.now()
        let plan = StrategyPlan(
            id: StrategyID(UUID.random()), name: try name(body.name, default: recipe.label), recipe: recipe,
            timeframe: try StrategyInput.timeframe(body.timeframe, default: .fiveMinutes),
            watchlist: try watchlist(body.watchlist, required: true) ?? [],
            sizing: try StrategyInput.sizing(body.sizing, default: .percentOfEquity(10)),
            exits: try StrategyInput.exits(body.exits),
            mode: try mode(body.mode, default: services.config.broker == .paper ? .paper : .live))
        let stored = StoredStrategy(owner: owner, plan: plan, enabled: body.enabled ?? false, createdAt: now,
                                    updatedAt: now)
        try await store(req).save(stored, audit: audit(req, "strategy.create", stored, now: now))
        try await services.autoTrading.strategiesChanged(owner)
        let response = Response(status: .created)
        try response.content.encode(StrategyDTO(stored))
        return response
    }

    /// `PATCH /api/strategies/{id}`: any field; the result is checked whole.
    @Sendable func update(_ req: Request) async throws -> StrategyDTO {
        var stored = try await existing(req)
        let body = try req.decodeJSONBody(StrategyRequest.self)
        var plan = stored.plan
        if body.kind != nil || body.parameters != nil {
            let kind = body.kind ?? plan.recipe.kind.rawValue
            // Another kind starts from its own defaults; the same kind keeps the stored parameters not given.
            let base = kind == plan.recipe.kind.rawValue ? plan.recipe.parameters : [:]
            plan.recipe = try StrategyInput.recipe(kind: kind, parameters: base.merging(body.parameters ?? [:]) { $1 })
        }
        if let name = body.name { plan.name = try self.name(name, default: plan.name) }
        plan.timeframe = try StrategyInput.timeframe(body.timeframe, default: plan.timeframe)
        plan.watchlist = try watchlist(body.watchlist, required: false) ?? plan.watchlist
        plan.sizing = try StrategyInput.sizing(body.sizing, default: plan.sizing)
        plan.exits = try StrategyInput.exits(body.exits, default: plan.exits)
        plan.mode = try mode(body.mode, default: plan.mode)
        stored.plan = plan
        stored.enabled = body.enabled ?? stored.enabled
        return try await save(req, stored, action: "strategy.update")
    }

    @Sendable func setEnabled(_ req: Request, _ enabled: Bool) async throws -> StrategyDTO {
        var stored = try await existing(req)
        stored.enabled = enabled
        return try await save(req, stored, action: enabled ? "strategy.enable" : "strategy.disable")
    }

    /// `DELETE /api/strategies/{id}`: 204.
    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        let stored = try await existing(req)
        let now = services.clock.now()
        guard try await store(req).delete(stored.plan.id, owner: stored.owner,
                                          audit: audit(req, "strategy.delete", stored, now: now)) else {
            throw APIError.notFound("strategy")
        }
        try await services.autoTrading.strategiesChanged(stored.owner)
        return .noContent
    }

    private func save(_ req: Request, _ strategy: StoredStrategy, action: String) async throws -> StrategyDTO {
        var stored = strategy
        let now = services.clock.now()
        stored.updatedAt = now
        guard try await store(req).save(stored, audit: audit(req, action, stored, now: now)) else {
            throw APIError.notFound("strategy")
        }
        try await services.autoTrading.strategiesChanged(stored.owner)
        return StrategyDTO(stored)
    }

    private func existing(_ req: Request) async throws -> StoredStrategy {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let stored = try await store(req).get(StrategyID(id), owner: try req.user.id)
        else { throw APIError.notFound("strategy") }
        return stored
    }

    private func name(_ raw: String?, default fallback: String) throws -> String {
        guard let raw else { return fallback }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100 else {
            throw APIError.validation("name", "name must be 1 to 100 characters")
        }
        return trimmed
    }

    private func watchlist(_ raw: [String]?, required: Bool) throws -> [Symbol]? {
        guard let raw else {
            if required { throw APIError.validation("watchlist", "watchlist is required (1 to \(Self.maxWatchlist) symbols)") }
            return nil
        }
        guard (1...Self.maxWatchlist).contains(raw.count) else {
            throw APIError.validation("watchlist", "watchlist must have 1 to \(Self.maxWatchlist) symbols")
        }
        var symbols: [Symbol] = []
        for (index, text) in raw.enumerated() {
            let symbol = try StrategyInput.symbol(text, field: "watchlist[\(index)]") { services.hub.quote(for: $0) != nil }
            if !symbols.contains(symbol) { symbols.append(symbol) }
        }
        return symbols
    }

    /// `paper` runs on the paper broker and `live` on the user's real one: a strategy's mode must match the broker
    /// this server trades through (`BROKER`), and live needs the server's live-trading opt-in.
    private func mode(_ raw: String?, default fallback: StrategyPlan.Mode) throws -> StrategyPlan.Mode {
        guard let raw else { return fallback }
        guard let mode = StrategyPlan.Mode(rawValue: raw) else {
            throw APIError.validation("mode", "mode must be paper or live")
        }
        let live = services.config.broker != .paper
        if mode == .live && !live {
            throw APIError(.conflict, "live mode needs the server to trade through a real broker (BROKER=angelone "
                           + "with LIVE_TRADING=1); this server uses the paper broker", field: "mode")
        }
        if mode == .paper && live {
            throw APIError(.conflict, "this server trades through \(services.broker.name): strategies run in live mode "
                           + "here (paper strategies need a server with BROKER=paper)", field: "mode")
        }
        return mode
    }

    private func audit(_ req: Request, _ action: String, _ strategy: StoredStrategy, now: Date) -> AuditEntry {
        let plan = strategy.plan
        let detail = "\(plan.recipe.label) \(plan.timeframe.rawValue) on \(plan.watchlist.map(\.rawValue).joined(separator: ",")) "
            + "\(plan.mode.rawValue)\(strategy.enabled ? " enabled" : "")"
        return AuditEntry(userID: strategy.owner.rawValue, action: action, entityID: plan.id.description,
                          detail: detail, ip: req.clientAddress, requestID: req.id, time: now)
    }
}
