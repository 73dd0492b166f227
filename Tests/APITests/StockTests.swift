import Foundation
import Testing
import TradingCore
import Vapor

@Suite("Market: stocks and candles")
struct StockTests {
    @Test("the catalogue lists the NIFTY 50 with live quotes")
    func list() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.GET, "/api/stocks", token: token)
            #expect(reply.status == .ok)
            #expect(reply.array.count == 50)
            let reliance = try #require(reply.array.first { $0["symbol"] as? String == "RELIANCE" })
            for key in ["name", "sector", "ltp", "change", "change_percent", "open", "high", "low", "volume", "time"] {
                #expect(reliance[key] != nil, "missing \(key)")
            }
        }
    }

    @Test("search and sector filter the list")
    func filters() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let search = try await app.send(.GET, "/api/stocks?search=reliance", token: token)
            #expect(search.array.map { $0["symbol"] as? String } == ["RELIANCE"])
            let byName = try await app.send(.GET, "/api/stocks?search=bank", token: token)
            #expect(byName.array.count >= 3)
            let sector = try #require(search.array.first?["sector"] as? String)
            let bySector = try await app.send(
                .GET, "/api/stocks?sector=\(sector.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                token: token)
            #expect(!bySector.array.isEmpty)
            #expect(bySector.array.allSatisfy { $0["sector"] as? String == sector })
            let none = try await app.send(.GET, "/api/stocks?search=zzzz", token: token)
            #expect(none.status == .ok && none.array.isEmpty)
        }
    }

    @Test("a quote follows the ticks")
    func quote() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let before = app.price("TCS")
            app.feed.push("TCS", rupees(before + 10))
            let moved = await eventually { app.price("TCS") == rupees(before + 10) }
            #expect(moved)
            let reply = try await app.send(.GET, "/api/stocks/tcs", token: token)
            #expect(reply.status == .ok)
            #expect(reply["ltp"] as? Double == rupees(before + 10))
            #expect(try #require(reply["high"] as? Double) >= rupees(before + 10))
            #expect(try await app.send(.GET, "/api/stocks/NOPE", token: token).status == .notFound)
        }
    }

    @Test("candles for every interval, with history", arguments: ["1m", "5m", "15m", "1h", "1d"])
    func candles(interval: String) async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.GET, "/api/stocks/INFY/candles?interval=\(interval)&limit=20", token: token)
            #expect(reply.status == .ok)
            #expect(reply["interval"] as? String == interval)
            let candles = try #require(reply["candles"] as? [[String: Any]])
            #expect(candles.count == 20)
            let times = candles.compactMap { $0["time"] as? String }
            #expect(times == times.sorted())
            for candle in candles {
                let high = try #require(candle["high"] as? Double), low = try #require(candle["low"] as? Double)
                #expect(high >= low)
            }
        }
    }

    @Test("bad candle parameters answer 400 naming the parameter")
    func badCandles() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let interval = try await app.send(.GET, "/api/stocks/INFY/candles?interval=2m", token: token)
            #expect(interval.status == .badRequest && interval.field == "interval")
            let limit = try await app.send(.GET, "/api/stocks/INFY/candles?limit=0", token: token)
            #expect(limit.status == .badRequest && limit.field == "limit")
            let unknown = try await app.send(.GET, "/api/stocks/NOPE/candles", token: token)
            #expect(unknown.status == .notFound)
        }
    }
}
