import FakeVenues
import Foundation
import Synchronization
import Testing
import TradingCore
@testable import Yahoo

/// Yahoo's chart API against the fake over loopback: bars decoded with null bars skipped and prices on the ₹0.05
/// grid, the documented failures, the request rate, and the polling feed's ticks.
@Suite("Yahoo chart client and polling feed", .serialized)
struct YahooTests {
    static let day = Date(timeIntervalSince1970: 1_796_009_400) // 2026-11-30 10:00 IST

    static let series = FakeYahoo.Series(
        daily: [(day.addingTimeInterval(-86_400), 2_300.0, 2_320.550048828125, 2_290.0, 2_312.550048828125, 1_000_000),
                (day, 2_312.5, 2_330.0, 2_305.0999755859375, 2_325.0, 900_000)],
        minutes: [(day, 2_325.0, 2_326.0, 2_324.0, 2_325.5, 1_000), (day.addingTimeInterval(60), nil, nil, nil, nil, nil),
                  (day.addingTimeInterval(120), 2_325.5, 2_327.0500488, 2_325.0, 2_326.949951171875, 2_000)],
        lastPrice: 2_326.949951171875, lastPriceTime: day.addingTimeInterval(150))

    func withFake(maxPerSecond: Int? = nil, rate: Double = 50,
                  _ body: (FakeYahoo, YahooChartClient) async throws -> Void) async throws {
        let fake = try await FakeYahoo.start(series: ["RELIANCE": Self.series], maxPerSecond: maxPerSecond)
        let client = YahooChartClient(http: .shared, configuration: .init(baseURL: fake.baseURL, maxRequestsPerSecond: rate))
        do {
            try await body(fake, client)
        } catch {
            await fake.shutdown()
            throw error
        }
        await fake.shutdown()
    }

    @Test("bars decode on the ₹0.05 grid, null bars are skipped, the latest price comes with its time")
    func decodes() async throws {
        try await withFake { fake, client in
            let minutes = try await client.chart("RELIANCE", interval: "1m", span: .range("1d"))
            #expect(minutes.bars.map(\.time) == [Self.day, Self.day.addingTimeInterval(120)], "the null bar is skipped")
            #expect(minutes.bars.last?.high == Money(paise: 2_327_05))
            #expect(minutes.bars.last?.close == Money(paise: 2_326_95))
            #expect(minutes.lastPrice == Money(paise: 2_326_95))
            #expect(minutes.lastPriceTime == Self.day.addingTimeInterval(150))
            let daily = try await client.chart("RELIANCE", interval: "1d", span: .range("2y"))
            #expect(daily.bars.first?.close == Money(paise: 2_312_55))
            #expect(daily.bars.last?.low == Money(paise: 2_305_10))
            let request = try #require(fake.requests.first)
            #expect(request.hasPrefix("/v8/finance/chart/RELIANCE.NS?") && request.contains("interval=1m"))
        }
    }

    @Test("an unknown symbol, a bad interval, a rate limit and an outage page each fail as what they are")
    func failures() async throws {
        try await withFake { fake, client in
            await #expect(throws: YahooFailure.notFound("No data found, symbol may be delisted")) {
                try await client.chart("NOSUCH", interval: "1d", span: .range("1y"))
            }
            await #expect {
                try await client.chart("RELIANCE", interval: "5h", span: .range("1y"))
            } throws: { error in
                guard case .refused(400, let text) = error as? YahooFailure else { return false }
                return text.contains("interval=5h")
            }
            fake.rateLimitNext(1)
            await #expect(throws: YahooFailure.rateLimited) { try await client.chart("RELIANCE", interval: "1d", span: .range("1y")) }
            fake.setOutage(true)
            await #expect(throws: YahooFailure.unavailable("outage page (Will be right back)")) {
                try await client.chart("RELIANCE", interval: "1d", span: .range("1y"))
            }
        }
    }

    @Test("requests keep to the configured rate: six at 4 a second take 1.25 s, and none meets a 5-a-second limit")
    func rate() async throws {
        try await withFake(maxPerSecond: 5, rate: 4) { _, client in
            let started = ContinuousClock.now
            for _ in 0..<6 { _ = try await client.chart("RELIANCE", interval: "1d", span: .range("1y")) }
            #expect(ContinuousClock.now - started >= .milliseconds(1_200))
        }
    }

    @Test("the polling feed ticks when a symbol's price time moves, declares a lifetime of three rounds, and is live")
    func feed() async throws {
        try await withFake { fake, client in
            let feed = YahooQuoteFeed(client: client, symbols: ["RELIANCE"])
            #expect(feed.quoteLifetime == 30, "one symbol at 50 a second: the 30-second floor")
            let ticks = Mutex<[Tick]>([])
            let consumer = Task { for await tick in feed.ticks() { ticks.withLock { $0.append(tick) } } }
            defer { consumer.cancel() }
            let deadline = ContinuousClock.now + .seconds(10)
            while ticks.withLock({ $0.isEmpty }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(ticks.withLock { $0 } == [Tick(symbol: "RELIANCE", price: Money(paise: 2_326_95), volume: 0,
                                                   time: Self.day.addingTimeInterval(150))])
            #expect(feed.health?.state == .live)
            try await Task.sleep(for: .milliseconds(200))
            #expect(ticks.withLock { $0.count } == 1, "the same price time is not a new tick")
            fake.update("RELIANCE") { series in
                series.lastPrice = 2_330.1
                series.lastPriceTime = Self.day.addingTimeInterval(210)
            }
            while ticks.withLock({ $0.count }) < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(ticks.withLock { $0.last?.price } == Money(paise: 2_330_10))
        }
    }

    @Test("history: two years of daily bars stamped at IST midnight, and the week's minutes")
    func history() async throws {
        try await withFake { _, client in
            let bars = try await YahooHistory(client: client).bars(for: "RELIANCE")
            let daily = try #require(bars.first { $0.0 == .oneDay }?.1)
            #expect(daily.map(\.time) == [CandleInterval.oneDay.bucketStart(for: Self.day.addingTimeInterval(-86_400)),
                                          CandleInterval.oneDay.bucketStart(for: Self.day)])
            #expect(bars.first { $0.0 == .oneMinute }?.1.count == 2)
        }
    }
}
