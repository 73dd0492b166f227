import Foundation
import Vapor

/// `GET /api/status`: what the signed-in UI shows everywhere: the market feed's health (for the connection
/// indicator) and whether orders go to a real broker (the "LIVE" marker).
struct SystemStatusController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        routes.get("api", "status", use: status)
    }

    struct FeedStatus: Content {
        var name: String
        /// `live`, `connecting` or `reconnecting` for a real feed; `simulated` for the simulator.
        var state: String
        var marketOpen: Bool
        var lastTickAt: Date?
        /// Why a real feed is not live (never a secret); null otherwise.
        var problem: String?

        enum CodingKeys: String, CodingKey {
            case name, state, problem
            case marketOpen = "market_open"
            case lastTickAt = "last_tick_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(state, forKey: .state)
            try container.encode(marketOpen, forKey: .marketOpen)
            try container.encode(lastTickAt, forKey: .lastTickAt)
            try container.encode(problem, forKey: .problem)
        }
    }

    struct BrokerStatus: Content {
        var name: String
        /// True when orders are real (`BROKER=angelone` with `LIVE_TRADING=1`).
        var live: Bool
    }

    struct Status: Content {
        var feed: FeedStatus
        var broker: BrokerStatus
        /// The user's own broker connection, as `GET /api/broker` shows it; null when none is connected.
        var account: BrokerStatusResponse?

        enum CodingKeys: String, CodingKey { case feed, broker, account }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(feed, forKey: .feed)
            try container.encode(broker, forKey: .broker)
            try container.encode(account, forKey: .account)
        }
    }

    @Sendable func status(_ req: Request) async throws -> Status {
        let user = try req.user.id
        let health = services.feed.health
        let now = services.clock.now()
        let feed = FeedStatus(name: services.feedName, state: health?.state.rawValue ?? "simulated",
                              marketOpen: services.config.tradingHours.isOpen(at: now),
                              lastTickAt: services.engine.lastTickTime,
                              problem: health?.state == .live ? nil : health?.lastError)
        let live = services.config.broker != .paper && services.config.liveTrading
        let account = await services.brokerSessions.snapshot(userID: user.rawValue).map(BrokerStatusResponse.init)
        return Status(feed: feed, broker: BrokerStatus(name: services.broker.name, live: live), account: account)
    }
}
