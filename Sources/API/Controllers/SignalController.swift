import Foundation
import Persistence
import TradingCore
import Vapor

/// `GET /api/signals?strategy=&symbol=&limit=&after=`: the user's auto-trader decisions, newest first, a page at
/// a time.
struct SignalController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        routes.get("api", "signals", use: list)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let query = try req.queryParameters()
        let page = try PageRequest(query, defaultLimit: 100, maxLimit: 1_000)
        var strategy: StrategyID?
        if let raw = try query.string("strategy") {
            guard let id = UUID(uuidString: raw) else {
                throw APIError(.badRequest, "strategy must be a strategy id (a UUID)", field: "strategy")
            }
            strategy = StrategyID(id)
        }
        var symbol: Symbol?
        if let raw = try query.string("symbol") {
            guard let parsed = Symbol(raw) else {
                throw APIError(.badRequest, "symbol must be an NSE symbol", field: "symbol")
            }
            symbol = parsed
        }
        let signals = try await SignalStore(database: req.db)
            .list(owner: try req.user.id, strategy: strategy, symbol: symbol, after: page.after, limit: page.limit)
        var keep: [(String, String)] = []
        if let strategy { keep.append(("strategy", strategy.description)) }
        if let symbol { keep.append(("symbol", symbol.rawValue)) }
        return try await SignalsResponse(signals: signals.items.map(SignalResponse.init),
                                         nextAfter: signals.nextAfter)
            .encodeResponse(for: req)
            .linkingNextPage(page.nextLink("/api/signals", keeping: keep, nextAfter: signals.nextAfter))
    }
}
