import Brokers
import Engine
import Fluent
import Foundation
import JWT
import MarketData
import Persistence
import TradingCore
import Vapor

/// What tests (and backtests) may swap: the feed, the clock and the database. Everything else comes from config.
public struct AppOverrides: Sendable {
    public var feed: (any QuoteFeed)?
    public var clock: (any TimeSource)?
    public var database: DatabaseSetup.Target?

    public init(feed: (any QuoteFeed)? = nil, clock: (any TimeSource)? = nil, database: DatabaseSetup.Target? = nil) {
        self.feed = feed
        self.clock = clock
        self.database = database
    }
}

/// Builds the whole server on `app`: storage and migrations, market, engine, broker, routes and lifecycle.
/// The executable and the tests both call it.
public func configure(_ app: Application, config: AppConfig, overrides: AppOverrides = AppOverrides()) async throws {
    let clock = overrides.clock ?? SystemClock()
    APICoders.install()

    // MARK: storage
    try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
    let target = try overrides.database
        ?? DatabaseSetup.Target.from(databaseURL: config.databaseURL, dataDirectory: config.dataDirectory)
    try DatabaseSetup.register(target, on: app.databases)
    try await DatabaseSetup.prepareConnections(target, databases: app.databases,
                                               eventLoops: Array(app.eventLoopGroup.makeIterator()), logger: app.logger)
    app.migrations.add(StockCartMigrations.all)
    try await MigrationLock.around(target, on: app.eventLoopGroup.next(), logger: app.logger) {
        try await app.autoMigrate()
    }
    app.logger.info("database ready", metadata: ["database": "\(target.redacted)"])

    // MARK: market
    let stocks = NiftyCatalogue.all
    // Eight sessions of 1-minute history fill the 3,000-bar window, so hourly charts open with ~50 bars. A real
    // feed's charts show only real bars (stored, and those its ticks build): no synthetic history.
    let simulated = config.feed == .simulated
    let hub = MarketHub(stocks: stocks, seed: config.simulationSeed, now: clock.now(),
                        dailySessions: simulated ? 250 : 0, intradaySessions: simulated ? 8 : 0)
    try await StockStore(database: app.db).seed(stocks.map {
        StockModel(symbol: $0.symbol.rawValue, name: $0.name, sector: $0.sector,
                   referencePricePaise: $0.referencePrice.paise)
    })
    let jobs = BackgroundJobs()
    try await CandleKeeping.start(hub: hub, database: app.db,
                                  seedSyntheticHistory: simulated && config.storeSyntheticHistory, jobs: jobs,
                                  logger: app.logger)
    let http = app.http.client.shared
    let instruments = try await InstrumentDirectoryFactory.make(config: config, stocks: stocks, http: http, jobs: jobs)
    let yahoo = YahooClients.chartClient(config: config, http: http)
    let feed = try overrides.feed ?? MarketFeedFactory.make(config: config, stocks: stocks, clock: clock, http: http,
                                                            yahoo: yahoo, instruments: instruments, jobs: jobs)
    if let yahoo {
        YahooClients.startHistory(client: yahoo, hub: hub, store: CandleStore(database: app.db), jobs: jobs,
                                  logger: app.logger)
    }

    // MARK: users' broker accounts and the broker
    let brokerSessions = try await BrokerSessionsFactory.make(config: config, database: app.db, http: http, jobs: jobs)
    let broker = try BrokerFactory.make(config: config, sessions: brokerSessions.sessions, instruments: instruments,
                                        http: http, jobs: jobs)

    // MARK: engine
    let charges = ChargeSchedule(brokerage: .flat(config.brokerage))
    let telemetry = Telemetry()
    let sockets = SocketHub(telemetry: telemetry)
    let prices = PriceBroadcaster(sockets: sockets, hub: hub, clock: clock, eventLoop: app.eventLoopGroup.next(),
                                  windowMilliseconds: config.priceCoalesceMilliseconds)
    let fundsCheck: FundsCheck = config.broker == .paper ? .stockcart : .broker
    let autoTrader = AutoTrader(charges: charges)
    // MARK: several instances: this one's symbols, and what crosses to the others
    let notifications = try ClusterNotifications(target: target, database: app.db,
                                                 logger: Logger(label: "stockcart.cluster"))
    jobs.add { [eventLoop = app.eventLoopGroup.next()] in await notifications.run(on: eventLoop) }
    let wiring = ClusterAssembly.prepare(config: config, notifications: notifications, stocks: stocks, feed: feed,
                                         broker: broker, database: app.db, charges: charges,
                                         logger: Logger(label: "stockcart.cluster"))
    let engine = AutomationEngine(
        feed: wiring.feed, broker: wiring.broker,
        firings: DatabaseFiringRecorder(database: app.db),
        // A real broker's fills happened whatever the local books say: recorded, never refused.
        executions: DatabaseExecutionRecorder(database: app.db, charges: charges,
                                              policy: config.broker == .paper ? .enforce : .record),
        events: sockets, clock: clock, staleAfter: config.staleQuoteSeconds, tradingHours: config.tradingHours,
        tickObservers: [HubTickObserver(hub: hub), prices], metrics: telemetry,
        autoTrader: autoTrader,
        autoTrades: DatabaseSignalRecorder(database: app.db,
                                           orders: OrderStore(database: app.db, charges: charges, fundsCheck: fundsCheck)),
        logger: Logger(label: "stockcart.engine"))
    let cluster = try await ClusterAssembly.join(wiring, engine: engine, stocks: stocks, baseFeed: feed, hub: hub,
                                                 prices: prices, sockets: sockets, database: app.db, charges: charges,
                                                 jobs: jobs, logger: Logger(label: "stockcart.cluster"))

    // MARK: auth
    let autoTrading = AutoTraderService(
        autoTrader: autoTrader, database: app.db, hub: hub, clock: clock, broker: wiring.broker, sockets: sockets,
        charges: charges, orders: OrderStore(database: app.db, charges: charges, fundsCheck: fundsCheck),
        liveBroker: config.broker != .paper, otherInstances: wiring.clustered ? notifications : nil,
        logger: Logger(label: "stockcart.autotrader"))
    cluster.whenSymbolsGained { await autoTrading.reloadRunning() }
    try await autoTrading.restore()
    jobs.add { await autoTrading.refreshAccountsEverySecond() }
    try await BacktestStore(database: app.db).failUnfinished(now: clock.now(), sparing: try await cluster.otherInstances())
    let backtests = BacktestRunner(database: app.db, instance: cluster.identity.id, sockets: sockets, clock: clock,
                                   logger: Logger(label: "stockcart.backtests"))

    let secret = try config.jwtSecret ?? JWTSecretFile.loadOrCreate(
        in: config.dataDirectory, persistent: target != .sqliteMemory)
    await app.jwt.keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    let tokens = TokenService(keys: app.jwt.keys, lifetime: config.tokenLifetimeSeconds)
    let directory = AccessDirectory { [db = app.db] user in try await UserStore(database: db).access(id: user.rawValue) }
    let authenticator = Authenticator(tokens: tokens, directory: directory)
    let security = AccountSecurity(
        tokens: tokens, authenticator: authenticator,
        changes: AccessChanges(notifications: notifications, directory: directory, authenticator: authenticator,
                               sockets: sockets, logger: Logger(label: "stockcart.auth")),
        loginLimiter: LoginRateLimiter(maxFailures: config.loginMaxFailures, window: config.loginWindowSeconds),
        requestLimiter: APIRateLimiter(perSecond: config.apiRateLimit, burst: config.apiRateBurst))

    let services = StockCartServices(
        config: config, clock: clock, hub: hub, engine: engine, broker: wiring.broker, feed: feed, jobs: jobs,
        sockets: sockets, prices: prices, telemetry: telemetry, security: security,
        charges: charges, brokerSessions: brokerSessions.sessions, vault: brokerSessions.vault,
        autoTrading: autoTrading, backtests: backtests, cluster: cluster)
    app.storage[StockCartServices.Key.self] = services

    // MARK: HTTP
    app.http.server.configuration.hostname = config.host
    app.http.server.configuration.port = config.port
    if let tls = config.tls { app.http.server.configuration.tlsConfiguration = try ServerTLS.configuration(tls) }
    // Clients send small JSON bodies, never compressed ones: no decompression stage in every request's pipeline
    // (and no decompression bombs).
    app.http.server.configuration.requestDecompression = .disabled
    app.routes.defaultMaxBodySize = BodyLimit.byteCount
    app.middleware = Middlewares()
    // A line per request at debug, not info: at thousands of requests a second the writes to stdout cost more than
    // the requests (the counts and latencies are in /metrics at every level).
    app.middleware.use(RouteLoggingMiddleware(logLevel: .debug))
    app.middleware.use(MetricsMiddleware(telemetry: telemetry))
    app.middleware.use(SecurityHeadersMiddleware(overTLS: config.tls != nil))
    app.middleware.use(APIErrorMiddleware())
    if !config.corsOrigins.isEmpty {
        app.middleware.use(CORSMiddleware(configuration: .init(
            allowedOrigin: .any(config.corsOrigins), allowedMethods: [.GET, .POST, .PUT, .PATCH, .DELETE, .OPTIONS],
            allowedHeaders: [.accept, .authorization, .contentType, .init("Idempotency-Key")])), at: .beginning)
    }
    app.middleware.use(PathEncodingMiddleware())
    if FileManager.default.fileExists(atPath: app.directory.publicDirectory) {
        app.middleware.use(StaticFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    }
    try routes(app, services: services)
    app.lifecycle.use(EngineLifecycle(services: services))
}
