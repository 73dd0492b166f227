@testable import AngelOne
import FakeVenues
import Foundation
import Synchronization
import Testing
import TradingCore

/// The live feed against the fake SmartStream over loopback: headers, subscription, ticks paise-exact, bad frames
/// counted and skipped, reconnection after a drop or a silence, refusal reasons.
@Suite("SmartStream feed: ticks, bad frames, heartbeat, reconnects")
struct SmartStreamFeedTests {
    static let expected = FakeSmartStream.Expected(jwt: "jwt-1", apiKey: "key-1", clientCode: "A123", feedToken: "feed-1")
    static let instruments: [(symbol: Symbol, instrument: Instrument)] = [
        ("RELIANCE", Instrument(token: "2885", tradingSymbol: "RELIANCE-EQ", name: "RELIANCE", exchange: "NSE",
                                instrumentType: "", lotSize: 1, tickSizePaise: 5)),
        ("SBIN", Instrument(token: "3045", tradingSymbol: "SBIN-EQ", name: "SBIN", exchange: "NSE", instrumentType: "",
                            lotSize: 1, tickSizePaise: 5)),
    ]

    /// Collects what a feed yields, in order.
    final class Collected: Sendable {
        let ticks = Mutex<[Tick]>([])
        var count: Int { ticks.withLock { $0.count } }
        var all: [Tick] { ticks.withLock { $0 } }
    }

    /// Runs `body` with a fake server, a feed pointed at it (quick heartbeats and backoff), and its ticks collected.
    func withFeed(feedToken: String = "feed-1", heartbeat: Duration = .seconds(25), silenceLimit: Duration = .seconds(60),
                  _ body: (FakeSmartStream, SmartStreamFeed, Collected) async throws -> Void) async throws {
        let fake = try await FakeSmartStream.start(expecting: Self.expected)
        let feed = try SmartStreamFeed(
            configuration: .init(url: fake.url, heartbeat: heartbeat, silenceLimit: silenceLimit,
                                 initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(200)),
            instruments: Self.instruments,
            credentials: { _ in .init(jwt: "jwt-1", apiKey: "key-1", clientCode: "A123", feedToken: feedToken) })
        let collected = Collected()
        let consumer = Task {
            for await tick in feed.ticks() { collected.ticks.withLock { $0.append(tick) } }
        }
        do {
            try await body(fake, feed, collected)
        } catch {
            consumer.cancel()
            await fake.shutdown()
            throw error
        }
        consumer.cancel()
        await fake.shutdown()
    }

    /// Waits up to a minute: the whole suite runs in parallel on two cores, where the feed's own tasks can wait
    /// many seconds for a thread (a CI run once saw a 5 s silence limit take longer than 20 s to act).
    func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    static func quote(token: String, paise: Int64, quantity: Int64 = 7, at milliseconds: Int64 = 1_764_490_000_123)
        -> [UInt8] {
        var packet = SmartStreamPacket(mode: .quote, exchangeType: 1, token: token, sequenceNumber: 1,
                                       exchangeTimestamp: milliseconds, lastTradedPrice: paise)
        packet.quote = .init(lastTradedQuantity: quantity, averageTradedPrice: paise, volume: 1_000,
                             totalBuyQuantity: 1, totalSellQuantity: 1, open: paise, high: paise, low: paise, close: paise)
        return SmartStreamEncoder.encode(packet)
    }

    @Test("it connects with the four headers, subscribes the catalogue in QUOTE mode, and turns frames into ticks")
    func ticksFlow() async throws {
        try await withFeed { fake, feed, collected in
            #expect(await eventually { fake.subscriptions.count == 1 })
            let subscription = try #require(JSONSerialization.jsonObject(with: Data(fake.subscriptions[0].utf8)) as? [String: Any])
            #expect(subscription["action"] as? Int == 1)
            let params = try #require(subscription["params"] as? [String: Any])
            #expect(params["mode"] as? Int == 2)
            let list = try #require(params["tokenList"] as? [[String: Any]])
            #expect(list.count == 1 && list[0]["exchangeType"] as? Int == 1)
            #expect(list[0]["tokens"] as? [String] == ["2885", "3045"])
            #expect(await eventually { feed.status.state == .live })

            fake.broadcast(Self.quote(token: "2885", paise: 250_005, quantity: 12))
            fake.broadcast(Self.quote(token: "3045", paise: 81_235))
            #expect(await eventually { collected.count == 2 })
            #expect(collected.all == [
                Tick(symbol: "RELIANCE", price: Money(paise: 250_005), volume: 12,
                     time: Date(timeIntervalSince1970: 1_764_490_000.123)),
                Tick(symbol: "SBIN", price: Money(paise: 81_235), volume: 7,
                     time: Date(timeIntervalSince1970: 1_764_490_000.123)),
            ])
        }
    }

    @Test("garbage, truncated and unknown frames are counted by reason and skipped; the next good frame still arrives")
    func badFrames() async throws {
        try await withFeed { fake, feed, collected in
            #expect(await eventually { fake.subscriptions.count == 1 })
            let good = Self.quote(token: "2885", paise: 250_005)
            fake.broadcast([9, 1, 2, 3])                 // no such mode
            fake.broadcast(Array(good.prefix(60)))       // a QUOTE frame cut short
            fake.broadcast(Self.quote(token: "999999", paise: 1)) // a token this feed did not subscribe
            fake.broadcast(text: #"{"correlationID":"x","errorCode":"E1002","errorMessage":"Invalid Request. Subscription Limit Exceeded"}"#)
            fake.broadcast(good)
            #expect(await eventually { collected.count == 1 })
            #expect(collected.all.first?.price == Money(paise: 250_005))
            let health = feed.status
            #expect(health.badFrames == ["unknown_mode": 1, "truncated": 1])
            #expect(health.unknownInstruments == 1)
            #expect(health.lastError?.contains("E1002") == true)
            #expect(health.state == .live)
        }
    }

    @Test("when the server drops the connection the feed reconnects, subscribes again and ticks resume")
    func reconnects() async throws {
        try await withFeed { fake, feed, collected in
            #expect(await eventually { fake.subscriptions.count == 1 })
            fake.dropAll()
            #expect(await eventually { fake.upgrades == 2 && fake.subscriptions.count == 2 }, "\(feed.status)")
            #expect(Set(fake.subscriptions).count == 1, "the same subscription again")
            #expect(await eventually { feed.status.state == .live })
            #expect(feed.status.reconnects == 1)
            fake.broadcast(Self.quote(token: "3045", paise: 81_240))
            #expect(await eventually { collected.count == 1 })
        }
    }

    @Test("a refused connection reports SmartStream's reason and keeps retrying with backoff")
    func refused() async throws {
        try await withFeed(feedToken: "wrong") { fake, feed, collected in
            #expect(await eventually { fake.refusals >= 2 }, "\(feed.status)")
            #expect(fake.upgrades == 0)
            #expect(feed.status.state != .live)
            #expect(feed.status.lastError?.contains("Invalid Feed Token") == true)
            #expect(collected.count == 0)
        }
    }

    @Test("it pings on its heartbeat, and a connection silent past the limit is replaced")
    func heartbeatAndSilence() async throws {
        // A silence limit well above the heartbeat, so a loaded machine's pauses do not count as a dead feed.
        try await withFeed(heartbeat: .milliseconds(150), silenceLimit: .seconds(5)) { fake, feed, _ in
            #expect(await eventually { fake.pings >= 3 })
            #expect(fake.upgrades == 1, "answered pings keep the connection")
            fake.answerPings(false)
            #expect(await eventually { fake.upgrades >= 2 })
            #expect(feed.status.reconnects >= 1)
            #expect(feed.status.lastDisconnect?.contains("silent") == true, "\(String(describing: feed.status.lastDisconnect))")
        }
    }

    @Test("more than SmartStream's 1,000 subscriptions is refused up front")
    func tooMany() {
        let many = (0..<1_001).map { (exchangeType: UInt8(1), token: "\($0)") }
        #expect(throws: SmartStreamSubscription.TooMany.self) { try SmartStreamSubscription(mode: .quote, instruments: many) }
        #expect((try? SmartStreamSubscription(mode: .quote, instruments: Array(many.prefix(1_000)) + [many[0]])) != nil,
                "repeats count once")
    }

    @Test("backoff doubles from the first delay up to the cap, with at most a quarter of jitter")
    func backoff() throws {
        let feed = try SmartStreamFeed(
            configuration: .init(url: "ws://127.0.0.1:1/smart-stream", initialBackoff: .seconds(1), maxBackoff: .seconds(60)),
            instruments: [], credentials: { _ in throw CancellationError() })
        for (failures, base) in [(1, 1), (2, 2), (3, 4), (7, 60), (40, 60)] {
            let delay = feed.backoff(after: failures)
            #expect(delay >= .seconds(base) && delay <= .seconds(Double(base) * 1.25), "after \(failures): \(delay)")
        }
    }
}
