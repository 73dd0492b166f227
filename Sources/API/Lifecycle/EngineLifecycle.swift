import Engine
import Foundation
import Logging
import Synchronization
import Vapor

/// Starts the engine and the price rounds when the server boots and stops them on shutdown: the engine stops
/// taking ticks and finishes committing what it matched before the database connections close.
final class EngineLifecycle: LifecycleHandler, Sendable {
    private let services: StockCartServices
    private let engineTask = Mutex<Task<Void, Never>?>(nil)

    init(services: StockCartServices) { self.services = services }

    func didBootAsync(_ application: Application) async throws {
        let engine = services.engine
        services.prices.start()
        services.jobs.start()
        engineTask.withLock { $0 = Task { await engine.run() } }
        application.logger.info("engine started", metadata: [
            "feed": "\(services.feedName)", "broker": "\(services.broker.name)", "rules": "\(engine.ruleCount)",
        ])
    }

    func shutdownAsync(_ application: Application) async {
        services.prices.stop()
        await services.jobs.stop()
        // Hand the symbols over before stopping: the other instances take them at once, not when leases expire.
        await services.cluster.keeper?.leave()
        services.brokerSessions.stop()
        let engine = engineTask.withLock { task in
            defer { task = nil }
            return task
        }
        engine?.cancel()
        await engine?.value
        application.logger.info("engine stopped")
    }
}

/// Feeds every tick to the market hub before the rules see it.
struct HubTickObserver: TickObserver {
    let hub: MarketHub
    func observe(_ tick: TradingCore.Tick) { hub.ingest(tick) }
}

import MarketData
import TradingCore
