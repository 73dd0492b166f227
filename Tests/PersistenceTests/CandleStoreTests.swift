import Fluent
import Foundation
import Persistence
import Testing
import TestSupport
import TradingCore

@Suite("Candle store")
struct CandleStoreTests {
    static func bar(_ minute: Int, _ close: Int64, volume: Int64 = 10) -> Candle {
        Candle(time: Fixtures.start.addingTimeInterval(TimeInterval(minute * 60)), open: Money(paise: 100_00),
               high: Money(paise: max(close, 100_00)), low: Money(paise: min(close, 100_00)), close: Money(paise: close),
               volume: volume)
    }

    @Test("a bar saved again is one row with the new values; the newest bars come back ascending",
          arguments: TestDatabase.enabled)
    func upsertAndRead(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let store = CandleStore(database: db)
            try await store.save([.init(symbol: "RELIANCE", interval: .oneMinute,
                                        candles: [Self.bar(0, 101_00), Self.bar(1, 102_00), Self.bar(2, 103_00)])])
            // The bar in progress, written again as it grew; and another interval and symbol alongside.
            try await store.save([.init(symbol: "RELIANCE", interval: .oneMinute, candles: [Self.bar(2, 104_50, volume: 30)]),
                                  .init(symbol: "RELIANCE", interval: .oneDay, candles: [Self.bar(0, 104_50)]),
                                  .init(symbol: "TCS", interval: .oneMinute, candles: [Self.bar(0, 99_00)])])
            let minutes = try await store.latest(symbol: "RELIANCE", interval: .oneMinute, limit: 2)
            #expect(minutes == [Self.bar(1, 102_00), Self.bar(2, 104_50, volume: 30)])
            #expect(try await store.count(symbol: "RELIANCE") == 4)
            #expect(try await store.count(symbol: "TCS") == 1)
            #expect(try await store.latest(symbol: "INFY", interval: .oneMinute, limit: 10).isEmpty)
        }
    }

    @Test("a long history is written in several statements and read back whole", arguments: TestDatabase.enabled)
    func longHistory(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let store = CandleStore(database: db)
            let bars = (0..<1_234).map { Self.bar($0, 100_00 + Int64($0)) }
            try await store.save([.init(symbol: "SBIN", interval: .oneMinute, candles: bars)])
            #expect(try await store.latest(symbol: "SBIN", interval: .oneMinute, limit: 5_000) == bars)
        }
    }
}
