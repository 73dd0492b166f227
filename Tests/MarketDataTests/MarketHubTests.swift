import Foundation
import MarketData
import Testing
import TradingCore

@Suite("MarketHub")
struct MarketHubTests {
    /// Wednesday 1 October 2025, 10:00 IST.
    private let now = IST.date(2025, 10, 1, 10, 0)
    private let stocks = catalogued("RELIANCE", "TCS", "TATASTEEL")
    private var reliance: StockInfo { stocks[0] }

    private func makeHub(maxBars: Int = 3_000) -> MarketHub {
        MarketHub(stocks: stocks, seed: 42, now: now, maxBarsPerSeries: maxBars)
    }

    private func tick(_ symbol: Symbol = "RELIANCE", rupees: Double, volume: Int64 = 100, at time: Date) -> Tick {
        Tick(symbol: symbol, price: rs(rupees), volume: volume, time: time)
    }

    @Test func quotesStartAtTheReferencePrice() throws {
        let hub = makeHub()
        let quote = try #require(hub.quote(for: "RELIANCE"))
        #expect(quote == Quote(symbol: "RELIANCE", lastPrice: reliance.referencePrice,
                               previousClose: reliance.referencePrice, open: reliance.referencePrice,
                               high: reliance.referencePrice, low: reliance.referencePrice, volume: 0, time: now))
        #expect(hub.quotes().map(\.symbol) == ["RELIANCE", "TCS", "TATASTEEL"])
        #expect(hub.stocks == stocks)
        #expect(hub.stock(for: "TCS")?.name == "Tata Consultancy Services Ltd.")
        #expect(hub.stock(for: "INFY") == nil)
        #expect(hub.quote(for: "INFY") == nil)
        #expect(hub.lastTickTime == nil)
    }

    @Test func ingestUpdatesTheQuote() throws {
        let hub = makeHub()
        hub.ingest(tick(rupees: 1_374, volume: 100, at: now.addingTimeInterval(1)))
        hub.ingest(tick(rupees: 1_359, volume: 50, at: now.addingTimeInterval(2)))
        let quote = try #require(hub.quote(for: "RELIANCE"))
        #expect(quote.lastPrice == rs(1_359))
        #expect(quote.high == rs(1_374))
        #expect(quote.low == rs(1_359))
        #expect(quote.open == reliance.referencePrice)
        #expect(quote.volume == 150)
        #expect(quote.change == rs(-5))
        #expect(quote.changePercent == -0.37)
        #expect(quote.time == now.addingTimeInterval(2))
        #expect(hub.lastTickTime == now.addingTimeInterval(2))
        // Other symbols are untouched.
        #expect(hub.quote(for: "TCS")?.volume == 0)
    }

    @Test func oneMinuteCandlesAggregateTicksAcrossAMinuteBoundary() {
        let hub = makeHub()
        hub.ingest(tick(rupees: 1_365, volume: 10, at: now.addingTimeInterval(10)))
        hub.ingest(tick(rupees: 1_368.5, volume: 20, at: now.addingTimeInterval(30)))
        hub.ingest(tick(rupees: 1_362.05, volume: 30, at: now.addingTimeInterval(50)))
        hub.ingest(tick(rupees: 1_363, volume: 40, at: now.addingTimeInterval(65)))
        let bars = hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 3)
        #expect(bars.count == 3)
        // The bar before the live ones is the last minute of the previous session's history.
        #expect(bars[0].time == IST.date(2025, 9, 30, 15, 29))
        #expect(bars[0].close == reliance.referencePrice)
        #expect(bars[1] == Candle(time: now, open: rs(1_365), high: rs(1_368.5),
                                  low: rs(1_362.05), close: rs(1_362.05), volume: 60))
        #expect(bars[2] == Candle(time: now.addingTimeInterval(60), open: rs(1_363),
                                  high: rs(1_363), low: rs(1_363),
                                  close: rs(1_363), volume: 40))
    }

    @Test func coarserIntervalsAlignToISTBuckets() throws {
        let hub = makeHub()
        let time = IST.date(2025, 10, 1, 10, 7, 30)
        hub.ingest(tick(rupees: 1_370, at: time))
        #expect(hub.candles(for: "RELIANCE", interval: .fiveMinutes, limit: 1).last?.time
            == IST.date(2025, 10, 1, 10, 5))
        #expect(hub.candles(for: "RELIANCE", interval: .fifteenMinutes, limit: 1).last?.time
            == IST.date(2025, 10, 1, 10, 0))
        #expect(hub.candles(for: "RELIANCE", interval: .oneHour, limit: 1).last?.time == IST.date(2025, 10, 1, 10, 0))
        let today = try #require(hub.candles(for: "RELIANCE", interval: .oneDay, limit: 1).last)
        #expect(today.time == IST.date(2025, 10, 1))
        #expect(today.open == rs(1_370) && today.volume == 100)
    }

    @Test func coarserIntervalsIncludeAggregatedHistory() {
        let hub = makeHub()
        let minutes = hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 10_000)
        #expect(minutes.count == 750)
        let expectedBars: [(CandleInterval, Int)] = [(.fiveMinutes, 150), (.fifteenMinutes, 50), (.oneHour, 14)]
        for (interval, count) in expectedBars {
            let bars = hub.candles(for: "RELIANCE", interval: interval, limit: 10_000)
            #expect(bars.count == count, "\(interval)")
            #expect(bars.allSatisfy { $0.time == interval.bucketStart(for: $0.time) && $0.isWellFormed })
            #expect(bars.map(\.volume).reduce(0, +) == minutes.map(\.volume).reduce(0, +))
            #expect(bars.last?.close == minutes.last?.close)
            #expect(bars.map(\.high).max() == minutes.map(\.high).max())
        }
        // The 09:15 session start falls in the 09:00 hour bar.
        let hours = hub.candles(for: "RELIANCE", interval: .oneHour, limit: 7)
        #expect(hours.map { IST.secondsIntoDay($0.time) / 3_600 } == Array(9...15))
    }

    @Test func dailyHistoryMatchesTheMinuteHistoryWhereTheyOverlap() throws {
        let hub = makeHub()
        let daily = hub.candles(for: "TCS", interval: .oneDay, limit: 10_000)
        #expect(daily.count == 250)
        #expect(daily.last?.close == stocks[1].referencePrice)
        let minutes = hub.candles(for: "TCS", interval: .oneMinute, limit: 10_000)
        let sessions = Dictionary(grouping: minutes) { CandleInterval.oneDay.bucketStart(for: $0.time) }
        for bar in daily.suffix(2) {
            let session = try #require(sessions[bar.time])
            #expect(bar.high == session.map(\.high).max())
            #expect(bar.low == session.map(\.low).min())
            #expect(bar.open == session.first?.open && bar.close == session.last?.close)
        }
    }

    @Test func limitIsHonoured() {
        let hub = makeHub()
        let all = hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 10_000)
        let last10 = hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 10)
        #expect(last10.count == 10)
        #expect(last10 == Array(all.suffix(10)))
        #expect(hub.candles(for: "RELIANCE", interval: .oneDay, limit: 1).count == 1)
        #expect(hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 0).isEmpty)
        #expect(hub.candles(for: "RELIANCE", interval: .oneMinute, limit: -5).isEmpty)
        #expect(hub.candles(for: "INFY", interval: .oneMinute, limit: 10).isEmpty)
    }

    @Test func seriesAreBoundedDroppingTheOldestBars() {
        let hub = makeHub(maxBars: 100)
        #expect(hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 10_000).count == 100)
        for minute in 0..<500 {
            hub.ingest(tick(rupees: 1_364 + Double(minute % 7), at: now.addingTimeInterval(Double(minute) * 60)))
        }
        let bars = hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 10_000)
        #expect(bars.count == 100)
        #expect(bars.first?.time == now.addingTimeInterval(400 * 60))
        #expect(bars.last?.time == now.addingTimeInterval(499 * 60))
        #expect(zip(bars, bars.dropFirst()).allSatisfy { $0.time < $1.time })
    }

    @Test func unknownSymbolsAreIgnored() {
        let hub = makeHub()
        let before = hub.sequencedQuotes()
        hub.ingest(tick("INFY", rupees: 1_500, at: now.addingTimeInterval(1)))
        #expect(hub.sequencedQuotes() == before)
        #expect(hub.sequence(for: "INFY") == 0)
        #expect(hub.lastTickTime == nil)
    }

    @Test func sequenceCountsTicksPerSymbol() {
        let hub = makeHub()
        #expect(hub.sequence(for: "RELIANCE") == 0)
        hub.ingest(tick(rupees: 1_365, at: now.addingTimeInterval(1)))
        #expect(hub.sequence(for: "RELIANCE") == 1)
        hub.ingest(tick(rupees: 1_365, at: now.addingTimeInterval(2)))
        hub.ingest(tick("TCS", rupees: 2_890, at: now.addingTimeInterval(2)))
        #expect(hub.sequence(for: "RELIANCE") == 2)
        #expect(hub.sequence(for: "TCS") == 1)
        #expect(hub.sequence(for: "TATASTEEL") == 0)
        #expect(hub.sequencedQuotes().map(\.sequence) == [2, 1, 0])
        hub.ingest(contentsOf: [tick(rupees: 1_366, at: now.addingTimeInterval(3)),
                                tick("TATASTEEL", rupees: 169, at: now.addingTimeInterval(3))])
        #expect(hub.sequencedQuotes().map(\.sequence) == [3, 1, 1])
        #expect(hub.quote(for: "TATASTEEL")?.lastPrice == rs(169))
    }

    @Test func aNewISTDayRollsTheQuoteOver() throws {
        let hub = makeHub()
        hub.ingest(tick(rupees: 1_380, volume: 500, at: now.addingTimeInterval(60)))
        let tomorrow = IST.date(2025, 10, 2, 9, 15, 1)
        hub.ingest(tick(rupees: 1_390, volume: 7, at: tomorrow))
        let quote = try #require(hub.quote(for: "RELIANCE"))
        #expect(quote.previousClose == rs(1_380))
        #expect(quote.open == rs(1_390) && quote.high == quote.open && quote.low == quote.open)
        #expect(quote.volume == 7)
        let days = hub.candles(for: "RELIANCE", interval: .oneDay, limit: 2)
        #expect(days.map(\.time) == [IST.date(2025, 10, 1), IST.date(2025, 10, 2)])
        #expect(days.map(\.volume) == [500, 7])
    }

    @Test func aLateTickUpdatesTheQuoteButNotClosedBars() {
        let hub = makeHub()
        hub.ingest(tick(rupees: 1_370, at: now.addingTimeInterval(120)))
        let before = hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 5)
        hub.ingest(tick(rupees: 1_300, at: now.addingTimeInterval(10)))
        #expect(hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 5) == before)
        #expect(hub.sequence(for: "RELIANCE") == 2)
    }

    @Test func sameSeedGivesTheSameCharts() {
        let a = makeHub()
        let b = makeHub()
        for interval in CandleInterval.allCases {
            #expect(a.candles(for: "TATASTEEL", interval: interval, limit: 3_000)
                == b.candles(for: "TATASTEEL", interval: interval, limit: 3_000))
        }
    }

    @Test func concurrentIngestLosesNothing() async {
        let hub = makeHub()
        let start = now
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<1_000 {
                        let symbol: Symbol = worker.isMultiple(of: 2) ? "RELIANCE" : "TCS"
                        hub.ingest(Tick(symbol: symbol, price: Money(paise: 136_400), volume: 3,
                                        time: start.addingTimeInterval(Double(index) * 0.01)))
                        _ = hub.quotes()
                    }
                }
            }
        }
        #expect(hub.sequence(for: "RELIANCE") == 4_000)
        #expect(hub.sequence(for: "TCS") == 4_000)
        #expect(hub.quote(for: "RELIANCE")?.volume == 12_000)
        let minuteVolume = hub.candles(for: "TCS", interval: .oneMinute, limit: 1).first?.volume
        #expect(minuteVolume == 12_000)
    }

    @Test func catalogueHubWithFeedTicks() {
        let hub = MarketHub(stocks: NiftyCatalogue.all, seed: 1, now: now)
        var market = SimulatedMarket(stocks: NiftyCatalogue.all, seed: 1)
        var count = 0
        for step in 0..<400 {
            let ticks = market.step(at: now.addingTimeInterval(Double(step) * 0.25))
            count += ticks.count
            hub.ingest(contentsOf: ticks)
        }
        let quotes = hub.quotes()
        #expect(quotes.count == 50)
        #expect(hub.sequencedQuotes().map(\.sequence).reduce(0, +) == UInt64(count))
        for quote in quotes {
            #expect(quote.lastPrice == market.price(for: quote.symbol))
        }
    }
}
