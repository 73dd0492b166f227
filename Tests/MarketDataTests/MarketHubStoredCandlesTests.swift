import Foundation
import MarketData
import Testing
import TradingCore

/// The hub and the candle store: stored bars merged in, changed bars handed out once, a stored day's bar as the quote.
@Suite("MarketHub with stored candles")
struct MarketHubStoredCandlesTests {
    /// Wednesday 1 October 2025, 10:00 IST.
    private let now = IST.date(2025, 10, 1, 10, 0)

    private func bar(_ time: Date, _ close: Double, volume: Int64 = 1_000) -> Candle {
        Candle(time: time, open: rs(close - 1), high: rs(close + 2), low: rs(close - 3), close: rs(close), volume: volume)
    }

    @Test("a stored bar wins over the synthetic one at its time; bars changed by ticks are handed out once")
    func mergeAndTakeChanged() throws {
        let hub = MarketHub(stocks: catalogued("RELIANCE"), seed: 42, now: now)
        let yesterday = CandleInterval.oneDay.bucketStart(for: now.addingTimeInterval(-86_400))
        hub.merge(stored: [bar(yesterday, 2_800)], for: "RELIANCE", interval: .oneDay)
        #expect(hub.candles(for: "RELIANCE", interval: .oneDay, limit: 1) == [bar(yesterday, 2_800)])
        #expect(hub.takeChangedCandles().isEmpty, "history is not a change")

        hub.ingest(Tick(symbol: "RELIANCE", price: rs(2_810), volume: 5, time: now))
        let changed = hub.takeChangedCandles()
        #expect(Set(changed.map(\.interval)) == Set(CandleInterval.allCases))
        #expect(changed.allSatisfy { $0.candles.map(\.close) == [rs(2_810)] })
        #expect(hub.takeChangedCandles().isEmpty, "handed out once")

        // A merge while the server runs (a history download) keeps a tick's unsaved bar marked.
        hub.ingest(Tick(symbol: "RELIANCE", price: rs(2_815), volume: 5, time: now.addingTimeInterval(60)))
        hub.merge(stored: [bar(yesterday, 2_801)], for: "RELIANCE", interval: .oneMinute)
        let minutes = try #require(hub.takeChangedCandles().first { $0.interval == .oneMinute })
        #expect(minutes.candles.last?.close == rs(2_815))
    }

    @Test("a quote that never ticked takes the newest stored day: yesterday's close, or today's bar against yesterday's")
    func quoteFromStoredDays() throws {
        let hub = MarketHub(stocks: catalogued("RELIANCE", "TCS"), seed: 42, now: now, dailySessions: 0, intradaySessions: 0)
        let today = CandleInterval.oneDay.bucketStart(for: now)
        let yesterday = today.addingTimeInterval(-86_400)
        hub.merge(stored: [bar(yesterday, 2_800)], for: "RELIANCE", interval: .oneDay)
        let reliance = try #require(hub.quote(for: "RELIANCE"))
        #expect(reliance.lastPrice == rs(2_800) && reliance.previousClose == rs(2_800))

        hub.merge(stored: [bar(yesterday, 3_900), bar(today, 3_950, volume: 7_000)], for: "TCS", interval: .oneDay)
        let tcs = try #require(hub.quote(for: "TCS"))
        #expect(tcs.lastPrice == rs(3_950))
        #expect(tcs.previousClose == rs(3_900), "the day's change is against yesterday, not zero")
        #expect(tcs.open == rs(3_949) && tcs.high == rs(3_952) && tcs.low == rs(3_947) && tcs.volume == 7_000)
    }
}
