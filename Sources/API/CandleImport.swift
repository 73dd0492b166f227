import Fluent
import Foundation
import MarketData
import Persistence
import TradingCore
import Vapor

/// `stockcart import-candles`: a CSV file of one symbol's history into the candle store, whole or not at all (the
/// file is read and checked completely before anything is written), idempotently (a bar imported again replaces
/// itself).
public enum CandleImport {
    /// Why an import was refused, in words for the command line.
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// What was imported.
    public struct Imported: Sendable {
        public let interval: CandleInterval
        public let count: Int
        public let first: Date
        public let last: Date
    }

    public static func run(_ app: Application, config: AppConfig, symbol text: String, csv path: String) async throws
        -> Imported {
        guard let symbol = Symbol(text.uppercased()), NiftyCatalogue.all.contains(where: { $0.symbol == symbol }) else {
            throw Refused(description: "'\(text)' is not in StockCart's catalogue of NSE symbols")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Refused(description: "\(path) cannot be read")
        }
        let parsed: CandleCSV.Parsed
        do {
            parsed = try CandleCSV.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw Refused(description: "\(path): \(error.description); nothing was imported")
        }
        try await CommandDatabase.open(app, config: config)
        try await CandleStore(database: app.db).save([.init(symbol: symbol, interval: parsed.interval,
                                                            candles: parsed.candles)])
        return Imported(interval: parsed.interval, count: parsed.candles.count, first: parsed.candles.first!.time,
                        last: parsed.candles.last!.time)
    }
}
