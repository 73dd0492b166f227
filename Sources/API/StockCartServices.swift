import Engine
import Fluent
import Foundation
import MarketData
import Persistence
import TradingCore
import Vapor

/// Everything the routes share, built once by `configure` and kept in the application's storage.
final class StockCartServices: Sendable {
    let config: AppConfig
    let clock: any TimeSource
    let hub: MarketHub
    let engine: AutomationEngine
    let broker: any Broker
    let feed: any QuoteFeed
    /// Adapters' housekeeping (sessions, instrument master), run beside the engine.
    let jobs: BackgroundJobs
    let sockets: SocketHub
    let prices: PriceBroadcaster
    let telemetry: Telemetry
    let security: AccountSecurity
    let charges: ChargeSchedule
    /// Users' own broker sessions (Angel One).
    let brokerSessions: BrokerSessions
    /// Seals users' broker credentials; nil without `MASTER_KEY` (then none can be stored).
    let vault: CredentialVault?
    let autoTrading: AutoTraderService
    let backtests: BacktestRunner
    /// This instance's symbols and its line to the other instances.
    let cluster: Cluster

    init(config: AppConfig, clock: any TimeSource, hub: MarketHub, engine: AutomationEngine, broker: any Broker,
         feed: any QuoteFeed, jobs: BackgroundJobs, sockets: SocketHub, prices: PriceBroadcaster, telemetry: Telemetry,
         security: AccountSecurity, charges: ChargeSchedule, brokerSessions: BrokerSessions,
         vault: CredentialVault?, autoTrading: AutoTraderService, backtests: BacktestRunner,
         cluster: Cluster) {
        self.cluster = cluster
        self.autoTrading = autoTrading
        self.backtests = backtests
        self.config = config
        self.clock = clock
        self.hub = hub
        self.engine = engine
        self.broker = broker
        self.feed = feed
        self.jobs = jobs
        self.sockets = sockets
        self.prices = prices
        self.telemetry = telemetry
        self.security = security
        self.charges = charges
        self.brokerSessions = brokerSessions
        self.vault = vault
    }

    var feedName: String { feed.name }
    var tokens: TokenService { security.tokens }
    var authenticator: Authenticator { security.authenticator }
    /// When this process started serving (for the administrators' health page).
    let startedAt = Date()
    /// Which process this is, for operators looking at several: host, port and process id.
    var instanceName: String { cluster.identity.name }

    /// The order store as this server's broker needs it: StockCart sets cash and shares aside for the paper broker;
    /// a real broker checks its own account.
    func orders(_ database: any Database) -> OrderStore {
        OrderStore(database: database, charges: charges, fundsCheck: config.broker == .paper ? .stockcart : .broker)
    }

    struct Key: StorageKey {
        typealias Value = StockCartServices
    }
}

extension Application {
    var stockcart: StockCartServices {
        guard let services = storage[StockCartServices.Key.self] else {
            fatalError("configure(_:) has not run") // a programming error, not a runtime condition
        }
        return services
    }
}

extension Request {
    var services: StockCartServices { application.stockcart }
    /// The client address for the login throttle and the audit log: the connection's peer, or, when that peer is one
    /// of the `TRUSTED_PROXIES` (nginx in front), the nearest address in `X-Forwarded-For` that is not a trusted proxy.
    /// A header from anyone else is ignored: clients cannot choose their own address.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        let trusted = services.config.trustedProxies
        guard !trusted.isEmpty, trusted.contains(peer), let forwarded = headers.first(name: "X-Forwarded-For") else {
            return peer
        }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trusted.contains($0) } ?? peer
    }
}
