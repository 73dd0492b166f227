import Engine
import Foundation
import Logging
import Synchronization
import Vapor

/// Starts the engine and the price broadcaster when the server boots and stops them on shutdown: the engine stops
/// taking ticks and finishes committing what it matched before the database connections close.
final class EngineLifecycle: LifecycleHandler, Sendable {
    private let services: StockCartServices
    private let tasks = Mutex<(engine: Task<Void, Never>?, prices: Task<Void, Never>?)>((nil, nil))

    init(services: StockCartServices) { self.services = services }

    func didBootAsync(_ application: Application) async throws {
        let engine = services.engine
        let sockets = services.sockets
        let hub = services.hub
        let clock = services.clock
        let interval = Duration.milliseconds(services.config.priceCoalesceMilliseconds)
        tasks.withLock { tasks in
            tasks.engine = Task { await engine.run() }
            tasks.prices = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    sockets.broadcastPrices(from: hub, now: clock.now())
                }
            }
        }
        application.logger.info("engine started", metadata: [
            "feed": "\(services.feedName)", "broker": "\(services.broker.name)", "rules": "\(engine.ruleCount)",
        ])
    }

    func shutdownAsync(_ application: Application) async {
        let (engine, prices) = tasks.withLock { tasks in
            defer { tasks = (nil, nil) }
            return tasks
        }
        prices?.cancel()
        engine?.cancel()
        await prices?.value
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
