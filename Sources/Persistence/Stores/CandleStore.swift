import Fluent
import Foundation
import SQLKit
import TradingCore

/// Stored candles: written in batches as bars change (the bar in progress rewritten as it grows), read newest first
/// for charts and history.
public struct CandleStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// One symbol's bars of one interval, to write.
    public struct Batch: Sendable {
        public var symbol: Symbol
        public var interval: CandleInterval
        public var candles: [Candle]
        public init(symbol: Symbol, interval: CandleInterval, candles: [Candle]) {
            self.symbol = symbol
            self.interval = interval
            self.candles = candles
        }
    }

    /// Bars per statement: nine values each, well under SQLite's 32,766 bound parameters.
    static let rowsPerStatement = 500

    /// Inserts or updates every bar (a bar already stored at that time takes the new values), several hundred bars a
    /// statement, each statement in its own transaction so a long history never holds the write lock for long.
    public func save(_ batches: [Batch]) async throws {
        var rows: [(Symbol, CandleInterval, Candle)] = []
        for batch in batches {
            // One row per bar time within a statement (PostgreSQL refuses to update a row twice in one).
            var seen = Set<Date>()
            for candle in batch.candles.reversed() where seen.insert(candle.time).inserted {
                rows.append((batch.symbol, batch.interval, candle))
            }
        }
        var start = 0
        while start < rows.count {
            try Task.checkCancellation()
            let chunk = Array(rows[start..<min(start + Self.rowsPerStatement, rows.count)])
            start += chunk.count
            let placeholders = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            var values: [SQLValue] = []
            values.reserveCapacity(chunk.count * 9)
            for (symbol, interval, candle) in chunk {
                values += [.uuid(UUID.random()), .text(symbol.rawValue), .text(interval.rawValue), .date(candle.time),
                           .integer(candle.open.paise), .integer(candle.high.paise), .integer(candle.low.paise),
                           .integer(candle.close.paise), .integer(candle.volume)]
            }
            let statement = """
                INSERT INTO candles (id, symbol, interval, bar_start, open_paise, high_paise, low_paise, close_paise, volume)
                VALUES \(placeholders)
                ON CONFLICT (symbol, interval, bar_start) DO UPDATE SET open_paise = excluded.open_paise,
                    high_paise = excluded.high_paise, low_paise = excluded.low_paise,
                    close_paise = excluded.close_paise, volume = excluded.volume
                """
            let bound = values
            try await TransactionRunner.write(on: database) { session in
                try await session.run(statement, bound)
            }
        }
    }

    /// The newest `limit` bars of the symbol at `interval`, ascending.
    public func latest(symbol: Symbol, interval: CandleInterval, limit: Int) async throws -> [Candle] {
        try await CandleModel.query(on: database)
            .filter(\.$symbol == symbol.rawValue).filter(\.$interval == interval.rawValue)
            .sort(\.$barStart, .descending).limit(limit).all()
            .reversed()
            .map { row in
                Candle(time: row.barStart, open: Money(paise: row.openPaise), high: Money(paise: row.highPaise),
                       low: Money(paise: row.lowPaise), close: Money(paise: row.closePaise), volume: row.volume)
            }
    }

    /// Every stored bar of the symbol at `interval`, oldest first: a backtest's history.
    public func history(symbol: Symbol, interval: CandleInterval) async throws -> [Candle] {
        try await CandleModel.query(on: database)
            .filter(\.$symbol == symbol.rawValue).filter(\.$interval == interval.rawValue)
            .sort(\.$barStart, .ascending).all()
            .map { row in
                Candle(time: row.barStart, open: Money(paise: row.openPaise), high: Money(paise: row.highPaise),
                       low: Money(paise: row.lowPaise), close: Money(paise: row.closePaise), volume: row.volume)
            }
    }

    /// The symbols that have any bar stored, in one query.
    public func symbolsWithBars() async throws -> Set<Symbol> {
        let rows = try await CandleModel.query(on: database).unique().all(\.$symbol)
        return Set(rows.compactMap(Symbol.init))
    }

    /// How many bars are stored for the symbol at `interval`.
    public func count(symbol: Symbol, interval: CandleInterval) async throws -> Int {
        try await CandleModel.query(on: database).filter(\.$symbol == symbol.rawValue)
            .filter(\.$interval == interval.rawValue).count()
    }

    /// How many bars are stored for the symbol, all intervals together.
    public func count(symbol: Symbol) async throws -> Int {
        try await CandleModel.query(on: database).filter(\.$symbol == symbol.rawValue).count()
    }
}
