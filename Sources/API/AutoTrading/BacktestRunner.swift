import Dispatch
import Engine
import Fluent
import Foundation
import Logging
import Persistence
import Synchronization
import TradingCore

/// Runs the API's backtests in the background: one strategy over one symbol's stored candles through the same
/// `Backtester` as `stockcart backtest`, on a utility queue (a long backtest must not hold the server's
/// cooperative threads), with its progress pushed to the owner's sockets and its report stored when done.
final class BacktestRunner: Sendable {
    /// A request, read and checked.
    struct Job: Sendable {
        var id: UUID
        var owner: UserID
        var plan: StrategyPlan
        var settings: BacktestSettings
        var bars: [Candle]
        var stored: StoredBacktest
    }

    private let database: any Database
    private let instance: UUID
    private let sockets: SocketHub
    private let clock: any TimeSource
    private let logger: Logger
    /// The most backtests one user runs at once (each takes a core while it runs).
    static let maxRunningPerUser = 2

    /// Progress (0–1) of the backtests running in this process, and whose they are.
    private let running = Mutex<[UUID: Double]>([:])
    private let owners = Mutex<[UUID: UserID]>([:])

    init(database: any Database, instance: UUID, sockets: SocketHub, clock: any TimeSource, logger: Logger) {
        self.instance = instance
        self.database = database
        self.sockets = sockets
        self.clock = clock
        self.logger = logger
    }

    func progress(of id: UUID) -> Double? { running.withLock { $0[id] } }

    func running(for owner: UserID) -> Int { owners.withLock { $0.values.count { $0 == owner } } }

    /// Stores the job as running and starts it.
    func start(_ job: Job) async throws {
        try await BacktestStore(database: database, instance: instance).save(job.stored)
        running.withLock { $0[job.id] = 0 }
        owners.withLock { $0[job.id] = job.owner }
        Task { await self.run(job) }
    }

    private func run(_ job: Job) async {
        let total = job.bars.count
        let started = ContinuousClock.now
        let lastSent = Mutex(ContinuousClock.now - .seconds(1))
        let report: BacktestReport = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                let report = Backtester(plan: job.plan, settings: job.settings).run(symbol: job.stored.symbol,
                                                                                     bars: job.bars) { done in
                    self.running.withLock { $0[job.id] = Double(done) / Double(max(1, total)) }
                    // At most about twice a second, and always the last.
                    let due = lastSent.withLock { last in
                        guard ContinuousClock.now - last >= .milliseconds(500) || done == total else { return false }
                        last = ContinuousClock.now
                        return true
                    }
                    if due {
                        self.sockets.send(SocketMessage.BacktestProgress(id: job.id, done: done,
                                                                         total: total), to: job.owner, droppable: true)
                    }
                }
                continuation.resume(returning: report)
            }
        }
        var stored = job.stored
        stored.finishedAt = clock.now()
        stored.progress = 1
        do {
            let text = String(decoding: try BacktestOutput.json(report, costs: job.settings.charges != nil), as: UTF8.self)
            stored.status = "done"
            stored.report = text
            stored.finalValue = report.finalValue
            stored.totalReturnPercent = report.metrics.totalReturnPercent
            stored.trades = report.trades.count
        } catch {
            stored.status = "failed"
            stored.error = "the report could not be encoded"
        }
        do {
            try await BacktestStore(database: database, instance: instance).save(stored)
        } catch {
            logger.error("could not store a finished backtest", metadata: [
                "backtest_id": "\(job.id)", "error": "\(String(reflecting: error))",
            ])
        }
        running.withLock { _ = $0.removeValue(forKey: job.id) }
        owners.withLock { _ = $0.removeValue(forKey: job.id) }
        stored.report = nil
        sockets.send(SocketMessage.BacktestDone(backtest: BacktestSummaryResponse(stored)), to: job.owner)
        logger.info("backtest finished", metadata: [
            "backtest_id": "\(job.id)", "bars": "\(total)", "seconds": "\(ContinuousClock.now - started)",
        ])
    }
}
