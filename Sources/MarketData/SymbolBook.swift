import Foundation
import TradingCore

/// Everything `MarketHub` tracks for one symbol: its quote, its change counter and one candle series per interval.
struct SymbolBook: Sendable {
    /// The intervals in the order of `series`; stored once because `allCases` builds a new array on every access.
    static let intervals: [CandleInterval] = CandleInterval.allCases

    var quote: Quote
    var sequence: UInt64 = 0
    /// Indexed like `intervals`.
    var series: [CandleSeries]

    init(quote: Quote, series: [CandleSeries]) {
        precondition(series.count == Self.intervals.count, "one series per interval")
        self.quote = quote
        self.series = series
    }

    mutating func ingest(_ tick: Tick) {
        let tickDay = CandleInterval.oneDay.bucketStart(for: tick.time)
        if tickDay > CandleInterval.oneDay.bucketStart(for: quote.time) {
            // First tick of a new IST day: yesterday's last price becomes the previous close and the day's
            // open/high/low/volume start afresh, as on an exchange quote screen.
            quote = Quote(symbol: quote.symbol, lastPrice: tick.price, previousClose: quote.lastPrice,
                          open: tick.price, high: tick.price, low: tick.price, volume: tick.volume, time: tick.time)
        } else {
            quote = quote.applying(tick)
        }
        for index in series.indices {
            let interval = Self.intervals[index]
            let bucket = interval == .oneDay ? tickDay : interval.bucketStart(for: tick.time)
            series[index].absorb(tick, bucket: bucket)
        }
        sequence &+= 1
    }

    /// Every interval's bars changed since the last call.
    mutating func takeChanged() -> [(CandleInterval, [Candle])] {
        series.indices.compactMap { index in
            let changed = series[index].takeChanged()
            return changed.isEmpty ? nil : (Self.intervals[index], changed)
        }
    }

    mutating func merge(stored: [Candle], interval: CandleInterval) {
        guard let index = Self.intervals.firstIndex(of: interval) else { return }
        series[index].merge(stored: stored)
        // A quote that never ticked takes its price from the newest stored daily bar, so the market watch does
        // not show the catalogue's reference price beside a chart that says otherwise.
        if interval == .oneDay, sequence == 0, let last = series[index].bars.last {
            let daily = series[index].bars
            if last.time == CandleInterval.oneDay.bucketStart(for: quote.time) {
                // Today's bar (stored before a restart today): the day so far, against yesterday's close.
                let previous = daily.count > 1 ? daily[daily.count - 2].close : last.open
                quote = Quote(symbol: quote.symbol, lastPrice: last.close, previousClose: previous, open: last.open,
                              high: last.high, low: last.low, volume: last.volume, time: quote.time)
            } else {
                quote = Quote(symbol: quote.symbol, lastPrice: last.close, previousClose: last.close, open: last.close,
                              high: last.close, low: last.close, volume: 0, time: quote.time)
            }
        }
    }

    func candles(_ interval: CandleInterval, limit: Int) -> [Candle] {
        guard let index = Self.intervals.firstIndex(of: interval) else { return [] }
        return series[index].last(limit)
    }
}
