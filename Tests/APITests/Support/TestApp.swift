@testable import API
import Fluent
import Foundation
import TestSupport
import MarketData
import Persistence
import SQLKit
import Synchronization
import Testing
import TradingCore
import Vapor
import VaporTesting

/// A StockCart application built by the real `configure` on a real database, with a manual feed, for one test.
struct TestApp {
    let app: Application
    let feed: ManualFeed
    let database: TestDatabase

    var services: StockCartServices { app.stockcart }

    /// The live price of a symbol as the hub holds it.
    func price(_ symbol: Symbol) -> Double { services.hub.quote(for: symbol)!.lastPrice.rupeesDouble }
}

/// Builds a test app, runs `body`, and always shuts the app down and drops its data. With `configuredFeed` the app
/// builds the feed its configuration names (a venue's fake, say) instead of the manual one.
func withTestApp(
    _ database: TestDatabase = .sqlite,
    configuredFeed: Bool = false,
    clock: (any TimeSource)? = nil,
    configure adjust: (inout AppConfig) -> Void = { _ in },
    _ body: (TestApp) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stockcart-test-\(UUID())").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var config = AppConfig()
    config.dataDirectory = directory
    config.bcryptCost = 4 // bcrypt at cost 12 takes ~0.3 s per hash; the algorithm is the same at 4
    config.priceCoalesceMilliseconds = 50
    config.jwtSecret = "test-secret-test-secret-test-secret-0123"
    config.storeSyntheticHistory = false // ~200,000 bars per app in the background; CandleStoreTests turn it on
    adjust(&config)
    let target = database.makeTarget(directory: directory)
    let feed = ManualFeed()
    let app = try await Application.make(.testing)
    do {
        try await configure(app, config: config, overrides: AppOverrides(feed: configuredFeed ? nil : feed, clock: clock,
                                                                      database: target))
        try await app.asyncBoot()
        try await body(TestApp(app: app, feed: feed, database: database))
    } catch {
        await teardown(app, target: target, directory: directory)
        throw error
    }
    await teardown(app, target: target, directory: directory)
}

private func teardown(_ app: Application, target: DatabaseSetup.Target, directory: String) async {
    if case .postgresSchema(_, let schema) = target, let sql = app.db as? any SQLDatabase {
        try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
    }
    // A test that threw before `stopServer()` leaves the server running; Vapor asserts (and the whole test process
    // dies) if it is released unstopped, which would hide the test's own failure. A no-op when it never started.
    await app.server.shutdown()
    try? await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: directory)
}

/// A clock the test moves forward (for behaviour that depends on how much time has passed).
final class MovableClock: TimeSource {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// A clock that stands at one instant (for behaviour that depends on the time of day).
struct FixedClock: TimeSource {
    let instant: Date
    func now() -> Date { instant }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. For effects the engine commits
/// asynchronously (firings, fills), which a test cannot await directly.
func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// For tests that send a user's requests as fast as they can: a per-user limit they never reach.
func unthrottled(_ config: inout AppConfig) {
    config.apiRateLimit = 100_000
    config.apiRateBurst = 1_000_000
}
