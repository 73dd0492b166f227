import Vapor

/// Every route: public ones (health, auth, market data) and the ones that need a signed-in user.
func routes(_ app: Application, services: StockCartServices) throws {
    let protected = app.grouped(BearerAuthMiddleware(authenticator: services.authenticator),
                                APIRateLimitMiddleware(limiter: services.security.requestLimiter))
    let administrators = protected.grouped(AdminOnlyMiddleware())

    OperationsController(services: services).register(on: app)
    AuthController(services: services).register(public: app, protected: protected)
    StockController(services: services).register(on: protected)
    RuleController(services: services).register(on: protected)
    CartController(services: services).register(on: protected)
    OrderController(services: services).register(on: protected)
    PortfolioController(services: services).register(on: protected)
    BrokerController(services: services).register(on: protected)
    SystemStatusController(services: services).register(on: protected)
    IndicatorController(services: services).register(on: protected)
    StrategyController(services: services).register(on: protected)
    SignalController(services: services).register(on: protected)
    AutoTraderController(services: services).register(on: protected)
    BacktestController(services: services).register(on: protected)
    PerformanceController(services: services).register(on: protected)
    AdminController(services: services).register(on: administrators)
    ClusterController(services: services).register(on: administrators)
    SocketController(services: services).register(on: app)
}
