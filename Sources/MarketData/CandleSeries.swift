import Foundation
import TradingCore

/// An ascending, bounded run of bars for one symbol and interval, updated tick by tick.
///
/// Appending is amortised O(1): rather than dropping the oldest bar on every append (an O(n) shift each time), the
/// storage may overshoot the capacity by a quarter and is then trimmed in one go.
struct CandleSeries: Sendable {
    let capacity: Int
    private(set) var bars: [Candle]
    /// The index of the oldest bar changed since `takeChanged()` last ran (nil: none), so the changed bars can be
    /// persisted without rewriting the whole series.
    private(set) var changedFrom: Int?

    init(capacity: Int, history: [Candle] = []) {
        self.capacity = max(capacity, 1)
        // No up-front reservation: most series (daily, hourly) stay far below capacity, and reserving the maximum
        // for all of them would cost tens of megabytes for a 50-stock hub.
        self.bars = history.count > self.capacity ? Array(history.suffix(self.capacity)) : history
    }

    /// Folds a tick into the bar starting at `bucket`, opening that bar if it is newer than the last one.
    /// A tick for a bucket older than the last bar is left out: it cannot be placed without reordering the series,
    /// and feeds deliver each symbol's ticks in time order.
    mutating func absorb(_ tick: Tick, bucket: Date) {
        if let last = bars.last {
            if bucket == last.time {
                bars[bars.count - 1].absorb(tick)
                markChanged(bars.count - 1)
                return
            }
            guard bucket > last.time else { return }
        }
        bars.append(Candle(time: bucket, tick: tick))
        markChanged(bars.count - 1)
        if bars.count > capacity + capacity / 4 {
            let removed = bars.count - capacity
            bars.removeFirst(removed)
            changedFrom = changedFrom.map { max(0, $0 - removed) }
        }
    }

    private mutating func markChanged(_ index: Int) {
        changedFrom = min(changedFrom ?? index, index)
    }

    /// The bars changed since the last call (the one in progress included), ascending; clears the mark.
    mutating func takeChanged() -> [Candle] {
        guard let from = changedFrom, from < bars.count else {
            changedFrom = nil
            return []
        }
        changedFrom = nil
        return Array(bars[from...])
    }

    /// Puts stored bars into the series at start-up: where a stored bar and a held one share a time the stored one
    /// wins (it is what charts showed before the restart; the held ones are regenerated synthetic history), and held
    /// bars at other times stay.
    mutating func merge(stored: [Candle]) {
        guard !stored.isEmpty else { return }
        // Bars changed and not yet taken stay marked (a merge while the server runs, of a history download).
        let changedSince = changedFrom.flatMap { $0 < bars.count ? bars[$0].time : nil }
        var byTime = Dictionary(bars.map { ($0.time, $0) }, uniquingKeysWith: { _, later in later })
        for bar in stored { byTime[bar.time] = bar }
        let merged = byTime.values.sorted { $0.time < $1.time }
        bars = merged.count > capacity ? Array(merged.suffix(capacity)) : merged
        changedFrom = changedSince.flatMap { time in bars.firstIndex { $0.time >= time } }
    }

    /// The newest `limit` bars (at most `capacity`), ascending.
    func last(_ limit: Int) -> [Candle] {
        let count = min(limit, capacity, bars.count)
        guard count > 0 else { return [] }
        return Array(bars[(bars.count - count)...])
    }

    /// Rolls ascending bars up into the coarser `interval`, each result stamped at its interval's bucket start.
    static func aggregate(_ bars: [Candle], into interval: CandleInterval) -> [Candle] {
        var result: [Candle] = []
        for bar in bars {
            let bucket = interval.bucketStart(for: bar.time)
            if let last = result.last, last.time == bucket {
                result[result.count - 1].absorb(bar)
            } else {
                var opened = bar
                opened.time = bucket
                result.append(opened)
            }
        }
        return result
    }
}
