import AngelOne
import AsyncHTTPClient
import Foundation
import Logging
import MarketData
import TradingCore
import Yahoo

/// Builds the market-data port from `MARKET_FEED`: the simulator, Yahoo Finance polled, or Angel One's SmartStream on
/// the feed's system account (its session kept fresh by a background job).
enum MarketFeedFactory {
    static func make(config: AppConfig, stocks: [StockInfo], clock: any TimeSource, http: HTTPClient,
                     yahoo: YahooChartClient?, instruments: InstrumentDirectory?, jobs: BackgroundJobs) throws
        -> any QuoteFeed {
        switch config.feed {
        case .simulated:
            return SimulatedFeed(stocks: stocks, seed: config.simulationSeed,
                                 interval: .milliseconds(config.simulationTickMilliseconds), clock: clock)
        case .yahoo:
            guard let yahoo else { throw CompositionError(description: "MARKET_FEED=yahoo needs Yahoo's chart client") }
            return YahooQuoteFeed(client: yahoo, symbols: stocks.map(\.symbol))
        case .angelone:
            guard let account = config.angelOne.feedAccount, let instruments else {
                // AppConfig refuses MARKET_FEED=angelone without the account, and the directory is built for it.
                throw CompositionError(description: "MARKET_FEED=angelone needs the ANGELONE_ account variables")
            }
            let client = SmartAPIClient(http: http, configuration: .init(baseURL: config.angelOne.apiURL))
            // TOTP codes are checked against the broker's wall clock, never a simulated one: the session reads the
            // real time whatever clock the engine runs on.
            let session = AngelOneSession(credentials: account, client: client, limits: config.angelOne.rateLimits)
            let feed = try SmartStreamFeed(
                configuration: .init(url: config.angelOne.streamURL), instruments: instruments.catalogue,
                credentials: { refusedBefore in
                    let tokens = try await session.streamTokens(refusedBefore: refusedBefore)
                    return .init(jwt: tokens.jwtToken, apiKey: account.apiKey, clientCode: account.clientCode,
                                 feedToken: tokens.feedToken)
                })
            // The master of a new day: the next connection subscribes its tokens.
            instruments.onReload { catalogue in try? feed.replaceInstruments(catalogue) }
            jobs.add { await session.maintain(dailyLoginMinute: config.angelOne.dailyLoginMinute) }
            return feed
        }
    }
}

/// A problem in putting the server together that stops start-up, in words an operator can act on.
struct CompositionError: Error, CustomStringConvertible {
    let description: String
}
