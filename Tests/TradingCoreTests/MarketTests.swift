import Foundation
import Testing
import TradingCore

@Suite("Candles and quotes")
struct MarketTests {
    /// 2025-01-06 00:00 IST.
    let istMidnight = Date(timeIntervalSince1970: 1_736_101_800)

    @Test("bars align to the IST day", arguments: [
        // (seconds after 00:00 IST, interval, bar start in seconds after 00:00 IST)
        (33_300, CandleInterval.oneDay, 0),             // 09:15 → the day
        (33_300, .oneHour, 32_400),                      // 09:15 → 09:00
        (33_300, .fifteenMinutes, 33_300),               // on a boundary
        (33_450, .fiveMinutes, 33_300),                  // 09:17:30 → 09:15
        (33_359, .oneMinute, 33_300),                    // 09:15:59 → 09:15
        (86_399, .oneDay, 0),                            // 23:59:59 IST is still the same day
        (86_400, .oneDay, 86_400),
        (-1, .oneDay, -86_400),                          // 23:59:59 the day before
    ] as [(Int, CandleInterval, Int)])
    func bucketStart(offset: Int, interval: CandleInterval, start: Int) {
        let time = istMidnight.addingTimeInterval(TimeInterval(offset))
        #expect(interval.bucketStart(for: time) == istMidnight.addingTimeInterval(TimeInterval(start)))
    }

    @Test("bars before 1970 align too")
    func beforeEpoch() {
        let time = Date(timeIntervalSince1970: -1)
        #expect(CandleInterval.oneMinute.bucketStart(for: time) == Date(timeIntervalSince1970: -60))
        // 1970-01-01 05:29:59 IST belongs to the IST day that started at 1969-12-31 18:30 UTC.
        #expect(CandleInterval.oneDay.bucketStart(for: time) == Date(timeIntervalSince1970: -19_800))
    }

    @Test("intervals: wire names and lengths")
    func intervals() {
        #expect(CandleInterval.allCases.map(\.rawValue) == ["1m", "5m", "15m", "1h", "1d"])
        #expect(CandleInterval.allCases.map(\.seconds) == [60, 300, 900, 3_600, 86_400])
    }

    @Test("a candle opened by a tick absorbs ticks and finer bars")
    func candle() {
        let open = Tick(symbol: "TCS", price: rupees("4000.00"), volume: 10, time: marketOpen)
        var bar = Candle(time: marketOpen, tick: open)
        #expect(bar.open == rupees("4000.00") && bar.high == bar.open && bar.low == bar.open && bar.close == bar.open)
        bar.absorb(Tick(symbol: "TCS", price: rupees("4010.05"), volume: 5, time: marketOpen))
        bar.absorb(Tick(symbol: "TCS", price: rupees("3995.00"), volume: 7, time: marketOpen))
        bar.absorb(Tick(symbol: "TCS", price: rupees("4001.00"), volume: 1, time: marketOpen))
        #expect(bar == Candle(time: marketOpen, open: rupees("4000.00"), high: rupees("4010.05"),
                              low: rupees("3995.00"), close: rupees("4001.00"), volume: 23))
        bar.absorb(Candle(time: marketOpen, open: rupees("4001.00"), high: rupees("4020.00"), low: rupees("3999.00"),
                          close: rupees("4015.00"), volume: 100))
        #expect(bar.high == rupees("4020.00") && bar.low == rupees("3995.00") && bar.close == rupees("4015.00"))
        #expect(bar.open == rupees("4000.00") && bar.volume == 123)
    }

    @Test("a quote follows ticks and reports the change against the previous close")
    func quote() {
        let quote = Quote(symbol: "RELIANCE", lastPrice: rupees("2800.00"), previousClose: rupees("2750.00"),
                          open: rupees("2760.00"), high: rupees("2810.00"), low: rupees("2755.00"), volume: 1_000,
                          time: marketOpen)
        #expect(quote.change == rupees("50.00"))
        #expect(quote.changePercent == 1.82)  // 1.8181…
        let later = marketOpen.addingTimeInterval(1)
        let next = quote.applying(Tick(symbol: "RELIANCE", price: rupees("2740.00"), volume: 25, time: later))
        #expect(next.lastPrice == rupees("2740.00"))
        #expect(next.low == rupees("2740.00") && next.high == rupees("2810.00"))
        #expect(next.volume == 1_025 && next.time == later)
        #expect(next.change == -rupees("10.00"))
        #expect(next.changePercent == -0.36)  // −0.3636…
        var noClose = quote
        noClose.previousClose = .zero
        #expect(noClose.changePercent == 0)
    }
}
