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
        /// `live`, `connecting` or `reconnecting` for a feed with a connection; absent for the simulator.
        var feedState: String?
        /// Why the feed is not live, if it is not (never a secret).
        var feedError: String?
        /// Whether the trading session is open now (`MARKET_SESSION`): outside it prices fire no rules.
        var marketOpen: Bool
        var lastTickAt: Date?
        var rulesWatched: Int
        var openSockets: Int
        /// This instance, and how many symbols it runs (all of them alone; its share among several instances).
        var instance: UUID
        var symbolsOwned: Int

        enum CodingKeys: String, CodingKey {
            case status, database, feed
            case feedState = "feed_state"
            case feedError = "feed_error"
            case marketOpen = "market_open"
            case lastTickAt = "last_tick_at"
            case rulesWatched = "rules_watched"
            case openSockets = "open_sockets"
            case instance
            case symbolsOwned = "symbols_owned"
        }
    }

    /// `GET /healthz`: the process is up.
    @Sendable func health(_ req: Request) async throws -> Health { Health(status: "ok") }

    /// `GET /readyz`: 200 when the database answers and the feed is healthy, else 503. The simulator is healthy when
    /// it ticked in the last 10 seconds; a real feed when its connection is live and heard from within a minute
    /// (outside market hours its socket answers heartbeats but sends no ticks, and that is healthy).
    @Sendable func ready(_ req: Request) async throws -> Response {
        let (body, ready) = await readiness(req)
        let response = Response(status: ready ? .ok : .serviceUnavailable)
        try response.content.encode(body)
        return response
    }

    /// What `/readyz` answers, and whether it is ready (also shown on the administrators' health page).
    func readiness(_ req: Request) async -> (Readiness, ready: Bool) {
        var databaseOK = false
        if let sql = req.db as? any SQLDatabase {
            databaseOK = (try? await sql.raw("SELECT 1").run()) != nil
        }
        let now = services.clock.now()
        let lastTick = services.engine.lastTickTime
        let health = services.feed.health
        var feedOK: Bool
        var feedSummary: String
        if let health {
            let heard = health.lastFrameAt.map { now.timeIntervalSince($0) < Self.feedSilenceLimit } ?? false
            feedOK = health.state == .live && heard
            feedSummary = feedOK ? "\(services.feedName): ok"
                : "\(services.feedName): \(health.state == .live ? "silent" : health.state.rawValue)"
        } else {
            feedOK = lastTick.map { now.timeIntervalSince($0) < 10 } ?? false
            feedSummary = feedOK ? "\(services.feedName): ok" : "\(services.feedName): no recent ticks"
        }
        // Ticks arriving too late to act on (no rule fires on them) are no better than none.
        let stale = services.engine.lastTickWasStale
        if stale, feedOK {
            feedOK = false
            feedSummary = "\(services.feedName): stale prices (older than \(Int(services.engine.staleAfter)) s; "
                + "no rule fires on them)"
        }
        let body = Readiness(status: databaseOK && feedOK ? "ready" : "not_ready",
                             database: databaseOK ? "ok" : "unreachable", feed: feedSummary,
                             feedState: health?.state.rawValue, feedError: feedOK ? nil : health?.lastError,
                             marketOpen: services.config.tradingHours.isOpen(at: now),
                             lastTickAt: lastTick, rulesWatched: services.engine.ruleCount,
                             openSockets: services.sockets.count, instance: services.cluster.identity.id,
                             symbolsOwned: services.cluster.ownership.count)
        return (body, databaseOK && feedOK)
    }

    /// A real feed heard from neither tick nor heartbeat answer for this long is not ready.
    static let feedSilenceLimit: TimeInterval = 60

    /// `GET /metrics`: Prometheus text exposition.
    @Sendable func metrics(_ req: Request) async throws -> Response {
        services.telemetry.rulesWatched.set(Double(services.engine.ruleCount))
        services.telemetry.symbolsOwned.set(Double(services.cluster.ownership.count))
        services.telemetry.clusterPeers.set(Double(services.cluster.peers))
        if let health = services.feed.health { services.telemetry.observeFeed(health) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4"])
        return Response(status: .ok, headers: headers, body: .init(string: services.telemetry.render()))
    }
}
