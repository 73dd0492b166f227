import Foundation
import TradingCore

/// Yahoo's history for charts and backtests: daily bars for the last two years and 1-minute bars for the last
/// week, per symbol, with the same grid rounding as the feed.
public struct YahooHistory: Sendable {
    /// The spans loaded, per interval.
    public static let spans: [(interval: CandleInterval, yahooInterval: String, range: String)] = [
        (.oneDay, "1d", "2y"),
        (.oneMinute, "1m", "5d"),
    ]

    private let client: YahooChartClient

    public init(client: YahooChartClient) { self.client = client }

    /// The symbol's bars for every span, or the failure of the first span that failed.
    public func bars(for symbol: Symbol) async throws(YahooFailure) -> [(CandleInterval, [Candle])] {
        var result: [(CandleInterval, [Candle])] = []
        for span in Self.spans {
            let chart = try await client.chart(symbol.rawValue, interval: span.yahooInterval, span: .range(span.range))
            result.append((span.interval, span.interval == .oneDay ? Self.dailyBars(chart.bars) : chart.bars))
        }
        return result
    }

    /// Yahoo stamps NSE daily bars at the session's open (09:15 IST); StockCart's daily bars start at IST midnight.
    static func dailyBars(_ bars: [Candle]) -> [Candle] {
        bars.map { bar in
            var moved = bar
            moved.time = CandleInterval.oneDay.bucketStart(for: bar.time)
            return moved
        }
    }
}
