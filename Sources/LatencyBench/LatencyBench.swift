// Tick-to-WebSocket latency of the automation path, end to end through the real server:
//
//   tick pushed into the engine's feed → rule book fires → firing + cart item committed to the database →
//   `cart.added` published → sent over a loopback WebSocket → received and parsed by the client.
//
// The server is the real `configure(...)` app (SQLite file in a temporary directory by default, or PostgreSQL with
// --database-url), started on an ephemeral loopback port; the client is a real WebSocket client. Each sample arms a
// fresh single-price rule over HTTP (not timed), then times from just before the tick is pushed to the moment the
// client has decoded the matching `cart.added`. Samples run one at a time, so this measures latency, not throughput.
//
// With --feed smartstream the tick instead arrives as a SmartStream QUOTE frame from a fake SmartStream server on
// loopback (the real Angel One feed decodes it: `MARKET_FEED=angelone` against the fake SmartAPI and SmartStream), and
// the time runs from the frame being sent to `cart.added` at the client.
//
// Usage: latency-bench [--samples N] [--warmup N] [--database-url postgres://…] [--feed push|smartstream]
import AngelOne
import API
import FakeVenues
import Foundation
import MarketData
import NIOCore
import Persistence
import Synchronization
import TradingCore
import Vapor
import WebSocketKit

struct Options {
    var samples = 500
    var warmup = 50
    var databaseURL: String?
    var smartStream = false

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            switch flag {
            case "--samples": samples = Int(iterator.next() ?? "") ?? -1
            case "--warmup": warmup = Int(iterator.next() ?? "") ?? -1
            case "--database-url": databaseURL = iterator.next()
            case "--feed":
                switch iterator.next() {
                case "push": smartStream = false
                case "smartstream": smartStream = true
                default: throw BenchError.usage("--feed is push or smartstream")
                }
            default: throw BenchError.usage("unknown flag \(flag)")
            }
        }
        guard samples > 0, warmup >= 0 else { throw BenchError.usage("--samples must be > 0, --warmup ≥ 0") }
    }
}

enum BenchError: Error { case usage(String), setup(String) }

/// Receives `cart.added` messages and hands each rule id's arrival instant to whoever waits for it.
final class Arrivals: Sendable {
    private let state = Mutex<(arrived: [String: ContinuousClock.Instant],
                               waiting: [String: CheckedContinuation<ContinuousClock.Instant, Never>])>(([:], [:]))

    func received(_ text: String) {
        let now = ContinuousClock.now
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              object["type"] as? String == "cart.added",
              let item = object["item"] as? [String: Any], let rule = item["rule_id"] as? String
        else { return }
        let key = rule.lowercased()
        let waiter = state.withLock { state -> CheckedContinuation<ContinuousClock.Instant, Never>? in
            if let waiter = state.waiting.removeValue(forKey: key) { return waiter }
            state.arrived[key] = now
            return nil
        }
        waiter?.resume(returning: now)
    }

    func arrival(of rule: String) async -> ContinuousClock.Instant {
        let key = rule.lowercased()
        return await withCheckedContinuation { continuation in
            let early = state.withLock { state -> ContinuousClock.Instant? in
                if let instant = state.arrived.removeValue(forKey: key) { return instant }
                state.waiting[key] = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }
    }
}

func post(_ app: Application, _ url: String, token: String?, json: [String: Any]) async throws -> [String: Any] {
    var headers = HTTPHeaders([("Content-Type", "application/json")])
    if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
    let body = try JSONSerialization.data(withJSONObject: json)
    let response = try await app.client.post(URI(string: url), headers: headers) { request in
        request.body = ByteBuffer(data: body)
    }
    guard (200..<300).contains(response.status.code), let buffer = response.body,
          let object = try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]
    else { throw BenchError.setup("POST \(url) answered \(response.status)") }
    return object
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
    return sorted[min(sorted.count - 1, max(0, rank))]
}

/// The benchmark's entry point (a type, so the whole run is one async function).
@main
struct LatencyBench {
    static func main() async throws {
        let options = try Options(CommandLine.arguments)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("latency-bench-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var config = AppConfig()
        config.dataDirectory = directory
        config.bcryptCost = 4
        config.jwtSecret = String(repeating: "b", count: 40)
        config.maxRulesPerUser = 1_000_000
        config.apiRateLimit = 100_000 // one user seeds and drives the run: the per-user limit is not what is measured
        config.apiRateBurst = 1_000_000
        config.databaseURL = options.databaseURL
        // Steady state: not the first start's one-off background write of ~200,000 synthetic bars, which would
        // compete with the commits measured here for its first ten seconds or so.
        config.storeSyntheticHistory = false
        let environment = Environment(name: "production", arguments: ["latency-bench"])
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let app = try await Application.make(environment)
        let feed = PushFeed(name: "bench")
        let database: DatabaseSetup.Target? = options.databaseURL == nil ? .sqliteFile(path: directory + "/bench.sqlite") : nil
        var venues: (api: FakeSmartAPI, stream: FakeSmartStream)?
        if options.smartStream {
            let account = FakeSmartAPI.Account(apiKey: "bench-key", clientCode: "B1", pin: "1234",
                                               totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
            let api = try await FakeSmartAPI.start(accounts: [account], loginInterval: nil,
                                                   instruments: [.init(symbol: "RELIANCE", token: "2885")])
            let stream = try await FakeSmartStream.start(sessionsOf: api)
            venues = (api, stream)
            config.feed = .angelone
            config.tradingHours = .always
            config.angelOne.apiURL = api.baseURL
            config.angelOne.streamURL = stream.url
            config.angelOne.instrumentsURL = api.instrumentsURL
            config.angelOne.feedAccount = AngelOneCredentials(apiKey: account.apiKey, clientCode: account.clientCode,
                                                              pin: account.pin,
                                                              totp: try TOTP(base32Secret: account.totpSecret))
        }
        try await configure(app, config: config, overrides: AppOverrides(feed: venues == nil ? feed : nil,
                                                                          database: database))
        try await app.asyncBoot()
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else { throw BenchError.setup("no port") }
        let base = "http://127.0.0.1:\(port)"

        let session = try await post(app, base + "/api/auth/register", token: nil,
                                     json: ["email": "bench@example.com", "password": "bench password"])
        guard let token = session["token"] as? String else { throw BenchError.setup("no token") }
        let arrivals = Arrivals()
        let socketBox = Mutex<WebSocket?>(nil)
        try await WebSocket.connect(to: "ws://127.0.0.1:\(port)/api/ws?token=\(token)", on: app.eventLoopGroup) { socket in
            socket.onText { _, text in arrivals.received(text) }
            socketBox.withLock { $0 = socket }
        }.get()

        let symbol: Symbol = "RELIANCE"
        var latencies: [Double] = []
        let total = options.warmup + options.samples
        for index in 0..<total {
            // A fresh single-price rule each time, at a price of its own, so every tick fires exactly one rule.
            let price = Money(paise: 1_000_00 + Int64(index % 20_000) * 5)
            let rule = try await post(app, base + "/api/rules", token: token, json: [
                "symbol": symbol.rawValue, "min_price": price.rupeesDouble, "max_price": price.rupeesDouble,
            ])
            guard let ruleID = rule["id"] as? String else { throw BenchError.setup("no rule id") }
            let start = ContinuousClock.now
            if let venues {
                var packet = SmartStreamPacket(mode: .quote, exchangeType: 1, token: "2885", sequenceNumber: Int64(index),
                                               exchangeTimestamp: Int64(Date().timeIntervalSince1970 * 1_000),
                                               lastTradedPrice: price.paise)
                packet.quote = .init(lastTradedQuantity: 1, averageTradedPrice: price.paise, volume: 1, totalBuyQuantity: 1,
                                     totalSellQuantity: 1, open: price.paise, high: price.paise, low: price.paise,
                                     close: price.paise)
                venues.stream.broadcast(SmartStreamEncoder.encode(packet))
            } else {
                feed.push(Tick(symbol: symbol, price: price, volume: 1, time: Date()))
            }
            let arrived = await arrivals.arrival(of: ruleID)
            if index >= options.warmup {
                let elapsed = arrived - start
                latencies.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
            }
        }

        let sorted = latencies.sorted()
        let mean = latencies.reduce(0, +) / Double(latencies.count)
        func ms(_ value: Double) -> String { String(format: "%.3f ms", value) }
        print(venues == nil
              ? "Tick-to-WebSocket latency: tick pushed to the engine → rule fired → committed → cart.added received"
              : "SmartStream-to-WebSocket latency: QUOTE frame sent by the fake SmartStream → decoded by the Angel One "
                + "feed → rule fired → committed → cart.added received")
        print("  database         \(options.databaseURL == nil ? "SQLite file (WAL, synchronous=NORMAL)" : "PostgreSQL")")
        print("  samples          \(latencies.count) (after \(options.warmup) warm-up), one at a time, loopback WebSocket")
        print("  p50              \(ms(percentile(sorted, 50)))")
        print("  p90              \(ms(percentile(sorted, 90)))")
        print("  p99              \(ms(percentile(sorted, 99)))")
        print("  max              \(ms(sorted.last ?? 0))")
        print("  mean             \(ms(mean))")

        try? await socketBox.withLock { $0 }?.close(code: .normalClosure).get()
        await app.server.shutdown()
        try await app.asyncShutdown()
        if let venues {
            await venues.stream.shutdown()
            await venues.api.shutdown()
        }
    }
}
