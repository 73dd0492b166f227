import Foundation
import TradingCore

/// Yahoo's history for charts and backtests: daily bars for the last two years and 1-minute bars for the last
/// week, per symbol, with the same grid rounding as the feed.
public struct YahooHistory: Sendable {
    /// One request's worth of history: which StockCart interval, asked of Yahoo how.
    public struct Span: Sendable {
        public let interval: CandleInterval
        let yahooInterval: String
        let range: String
    }

    /// The spans loaded, per interval.
    public static let spans = [Span(interval: .oneDay, yahooInterval: "1d", range: "2y"),
                               Span(interval: .oneMinute, yahooInterval: "1m", range: "5d")]

    private let client: YahooChartClient

    public init(client: YahooChartClient) { self.client = client }

    /// The symbol's bars of one span.
    public func bars(for symbol: Symbol, span: Span) async throws(YahooFailure) -> [Candle] {
        let chart = try await client.chart(symbol.rawValue, interval: span.yahooInterval, span: .range(span.range))
        return span.interval == .oneDay ? Self.dailyBars(chart.bars) : chart.bars
    }

    /// The symbol's bars for every span, or the failure of the first span that failed.
    public func bars(for symbol: Symbol) async throws(YahooFailure) -> [(CandleInterval, [Candle])] {
        var result: [(CandleInterval, [Candle])] = []
        for span in Self.spans { result.append((span.interval, try await bars(for: symbol, span: span))) }
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
