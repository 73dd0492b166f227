@testable import API
import Foundation
import MarketData
import Persistence
import Testing
import TestSupport
import TradingCore
import Vapor

/// Candles that last: the bars live ticks build are stored and come back after a restart; the simulated market's
/// synthetic history is stored at first start.
@Suite("Candle history across restarts", .serialized)
struct CandleHistoryTests {
    /// Runs `body` with an app on the SQLite database in `directory` (kept between apps), then shuts it down.
    func withApp(in directory: String, storeSynthetic: Bool = false,
                 _ body: (Application, ManualFeed) async throws -> Void) async throws {
        var config = AppConfig()
        config.dataDirectory = directory
        config.bcryptCost = 4
        config.jwtSecret = "test-secret-test-secret-test-secret-0123"
        config.storeSyntheticHistory = storeSynthetic
        let feed = ManualFeed()
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: config, overrides: AppOverrides(
                feed: feed, database: .sqliteFile(path: directory + "/test.sqlite")))
            try await app.asyncBoot()
            try await body(app, feed)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test("bars built from live ticks are stored and are on the chart again after a restart")
    func barsSurviveRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("candles-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Date()
        try await withApp(in: directory) { app, feed in
            feed.push("INFY", 1_501.25, time: now)
            feed.push("INFY", 1_507.75, time: now)
            feed.push("INFY", 1_499.10, time: now)
            #expect(await eventually { app.stockcart.hub.quote(for: "INFY")?.lastPrice == Money(paise: 1_499_10) })
        }
        // The shutdown's last flush stored the bar in progress.
        try await withApp(in: directory) { app, _ in
            let bar = try #require(app.stockcart.hub.candles(for: "INFY", interval: .oneMinute, limit: 1).last)
            #expect(bar.time == CandleInterval.oneMinute.bucketStart(for: now))
            #expect(bar.high == Money(paise: 1_507_75) && bar.low <= Money(paise: 1_499_10))
            #expect(bar.close == Money(paise: 1_499_10))
            let stored = try await CandleStore(database: app.db).latest(symbol: "INFY", interval: .oneMinute, limit: 1)
            #expect(stored == [bar])
        }
    }

    @Test("the simulated market's synthetic history is stored at first start, as the chart shows it")
    func syntheticHistoryStored() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("candles-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withApp(in: directory, storeSynthetic: true) { app, _ in
            let hub = app.stockcart.hub
            let shown = hub.candles(for: "TCS", interval: .oneDay, limit: hub.maxBarsPerSeries)
            #expect(shown.count == 250)
            let store = CandleStore(database: app.db)
            #expect(await eventually(timeout: .seconds(60)) {
                (try? await store.latest(symbol: "WIPRO", interval: .oneMinute, limit: 1).count) == 1
            })
            let stored = try await store.latest(symbol: "TCS", interval: .oneDay, limit: 1_000)
            #expect(stored == shown)
        }
    }
}
