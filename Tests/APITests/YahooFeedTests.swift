@testable import API
import FakeVenues
import Foundation
import Persistence
import Testing
import TradingCore

/// The server on `MARKET_FEED=yahoo` against the fake Yahoo: charts show Yahoo's history bar for bar (stored in the
/// candle store too), and a polled quote fires a rule like any other tick.
@Suite("Yahoo feed in the server", .serialized)
struct YahooFeedTests {
    @Test("charts show the fake's history bar for bar, and a polled quote fires a rule into the cart")
    func historyAndQuotes() async throws {
        let now = Date()
        let today = CandleInterval.oneDay.bucketStart(for: now)
        let open = today.addingTimeInterval(9 * 3_600 + 15 * 60 - 19_800) // 09:15 IST, as Yahoo stamps daily bars
        let series = FakeYahoo.Series(
            daily: [(open.addingTimeInterval(-2 * 86_400), 2_280.0, 2_301.1500244140625, 2_275.0, 2_299.949951171875, 800_000),
                    (open.addingTimeInterval(-86_400), 2_300.0, 2_320.550048828125, 2_290.0, 2_312.550048828125, 1_000_000),
                    (open, 2_312.5, nil, nil, nil, nil)],
            minutes: [], lastPrice: 2_310.0, lastPriceTime: now)
        let fake = try await FakeYahoo.start(series: ["RELIANCE": series])
        do {
            try await withTestApp(configuredFeed: true, configure: { config in
                config.feed = .yahoo
                config.tradingHours = .always
                config.yahooURL = fake.baseURL
                config.yahooRequestsPerSecond = 100
            }) { app in
                let user = try await app.register()
                _ = try await app.createRule(user.token, symbol: "RELIANCE", min: 2_320, max: 2_330)
                // Yahoo's next price (a later price time) is inside the range: the next poll ticks it.
                fake.update("RELIANCE") { series in
                    series.lastPrice = 2_326.949951171875
                    series.lastPriceTime = Date()
                }
                #expect(await eventually { (try? await app.cart(user.token).count) == 1 })
                #expect(try await app.cart(user.token).first?["added_price"] as? Double == 2_326.95)

                let expected = [
                    Candle(time: CandleInterval.oneDay.bucketStart(for: open.addingTimeInterval(-2 * 86_400)),
                           open: Money(paise: 2_280_00), high: Money(paise: 2_301_15), low: Money(paise: 2_275_00),
                           close: Money(paise: 2_299_95), volume: 800_000),
                    Candle(time: CandleInterval.oneDay.bucketStart(for: open.addingTimeInterval(-86_400)),
                           open: Money(paise: 2_300_00), high: Money(paise: 2_320_55), low: Money(paise: 2_290_00),
                           close: Money(paise: 2_312_55), volume: 1_000_000),
                ]
                #expect(await eventually {
                    Array(app.services.hub.candles(for: "RELIANCE", interval: .oneDay, limit: 10).prefix(2)) == expected
                }, "\(app.services.hub.candles(for: "RELIANCE", interval: .oneDay, limit: 10))")
                let stored = try await CandleStore(database: app.app.db).latest(symbol: "RELIANCE", interval: .oneDay, limit: 10)
                // The history is stored bar for bar. Yahoo's bar for today is a null bar (an open and nothing else):
                // it is never stored as it stands. A bar for today may be stored once the polled prices have built
                // one (the candle job saves the bars that changed; whether it has yet depends on the hour), and then
                // it is the prices' bar, opening at the first polled price, not the null bar's open.
                #expect(stored.filter { $0.time < today } == expected, "\(stored)")
                #expect(stored.allSatisfy { $0.time < today || $0.open != Money(paise: 2_312_50) },
                        "the null bar is not stored: \(stored)")
                let chart = try await app.send(.GET, "/api/stocks/RELIANCE/candles?interval=1d&limit=10", token: user.token)
                #expect(chart.status == .ok, "\(chart.text)")

                let ready = try await app.send(.GET, "/readyz")
                #expect(ready["feed_state"] as? String == "live", "\(ready.text)")
                #expect(ready["feed"] as? String == "yahoo: ok")
            }
        } catch {
            await fake.shutdown()
            throw error
        }
        await fake.shutdown()
    }
}
