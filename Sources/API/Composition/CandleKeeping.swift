import Fluent
import Foundation
import Logging
import MarketData
import Persistence
import TradingCore

/// Keeps the market hub's candles in the candle store: loads what is stored when the server starts (so charts keep
/// their history across restarts, whatever the feed), writes the bars that changed every few seconds and once more
/// at shutdown, and stores the simulated market's synthetic history for symbols that have none yet.
enum CandleKeeping {
    /// How often changed bars are written.
    static let flushInterval: Duration = .seconds(5)

    static func start(hub: MarketHub, database: any Database, seedSyntheticHistory: Bool, jobs: BackgroundJobs,
                      logger: Logger) async throws {
        let store = CandleStore(database: database)
        var unseeded: [Symbol] = []
        // One query says which symbols have history: a fresh database (every test app) costs one round trip.
        let stored = try await store.symbolsWithBars()
        for stock in hub.stocks {
            guard stored.contains(stock.symbol) else {
                unseeded.append(stock.symbol)
                continue
            }
            for interval in CandleInterval.allCases {
                let stored = try await store.latest(symbol: stock.symbol, interval: interval, limit: hub.maxBarsPerSeries)
                hub.merge(stored: stored, for: stock.symbol, interval: interval)
            }
        }
        if seedSyntheticHistory, !unseeded.isEmpty {
            // In the background: tens of thousands of bars must not delay start-up.
            let history = unseeded.flatMap { symbol in
                CandleInterval.allCases.map { interval in
                    CandleStore.Batch(symbol: symbol, interval: interval,
                                      candles: hub.candles(for: symbol, interval: interval, limit: hub.maxBarsPerSeries))
                }
            }
            let symbols = unseeded.count
            jobs.add {
                do {
                    try await store.save(history)
                    logger.info("synthetic history stored", metadata: ["symbols": "\(symbols)"])
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("could not store the synthetic history", metadata: ["error": "\(error)"])
                }
            }
        }
        jobs.add {
            var unsaved: [CandleStore.Batch] = []
            while !Task.isCancelled {
                try? await Task.sleep(for: flushInterval)
                unsaved = await flush(hub, unsaved: unsaved, into: store, logger: logger)
            }
            // Once more at shutdown, for the bars of the last seconds.
            _ = await flush(hub, unsaved: unsaved, into: store, logger: logger)
        }
    }

    /// Bars kept for the next attempt after a failed write, at most (older ones are dropped first).
    static let maxUnsavedBars = 200_000

    /// Writes the bars changed since the last flush, with those a failed flush left; answers what is still unsaved.
    private static func flush(_ hub: MarketHub, unsaved: [CandleStore.Batch], into store: CandleStore, logger: Logger)
        async -> [CandleStore.Batch] {
        let batches = unsaved + hub.takeChangedCandles().map {
            CandleStore.Batch(symbol: $0.symbol, interval: $0.interval, candles: $0.candles)
        }
        guard !batches.isEmpty else { return [] }
        do {
            // Run to completion even when the job is being cancelled: a half-written flush would lose bars.
            try await Task { try await store.save(batches) }.value
            return []
        } catch {
            logger.warning("could not store candles; trying again at the next flush", metadata: ["error": "\(error)"])
            var kept: [CandleStore.Batch] = []
            var count = 0
            for batch in batches.reversed() where count + batch.candles.count <= maxUnsavedBars {
                kept.insert(batch, at: 0)
                count += batch.candles.count
            }
            return kept
        }
    }
}
