import Foundation
import MarketData
import Persistence
import TradingCore
import Vapor

/// A symbol's stored bars for `stockcart backtest --symbol`, read from the server's candle store.
public enum StoredHistory {
    /// Why there is no history to test on, in words for the command line.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(_ app: Application, config: AppConfig, symbol text: String, interval: CandleInterval)
        async throws -> (Symbol, [Candle]) {
        guard let symbol = Symbol(text.uppercased()), NiftyCatalogue.all.contains(where: { $0.symbol == symbol }) else {
            throw Missing(description: "'\(text)' is not in StockCart's catalogue of NSE symbols")
        }
        try await CommandDatabase.open(app, config: config)
        let bars = try await CandleStore(database: app.db).history(symbol: symbol, interval: interval)
        guard !bars.isEmpty else {
            throw Missing(description: "\(symbol) has no stored \(interval.rawValue) bars; import them with "
                          + "`stockcart import-candles --symbol \(symbol) --csv FILE`")
        }
        return (symbol, bars)
    }
}
