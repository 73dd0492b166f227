import Engine
import Foundation
import MarketData
import Persistence
import TradingCore
import Vapor

/// `/api/backtests`: run a strategy over a symbol's stored candles in the background, list the runs, read one
/// (with its report and the bars for the chart), delete one.
struct BacktestController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        let backtests = routes.grouped("api", "backtests")
        backtests.get(use: list)
        backtests.post(use: create)
        backtests.get(":id", use: get)
        backtests.delete(":id", use: delete)
    }

    struct BacktestRequest: Content {
        var symbol: String?
        var interval: String?
        var kind: String?
        var parameters: [String: Double]?
        var sizing: StrategyInput.Sizing?
        var exits: StrategyInput.Exits?
        var cash: Double?
        var costs: Bool?
        var riskFreeRatePercent: Double?

        enum CodingKeys: String, CodingKey {
            case symbol, interval, kind, parameters, sizing, exits, cash, costs
            case riskFreeRatePercent = "risk_free_rate_percent"
        }
    }

    struct BacktestsResponse: Content {
        var backtests: [BacktestSummaryResponse]
    }

    /// The most bars one API backtest reads: 40 years of minutes would be 10 million; this is ample for any chart.
    static let maxBars = 5_000_000

    /// `POST /api/backtests`: 202 with the backtest, running.
    @Sendable func create(_ req: Request) async throws -> Response {
        let owner = try req.user.id
        let body = try req.decodeJSONBody(BacktestRequest.self)
        let symbol = try StrategyInput.symbol(body.symbol, field: "symbol") { services.hub.stock(for: $0) != nil }
        let interval = try StrategyInput.timeframe(body.interval, default: .oneDay, field: "interval")
        let recipe = try StrategyInput.recipe(kind: body.kind, parameters: body.parameters)
        let sizing = try StrategyInput.sizing(body.sizing, default: .percentOfEquity(100))
        let exits = try StrategyInput.exits(body.exits)
        let cashRupees = body.cash ?? 1_000_000
        guard cashRupees > 0, cashRupees <= OrderLimits.maxValue.rupeesDouble, let cash = Money(rupees: cashRupees) else {
            throw APIError.validation("cash", "cash must be a positive amount with at most two decimals, at most "
                                      + "\(OrderLimits.maxValue)")
        }
        let riskFree = body.riskFreeRatePercent ?? 0
        guard riskFree.isFinite, (0...100).contains(riskFree) else {
            throw APIError.validation("risk_free_rate_percent", "risk_free_rate_percent must be from 0 to 100")
        }
        let candles = CandleStore(database: req.db)
        let stored = try await candles.count(symbol: symbol, interval: interval)
        guard stored > 0 else {
            throw APIError.validation("symbol", "\(symbol) has no stored \(interval.rawValue) bars to test on "
                                      + "(import them with `stockcart import-candles`)")
        }
        guard stored <= Self.maxBars else {
            throw APIError.validation("interval", "\(symbol) has \(stored) \(interval.rawValue) bars; at most "
                                      + "\(Self.maxBars) are tested through the API (use `stockcart backtest`)")
        }
        guard services.backtests.running(for: owner) < BacktestRunner.maxRunningPerUser else {
            throw APIError(.conflict, "\(BacktestRunner.maxRunningPerUser) backtests are already running; wait for one "
                           + "to finish", field: "backtests")
        }
        let bars = try await candles.history(symbol: symbol, interval: interval)
        let id = UUID.random()
        let plan = StrategyPlan(id: StrategyID(id), name: recipe.label, recipe: recipe, timeframe: interval,
                                watchlist: [symbol], sizing: sizing, exits: exits)
        let costs = body.costs ?? true
        let settings = BacktestSettings(cash: cash, charges: costs ? services.charges : nil,
                                        riskFreeRatePercent: riskFree)
        let request = String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
        let record = StoredBacktest(id: id, owner: owner, symbol: symbol, interval: interval, kind: recipe.kind,
                                    parameters: recipe.parameters, request: request, status: "running", progress: 0,
                                    createdAt: services.clock.now())
        try await services.backtests.start(.init(id: id, owner: owner, plan: plan, settings: settings, bars: bars,
                                                  stored: record))
        let response = Response(status: .accepted)
        try response.content.encode(BacktestSummaryResponse(record))
        return response
    }

    @Sendable func list(_ req: Request) async throws -> BacktestsResponse {
        let stored = try await BacktestStore(database: req.db).list(owner: try req.user.id)
        return BacktestsResponse(backtests: stored.map {
            BacktestSummaryResponse($0, progress: services.backtests.progress(of: $0.id))
        })
    }

    /// `GET /api/backtests/{id}`: the summary, the report (null until done) and the bars tested.
    @Sendable func get(_ req: Request) async throws -> Response {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let stored = try await BacktestStore(database: req.db).get(id, owner: try req.user.id)
        else { throw APIError.notFound("backtest") }
        let summary = BacktestSummaryResponse(stored, progress: services.backtests.progress(of: id))
        var object = try JSONSerialization.jsonObject(with: APICoders.makeEncoder().encode(summary)) as? [String: Any]
            ?? [:]
        object["report"] = stored.report.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? NSNull()
        if stored.status == "done" {
            let bars = try await CandleStore(database: req.db).latest(symbol: stored.symbol, interval: stored.interval,
                                                                      limit: 20_000)
            object["candles"] = bars.map { bar -> [String: Any] in
                ["time": Int64(bar.time.timeIntervalSince1970), "open": bar.open.rupeesDouble,
                 "high": bar.high.rupeesDouble, "low": bar.low.rupeesDouble, "close": bar.close.rupeesDouble]
            }
        } else {
            object["candles"] = [Any]()
        }
        let response = Response(status: .ok)
        response.headers.contentType = .json
        response.body = .init(data: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        return response
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)),
              try await BacktestStore(database: req.db).delete(id, owner: try req.user.id)
        else { throw APIError.notFound("backtest") }
        return .noContent
    }
}
