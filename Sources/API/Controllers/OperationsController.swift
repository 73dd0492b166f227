import Fluent
import Foundation
import SQLKit
import Vapor

/// Liveness, readiness and metrics for operators and orchestrators.
struct OperationsController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        routes.get("healthz", use: health)
        routes.get("readyz", use: ready)
        routes.get("metrics", use: metrics)
    }

    struct Health: Content {
        var status: String
    }

    struct Readiness: Content {
        var status: String
        var database: String
        var feed: String
        var lastTickAt: Date?
        var rulesWatched: Int
        var openSockets: Int

        enum CodingKeys: String, CodingKey {
            case status, database, feed
            case lastTickAt = "last_tick_at"
            case rulesWatched = "rules_watched"
            case openSockets = "open_sockets"
        }
    }

    /// `GET /healthz`: the process is up.
    @Sendable func health(_ req: Request) async throws -> Health { Health(status: "ok") }

    /// `GET /readyz`: 200 when the database answers and the feed has ticked in the last 10 seconds, else 503.
    @Sendable func ready(_ req: Request) async throws -> Response {
        var databaseOK = false
        if let sql = req.db as? any SQLDatabase {
            databaseOK = (try? await sql.raw("SELECT 1").run()) != nil
        }
        let lastTick = services.engine.lastTickTime
        let feedOK = lastTick.map { services.clock.now().timeIntervalSince($0) < 10 } ?? false
        let body = Readiness(status: databaseOK && feedOK ? "ready" : "not_ready",
                             database: databaseOK ? "ok" : "unreachable",
                             feed: feedOK ? "\(services.feedName): ok" : "\(services.feedName): no recent ticks",
                             lastTickAt: lastTick, rulesWatched: services.engine.ruleCount,
                             openSockets: services.sockets.count)
        let response = Response(status: databaseOK && feedOK ? .ok : .serviceUnavailable)
        try response.content.encode(body)
        return response
    }

    /// `GET /metrics`: Prometheus text exposition.
    @Sendable func metrics(_ req: Request) async throws -> Response {
        services.telemetry.rulesWatched.set(Double(services.engine.ruleCount))
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4"])
        return Response(status: .ok, headers: headers, body: .init(string: services.telemetry.render()))
    }
}
