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

    /// Loads Yahoo's history of every catalogue symbol into the candle store and the hub: in the background (50
    /// symbols at two requests a second take a minute), once at start and again every day.
    static func startHistory(client: YahooChartClient, hub: MarketHub, store: CandleStore, jobs: BackgroundJobs,
                             logger: Logger) {
        let history = YahooHistory(client: client)
        jobs.add {
            while !Task.isCancelled {
                var loaded = 0
                for stock in hub.stocks {
                    guard !Task.isCancelled else { return }
                    do {
                        for (interval, bars) in try await history.bars(for: stock.symbol) where !bars.isEmpty {
                            try await store.save([.init(symbol: stock.symbol, interval: interval, candles: bars)])
                            hub.merge(stored: bars, for: stock.symbol, interval: interval)
                        }
                        loaded += 1
                    } catch {
                        logger.warning("Yahoo history not loaded", metadata: ["symbol": "\(stock.symbol)",
                                                                              "error": "\(error)"])
                    }
                }
                logger.info("Yahoo history loaded", metadata: ["symbols": "\(loaded)", "of": "\(hub.stocks.count)"])
                try? await Task.sleep(for: .seconds(24 * 3_600))
            }
        }
    }
}
