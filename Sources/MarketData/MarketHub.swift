import Foundation
import Synchronization
import TradingCore

/// The server's in-memory market picture: the latest quote and the candle series of every stock, fed tick by tick
/// from a `QuoteFeed` and read concurrently by HTTP handlers, the WebSocket push and the rule engine.
///
/// Candles start from synthetic history (`SyntheticHistory`, seeded) ending just before `now`'s IST day, so charts
/// are populated at start-up; live ticks then extend them. All state sits behind one `Mutex`: ingest holds it for a
/// few dictionary-free array updates, and readers copy out only what they return.
public final class MarketHub: Sendable {
    /// The tracked stocks, in the order `quotes()` returns them (duplicate symbols dropped, first kept).
    public let stocks: [StockInfo]
    /// Most bars kept per symbol and interval; older bars are dropped as new ones open.
    public let maxBarsPerSeries: Int

    private let positions: [Symbol: Int]
    private let state: Mutex<State>

    private struct State: Sendable {
        var books: [SymbolBook]
        var lastTickTime: Date?
        /// Ticks ingested for any symbol: a changed value means some quote changed.
        var version: UInt64 = 0
    }

    /// - Parameters:
    ///   - seed: seeds the synthetic history; the same seed and `now` give the same charts.
    ///   - now: the start-up time. History ends before its IST day and every quote is stamped with it.
    ///   - dailySessions: daily bars of history per symbol.
    ///   - intradaySessions: weekday sessions of 1-minute history per symbol (375 bars each), from which the 5m, 15m
    ///     and 1h history is aggregated.
    public init(stocks: [StockInfo], seed: UInt64, now: Date, dailySessions: Int = 250, intradaySessions: Int = 2,
                maxBarsPerSeries: Int = 3_000) {
        var seen = Set<Symbol>()
        let unique = stocks.filter { seen.insert($0.symbol).inserted }
        self.stocks = unique
        self.maxBarsPerSeries = max(maxBarsPerSeries, 1)
        self.positions = Dictionary(uniqueKeysWithValues: unique.enumerated().map { ($0.element.symbol, $0.offset) })
        let capacity = self.maxBarsPerSeries
        let books = unique.map { stock in
            Self.makeBook(for: stock, seed: seed, now: now, dailySessions: dailySessions,
                          intradaySessions: intradaySessions, capacity: capacity)
        }
        self.state = Mutex(State(books: books, lastTickTime: nil))
    }

    private static func makeBook(for stock: StockInfo, seed: UInt64, now: Date, dailySessions: Int,
                                 intradaySessions: Int, capacity: Int) -> SymbolBook {
        let minutes = SyntheticHistory.intradayCandles(for: stock, seed: seed, sessions: max(intradaySessions, 0),
                                                       endingBefore: now)
        var daily = SyntheticHistory.dailyCandles(for: stock, seed: seed, sessions: max(dailySessions, 0),
                                                  endingBefore: now)
        // Where minute history exists, the daily bar is rebuilt from it so the 1d and 1m charts agree on the
        // session's high and low (open, close and volume already agree by construction).
        let rebuilt = CandleSeries.aggregate(minutes, into: .oneDay)
        if !rebuilt.isEmpty {
            let byDay = Dictionary(rebuilt.map { ($0.time, $0) }, uniquingKeysWith: { first, _ in first })
            for index in daily.indices.reversed() {
                guard let bar = byDay[daily[index].time] else { break }
                daily[index] = bar
            }
        }
        let series = SymbolBook.intervals.map { interval -> CandleSeries in
            let history: [Candle] = switch interval {
            case .oneMinute: minutes
            case .oneDay: daily
            case .fiveMinutes, .fifteenMinutes, .oneHour: CandleSeries.aggregate(minutes, into: interval)
            }
            return CandleSeries(capacity: capacity, history: history)
        }
        let price = stock.referencePrice
        let quote = Quote(symbol: stock.symbol, lastPrice: price, previousClose: price, open: price, high: price,
                          low: price, volume: 0, time: now)
        return SymbolBook(quote: quote, series: series)
    }

    // MARK: - Writing

    /// Applies one tick to its symbol's quote and to every candle interval. Ticks for untracked symbols are ignored.
    /// Ticks are expected in time order per symbol, as feeds deliver them; a late tick still counts towards the
    /// quote but cannot reopen a bar that has already closed.
    public func ingest(_ tick: Tick) {
        guard let position = positions[tick.symbol] else { return }
        state.withLock { state in
            state.books[position].ingest(tick)
            state.version &+= 1
            if state.lastTickTime.map({ tick.time > $0 }) ?? true { state.lastTickTime = tick.time }
        }
    }

    /// Applies a batch of ticks under a single lock acquisition (e.g. one simulator step).
    public func ingest(contentsOf ticks: some Sequence<Tick>) {
        state.withLock { state in
            for tick in ticks {
                guard let position = positions[tick.symbol] else { continue }
                state.books[position].ingest(tick)
                state.version &+= 1
                if state.lastTickTime.map({ tick.time > $0 }) ?? true { state.lastTickTime = tick.time }
            }
        }
    }

    /// Puts stored bars (the candle store's, at start) under the symbol's series for `interval`; a no-op for an
    /// untracked symbol.
    public func merge(stored: [Candle], for symbol: Symbol, interval: CandleInterval) {
        guard let position = positions[symbol] else { return }
        state.withLock { $0.books[position].merge(stored: stored, interval: interval) }
    }

    /// The bars changed since the last call, by symbol and interval (the bar in progress included), for the candle
    /// store; each call hands out only what changed after the previous one.
    public func takeChangedCandles() -> [(symbol: Symbol, interval: CandleInterval, candles: [Candle])] {
        state.withLock { state in
            var changed: [(symbol: Symbol, interval: CandleInterval, candles: [Candle])] = []
            for index in state.books.indices {
                for (interval, candles) in state.books[index].takeChanged() {
                    changed.append((stocks[index].symbol, interval, candles))
                }
            }
            return changed
        }
    }

    // MARK: - Reading

    /// The stock's catalogue entry, or nil if it is not tracked.
    public func stock(for symbol: Symbol) -> StockInfo? {
        positions[symbol].map { stocks[$0] }
    }

    /// Where the symbol is in `stocks` (and in `quotes()`), or nil if it is not tracked.
    public func position(of symbol: Symbol) -> Int? { positions[symbol] }

    /// The latest quote, or nil for an untracked symbol.
    public func quote(for symbol: Symbol) -> Quote? {
        guard let position = positions[symbol] else { return nil }
        return state.withLock { $0.books[position].quote }
    }

    /// Every quote, in `stocks` order, from one consistent snapshot.
    public func quotes() -> [Quote] {
        state.withLock { $0.books.map(\.quote) }
    }

    /// How many ticks have been ingested for all symbols together: it only ever grows, so an unchanged value means
    /// no quote changed (a cheap check before re-reading them all).
    public var version: UInt64 { state.withLock { $0.version } }

    /// Every quote with its change counter, in `stocks` order, from one consistent snapshot, and the hub's `version`
    /// at that moment.
    public func versionedQuotes() -> (version: UInt64, quotes: [SequencedQuote]) {
        state.withLock { state in
            (state.version, state.books.map { SequencedQuote(quote: $0.quote, sequence: $0.sequence) })
        }
    }

    /// Every quote with its change counter, in `stocks` order, from one consistent snapshot.
    public func sequencedQuotes() -> [SequencedQuote] {
        state.withLock { $0.books.map { SequencedQuote(quote: $0.quote, sequence: $0.sequence) } }
    }

    /// How many ticks have been ingested for the symbol: it only ever grows, so a changed value means a changed
    /// quote. 0 for a symbol without ticks or not tracked.
    public func sequence(for symbol: Symbol) -> UInt64 {
        guard let position = positions[symbol] else { return 0 }
        return state.withLock { $0.books[position].sequence }
    }

    /// The newest `limit` bars of the symbol at `interval`, ascending; empty for an untracked symbol or `limit` ≤ 0.
    public func candles(for symbol: Symbol, interval: CandleInterval, limit: Int) -> [Candle] {
        guard limit > 0, let position = positions[symbol] else { return [] }
        return state.withLock { $0.books[position].candles(interval, limit: limit) }
    }

    /// The time of the newest tick ingested for any symbol, nil before the first: lets a readiness check tell a
    /// live feed from a stalled one.
    public var lastTickTime: Date? {
        state.withLock { $0.lastTickTime }
    }
}
