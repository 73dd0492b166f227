import AsyncHTTPClient
import Foundation
import Logging
import MarketData
import Persistence
import TradingCore
import Yahoo

/// Yahoo Finance for the server: the chart client the feed and the history loader share (and with it the request
/// rate), and the history job that fills the candle store for charts and backtests.
enum YahooClients {
    /// The chart client the feed and the history loader share (and with it the request rate); nil unless
    /// `MARKET_FEED=yahoo`.
    static func chartClient(config: AppConfig, http: HTTPClient) -> YahooChartClient? {
        guard config.feed == .yahoo else { return nil }
        return YahooChartClient(http: http, configuration: .init(baseURL: config.yahooURL,
                                                                 maxRequestsPerSecond: config.yahooRequestsPerSecond))
    }

    /// Loads Yahoo's history of every catalogue symbol into the candle store and the hub, in the background (50
    /// symbols at two requests a second take about a minute): at start, then daily. A span that fails is kept apart
    /// from the others (a symbol's daily bars are stored even when its minutes fail) and tried again ten minutes
    /// later; a 429 pauses the whole job for a minute, as the feed shares its request rate.
    static func startHistory(client: YahooChartClient, hub: MarketHub, store: CandleStore, jobs: BackgroundJobs,
                             logger: Logger) {
        let history = YahooHistory(client: client)
        let everything = hub.stocks.flatMap { stock in YahooHistory.spans.map { (stock.symbol, $0) } }
        jobs.add {
            var pending = everything
            while !Task.isCancelled {
                var failed: [(Symbol, YahooHistory.Span)] = []
                for (symbol, span) in pending {
                    guard !Task.isCancelled else { return }
                    do {
                        let bars = try await history.bars(for: symbol, span: span)
                        guard !bars.isEmpty else { continue }
                        try await store.save([.init(symbol: symbol, interval: span.interval, candles: bars)])
                        hub.merge(stored: bars, for: symbol, interval: span.interval)
                    } catch YahooFailure.rateLimited {
                        failed.append((symbol, span))
                        try? await Task.sleep(for: .seconds(60))
                    } catch {
                        failed.append((symbol, span))
                        logger.warning("Yahoo history not loaded", metadata: [
                            "symbol": "\(symbol)", "interval": "\(span.interval.rawValue)", "error": "\(error)"])
                    }
                }
                logger.info("Yahoo history pass done", metadata: ["loaded": "\(pending.count - failed.count)",
                                                                  "failed": "\(failed.count)"])
                pending = failed.isEmpty ? everything : failed
                try? await Task.sleep(for: failed.isEmpty ? .seconds(24 * 3_600) : .seconds(600))
            }
        }
    }
}
