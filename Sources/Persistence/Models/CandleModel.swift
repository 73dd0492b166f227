import Fluent
import Foundation

/// One stored OHLCV bar: a symbol's bar of one interval (`1m`, `5m`, `15m`, `1h`, `1d`), prices in paise. Charts,
/// and later signals and backtests, read their history from here, so it survives restarts whatever the feed.
public final class CandleModel: Model, @unchecked Sendable {
    // @unchecked: Fluent models are reference types mutated by property wrappers; each instance is used by one task.
    public static let schema = "candles"

    @ID(key: .id) public var id: UUID?
    @Field(key: "symbol") public var symbol: String
    @Field(key: "interval") public var interval: String
    @Field(key: "bar_start") public var barStart: Date
    @Field(key: "open_paise") public var openPaise: Int64
    @Field(key: "high_paise") public var highPaise: Int64
    @Field(key: "low_paise") public var lowPaise: Int64
    @Field(key: "close_paise") public var closePaise: Int64
    @Field(key: "volume") public var volume: Int64

    public init() {}
}
