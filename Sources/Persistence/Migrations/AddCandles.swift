import Fluent

/// Version 6: `candles`, one row per (symbol, interval, bar start), so a bar written twice (a bar in progress saved
/// again as it grows, a history import repeated) is one row.
public struct AddCandles: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.AddCandles.v6" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(CandleModel.schema)
            .id()
            .field("symbol", .string, .required)
            .field("interval", .string, .required)
            .field("bar_start", .datetime, .required)
            .field("open_paise", .int64, .required)
            .field("high_paise", .int64, .required)
            .field("low_paise", .int64, .required)
            .field("close_paise", .int64, .required)
            .field("volume", .int64, .required)
            // Also the index of the chart query: one symbol and interval, newest bars first.
            .unique(on: "symbol", "interval", "bar_start", name: "uq_candles_symbol_interval_start")
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(CandleModel.schema).delete()
    }
}
