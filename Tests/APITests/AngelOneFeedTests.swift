@testable import API
import AngelOne
import FakeVenues
import Foundation
import Testing
import TradingCore

/// The whole server on `MARKET_FEED=angelone`, against the fake SmartAPI and SmartStream over loopback: the feed's
/// system account logs in with a TOTP the fake checks, the instrument master maps the catalogue to tokens, and
/// SmartStream frames drive prices, rules and carts exactly as the simulator's ticks do.
@Suite("Angel One market feed in the server", .serialized)
struct AngelOneFeedTests {
    static let account = FakeSmartAPI.Account(apiKey: "feed-key", clientCode: "F100", pin: "1111",
                                              totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    static let listed = [FakeSmartAPI.ListedInstrument(symbol: "RELIANCE", token: "2885"),
                         FakeSmartAPI.ListedInstrument(symbol: "TCS", token: "11536")]

    /// Runs `body` with both fakes up and a server configured to use them.
    func withAngelOneServer(tradingHours: TradingHours = .always, clock: (any TimeSource)? = nil, pin: String = "1111",
                            masterDown: Bool = false, _ body: (TestApp, FakeSmartAPI, FakeSmartStream) async throws -> Void) async throws {
        let api = try await FakeSmartAPI.start(accounts: [Self.account], loginInterval: nil, instruments: Self.listed)
        let stream = try await FakeSmartStream.start(sessionsOf: api)
        api.failInstrumentMaster(masterDown)
        do {
            try await withTestApp(configuredFeed: true, clock: clock, configure: { config in
                config.feed = .angelone
                config.tradingHours = tradingHours
                config.angelOne.apiURL = api.baseURL
                config.angelOne.streamURL = stream.url
                config.angelOne.instrumentsURL = api.instrumentsURL
                config.angelOne.feedAccount = AngelOneCredentials(
                    apiKey: Self.account.apiKey, clientCode: Self.account.clientCode, pin: pin,
                    totp: try! TOTP(base32Secret: Self.account.totpSecret))
            }) { app in
                try await body(app, api, stream)
            }
        } catch {
            await stream.shutdown()
            await api.shutdown()
            throw error
        }
        await stream.shutdown()
        await api.shutdown()
    }

    static func quote(token: String, paise: Int64, at time: Date = Date()) -> [UInt8] {
        var packet = SmartStreamPacket(mode: .quote, exchangeType: 1, token: token, sequenceNumber: 1,
                                       exchangeTimestamp: Int64(time.timeIntervalSince1970 * 1_000),
                                       lastTradedPrice: paise)
        packet.quote = .init(lastTradedQuantity: 5, averageTradedPrice: paise, volume: 1_000, totalBuyQuantity: 1,
                             totalSellQuantity: 1, open: paise, high: paise, low: paise, close: paise)
        return SmartStreamEncoder.encode(packet)
    }

    @Test("a SmartStream tick moves the price and fires a user's rule into their cart; readiness says the feed is live")
    func tickFiresRule() async throws {
        try await withAngelOneServer { app, api, stream in
            #expect(await eventually { stream.subscriptions.count == 1 })
            #expect(api.loginAttempts == 1, "the feed's account logged in once")
            let subscription = try #require(stream.subscriptions.first)
            #expect(subscription.contains("\"2885\"") && subscription.contains("\"11536\""))
            #expect(!subscription.contains("500325"), "the BSE row is not an NSE equity")

            // A real feed's charts hold real bars only: none before the first tick.
            #expect(app.services.hub.candles(for: "RELIANCE", interval: .oneDay, limit: 10).isEmpty)
            let user = try await app.register()
            _ = try await app.createRule(user.token, symbol: "RELIANCE", min: 2_740, max: 2_760)
            stream.broadcast(Self.quote(token: "2885", paise: 2_750_05))
            #expect(await eventually { (try? await app.cart(user.token).count) == 1 })
            #expect(app.price("RELIANCE") == 2_750.05)
            #expect(app.services.hub.candles(for: "RELIANCE", interval: .oneMinute, limit: 10).map(\.close)
                        == [Money(paise: 2_750_05)])
            let item = try #require(try await app.cart(user.token).first)
            #expect(item["added_price"] as? Double == 2_750.05)
            #expect(item["auto_added"] as? Bool == true)

            let ready = try await app.send(.GET, "/readyz")
            #expect(ready.status == .ok, "\(ready.text)")
            #expect(ready["feed_state"] as? String == "live")
            #expect(ready["feed"] as? String == "angelone: ok")
            #expect(ready["market_open"] as? Bool == true)
        }
    }

    @Test("garbage and truncated frames are counted by reason in /metrics and skipped; the next good frame still counts")
    func badFramesCounted() async throws {
        try await withAngelOneServer { app, _, stream in
            #expect(await eventually { stream.subscriptions.count == 1 })
            let good = Self.quote(token: "11536", paise: 3_900_00)
            var unknownMode = good
            unknownMode[0] = 9
            stream.broadcast(unknownMode)
            stream.broadcast(Array(good.prefix(60)))
            stream.broadcast(good)
            #expect(await eventually { app.services.hub.quote(for: "TCS")?.lastPrice == Money(paise: 3_900_00) })
            let metrics = try await app.send(.GET, "/metrics").text
            let lines = metrics.split(separator: "\n").filter { $0.hasPrefix("stockcart_feed_bad_frames_total{") }
            #expect(lines.count == 2, "\(lines)")
            #expect(lines.allSatisfy { $0.hasSuffix(" 1") }, "\(lines)")
            #expect(metrics.contains("stockcart_feed_up 1"))
        }
    }

    @Test("outside NSE hours a real feed's tick shows on the dashboard but fires no rule")
    func closedMarket() async throws {
        // The last Sunday 12:00 IST before now (within the login token's week); the tick is stamped then too, so it
        // is fresh but the market is shut.
        let knownSunday = 1_736_058_600.0 // 2025-01-05 12:00 IST
        let weeks = ((Date().timeIntervalSince1970 - knownSunday) / (7 * 86_400)).rounded(.down)
        let sunday = Date(timeIntervalSince1970: knownSunday + weeks * 7 * 86_400)
        try await withAngelOneServer(tradingHours: .nse, clock: FixedClock(instant: sunday)) { app, _, stream in
            #expect(await eventually { stream.subscriptions.count == 1 })
            let user = try await app.register()
            _ = try await app.createRule(user.token, symbol: "RELIANCE", min: 2_740, max: 2_760)
            stream.broadcast(Self.quote(token: "2885", paise: 2_750_00, at: sunday))
            #expect(await eventually { app.services.hub.quote(for: "RELIANCE")?.lastPrice == Money(paise: 2_750_00) })
            #expect(await eventually {
                (try? await app.send(.GET, "/metrics").text.contains("stockcart_ticks_outside_session_total 1")) == true
            })
            #expect(try await app.cart(user.token).isEmpty)
            #expect(try await app.send(.GET, "/readyz")["market_open"] as? Bool == false)
        }
    }

    @Test("a feed account the broker refuses leaves the server up but not ready, saying why and hiding the PIN")
    func refusedAccount() async throws {
        try await withAngelOneServer(pin: "9999") { app, api, stream in
            #expect(await eventually { api.loginAttempts >= 1 })
            let ready = try await app.send(.GET, "/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(await eventually {
                (try? await app.send(.GET, "/readyz"))?["feed_error"].map { "\($0)".contains("AB1007") } == true
            })
            #expect(!ready.text.contains("9999"))
            #expect(stream.upgrades == 0)
            try await Task.sleep(for: .seconds(2))
            #expect(api.loginAttempts == 1, "a refused account is not retried on every reconnect")
        }
    }

    @Test("with no instrument master to download and none cached, start-up stops saying so")
    func noInstrumentMaster() async throws {
        do {
            try await withAngelOneServer(masterDown: true) { _, _, _ in
                Issue.record("the server started without an instrument master")
            }
        } catch {
            #expect("\(error)".contains("MARKET_FEED=angelone"), "\(error)")
            #expect("\(error)".contains("instrument master could not be downloaded"), "\(error)")
        }
    }
}
