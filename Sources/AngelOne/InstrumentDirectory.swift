import Foundation
import Logging
import Synchronization
import TradingCore

/// The catalogue's Angel One instruments, by symbol, shared by the market feed (what to subscribe) and the broker
/// (what to place): loaded from the instrument master at start and again each day after the master is regenerated.
public final class InstrumentDirectory: Sendable {
    private let cache: InstrumentMasterCache
    private let symbols: [Symbol]
    private let logger: Logger
    private let current: Mutex<[Symbol: Instrument]>
    private let observers = Mutex<[@Sendable ([(symbol: Symbol, instrument: Instrument)]) -> Void]>([])

    /// Loads today's master (downloading it if needed); throws when there is no master at all.
    public init(cache: InstrumentMasterCache, symbols: [Symbol], now: Date,
                logger: Logger = Logger(label: "stockcart.angelone.instruments")) async throws(InstrumentMasterCache.Unavailable) {
        self.cache = cache
        self.symbols = symbols
        self.logger = logger
        current = Mutex(Self.resolve(symbols, in: try await cache.load(now: now), logger: logger))
    }

    public func instrument(for symbol: Symbol) -> Instrument? { current.withLock { $0[symbol] } }

    /// The catalogue's instruments, in catalogue order.
    public var catalogue: [(symbol: Symbol, instrument: Instrument)] {
        let map = current.withLock { $0 }
        return symbols.compactMap { symbol in map[symbol].map { (symbol, $0) } }
    }

    /// Called with the new catalogue after each daily reload.
    public func onReload(_ observer: @escaping @Sendable ([(symbol: Symbol, instrument: Instrument)]) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Reloads the master now (a failed download keeps the last good one).
    public func reload(now: Date) async {
        guard let loaded = try? await cache.load(now: now) else {
            logger.warning("the instrument master could not be reloaded; keeping the last one")
            return
        }
        let resolved = Self.resolve(symbols, in: loaded, logger: logger)
        current.withLock { $0 = resolved }
        let catalogue = catalogue
        for observer in observers.withLock({ $0 }) { observer(catalogue) }
    }

    /// Reloads every day at `minute` (IST minutes after midnight) until cancelled.
    public func maintain(dailyMinute: Int, sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) })
        async {
        while !Task.isCancelled {
            let now = Date()
            let next = AngelOneSession.nextDailyLogin(after: now, minute: dailyMinute)
            do {
                try await sleep(.milliseconds(Int64(next.timeIntervalSince(now) * 1_000)))
            } catch {
                return
            }
            await reload(now: Date())
        }
    }

    /// The catalogue's symbols that the master lists; the others are logged (they get no live price and cannot be
    /// ordered through Angel One, rather than a wrong instrument).
    private static func resolve(_ symbols: [Symbol], in loaded: InstrumentMasterCache.Loaded, logger: Logger)
        -> [Symbol: Instrument] {
        var found: [Symbol: Instrument] = [:]
        var missing: [String] = []
        for symbol in symbols {
            if let instrument = loaded.master.nseEquity(symbol.rawValue) {
                found[symbol] = instrument
            } else {
                missing.append(symbol.rawValue)
            }
        }
        var metadata: Logger.Metadata = ["file": "\(loaded.file)", "instruments": "\(found.count)"]
        if let failure = loaded.downloadError { metadata["download_error"] = "\(failure)" }
        logger.info("instrument master loaded", metadata: metadata)
        if !missing.isEmpty {
            logger.warning("symbols not in the instrument master get no live prices and no Angel One orders",
                           metadata: ["symbols": "\(missing.joined(separator: ","))"])
        }
        return found
    }
}
