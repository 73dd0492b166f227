import Foundation
import TradingCore

/// An ascending, bounded run of bars for one symbol and interval, updated tick by tick.
///
/// Appending is amortised O(1): rather than dropping the oldest bar on every append (an O(n) shift each time), the
/// storage may overshoot the capacity by a quarter and is then trimmed in one go.
struct CandleSeries: Sendable {
    let capacity: Int
    private(set) var bars: [Candle]

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
                return
            }
            guard bucket > last.time else { return }
        }
        bars.append(Candle(time: bucket, tick: tick))
        if bars.count > capacity + capacity / 4 {
            bars.removeFirst(bars.count - capacity)
        }
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
