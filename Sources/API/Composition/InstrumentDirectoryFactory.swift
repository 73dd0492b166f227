import AngelOne
import AsyncHTTPClient
import Foundation
import Logging
import MarketData

/// Loads Angel One's instrument directory when an Angel One adapter (feed or broker) is configured, and schedules
/// its daily reload; nil otherwise.
enum InstrumentDirectoryFactory {
    static func make(config: AppConfig, stocks: [StockInfo], http: HTTPClient, jobs: BackgroundJobs) async throws
        -> InstrumentDirectory? {
        guard config.feed == .angelone || config.broker == .angelone else { return nil }
        let cache = InstrumentMasterCache(
            url: config.angelOne.instrumentsURL,
            directory: (config.dataDirectory as NSString).appendingPathComponent("instruments"), http: http)
        let directory: InstrumentDirectory
        do {
            directory = try await InstrumentDirectory(cache: cache, symbols: stocks.map(\.symbol), now: Date())
        } catch {
            let user = config.feed == .angelone ? "MARKET_FEED=angelone" : "BROKER=angelone"
            throw CompositionError(description: "\(user): \(error)")
        }
        // Reloaded a quarter of an hour before the daily login, once the overnight master is out.
        let reloadMinute = (config.angelOne.dailyLoginMinute + 24 * 60 - 15) % (24 * 60)
        jobs.add { await directory.maintain(dailyMinute: reloadMinute) }
        return directory
    }
}
