import AngelOne
import AsyncHTTPClient
import Foundation
import Logging
import MarketData
import TradingCore

/// Builds the market-data port from `MARKET_FEED`: the simulator, or Angel One's SmartStream on the feed's system
/// account (with its session kept fresh and its instrument master refreshed daily by background jobs).
enum MarketFeedFactory {
    static func make(config: AppConfig, stocks: [StockInfo], clock: any TimeSource, http: HTTPClient,
                     jobs: BackgroundJobs, logger: Logger) async throws -> any QuoteFeed {
        switch config.feed {
        case .simulated:
            return SimulatedFeed(stocks: stocks, seed: config.simulationSeed,
                                 interval: .milliseconds(config.simulationTickMilliseconds), clock: clock)
        case .angelone:
            return try await angelOne(config: config, stocks: stocks, clock: clock, http: http, jobs: jobs,
                                      logger: logger)
        }
    }

    /// A problem that stops start-up, in words an operator can act on.
    struct CannotStart: Error, CustomStringConvertible {
        let description: String
    }

    private static func angelOne(config: AppConfig, stocks: [StockInfo], clock: any TimeSource, http: HTTPClient,
                                 jobs: BackgroundJobs, logger: Logger) async throws -> SmartStreamFeed {
        guard let account = config.angelOne.feedAccount else {
            // AppConfig refuses MARKET_FEED=angelone without the account; this is a programming error's safety net.
            throw CannotStart(description: "MARKET_FEED=angelone needs the ANGELONE_ account variables")
        }
        let client = SmartAPIClient(http: http, configuration: .init(baseURL: config.angelOne.apiURL))
        // TOTP codes are checked against the broker's wall clock, never a simulated one: the session reads the real
        // time whatever clock the engine runs on.
        let session = AngelOneSession(credentials: account, client: client)
        let instruments = InstrumentMasterCache(
            url: config.angelOne.instrumentsURL,
            directory: (config.dataDirectory as NSString).appendingPathComponent("instruments"), http: http)
        let loaded: InstrumentMasterCache.Loaded
        do {
            loaded = try await instruments.load(now: Date())
        } catch {
            throw CannotStart(description: "MARKET_FEED=angelone: \(error)")
        }
        let feed = try SmartStreamFeed(
            configuration: .init(url: config.angelOne.streamURL),
            instruments: catalogueInstruments(stocks, in: loaded, logger: logger),
            credentials: { refusedBefore in
                let tokens = try await session.streamTokens(refusedBefore: refusedBefore)
                return .init(jwt: tokens.jwtToken, apiKey: account.apiKey, clientCode: account.clientCode,
                             feedToken: tokens.feedToken)
            })
        jobs.add {
            await session.maintain(dailyLoginMinute: config.angelOne.dailyLoginMinute, afterDailyLogin: {
                // The master is regenerated overnight: the next connection subscribes the day's tokens.
                guard let fresh = try? await instruments.load(now: Date()) else { return }
                try? feed.replaceInstruments(catalogueInstruments(stocks, in: fresh, logger: logger))
            })
        }
        return feed
    }

    /// The catalogue's stocks with their instruments; those the master does not list are logged and left out
    /// (they show no live price rather than a wrong one).
    private static func catalogueInstruments(_ stocks: [StockInfo], in loaded: InstrumentMasterCache.Loaded,
                                             logger: Logger) -> [(symbol: Symbol, instrument: Instrument)] {
        var found: [(symbol: Symbol, instrument: Instrument)] = []
        var missing: [String] = []
        for stock in stocks {
            if let instrument = loaded.master.nseEquity(stock.symbol.rawValue) {
                found.append((stock.symbol, instrument))
            } else {
                missing.append(stock.symbol.rawValue)
            }
        }
        var metadata: Logger.Metadata = ["file": "\(loaded.file)", "instruments": "\(found.count)"]
        if let failure = loaded.downloadError { metadata["download_error"] = "\(failure)" }
        logger.info("instrument master loaded", metadata: metadata)
        if !missing.isEmpty {
            logger.warning("symbols not in the instrument master get no live prices",
                           metadata: ["symbols": "\(missing.joined(separator: ","))"])
        }
        return found
    }
}
