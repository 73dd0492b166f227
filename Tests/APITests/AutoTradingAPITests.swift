@testable import API
import Engine
import Foundation
import Persistence
import Testing
import TestSupport
import TradingCore
import Vapor

@Suite("Auto-trading API: signals from live ticks, the kill switch on every BUY route, backtests, indicators")
struct AutoTradingAPITests {
    @Test("a strategy's signal on a closed 1m bar is stored, places its order and fills at the closing tick",
          arguments: TestDatabase.enabled)
    func signalFromTicks(database: TestDatabase) async throws {
        // Ticks a few minutes apart, the first possibly a minute old when it is processed: not stale here.
        try await withTestApp(database, configure: { $0.staleQuoteSeconds = 3_600 }) { app in
            let (token, _) = try await app.register()
            let strategy = try await app.send(.POST, "/api/strategies", token: token, json: [
                "kind": "sma-cross", "parameters": ["fast": 1, "slow": 2], "timeframe": "1m", "watchlist": ["INFY"],
                "sizing": ["type": "fixed_quantity", "quantity": 3], "exits": ["stop_loss_percent": 5],
                "enabled": true,
            ])
            #expect(strategy.status == .created, "\(strategy.text)")
            #expect(try await app.send(.POST, "/api/autotrader/start", token: token).status == .ok)
            // Closes 1,500 (this minute), 1,480, 1,470 (the fast average below the slow one, whatever came before),
            // 1,510: it crosses above at the fourth close, decided at the first tick of the fifth minute and filled
            // at that tick's price.
            let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
            for (offset, price) in [1_500.0, 1_480, 1_470, 1_510, 1_512.5].enumerated() {
                app.feed.push("INFY", price, time: Date(timeIntervalSince1970: minute + Double(offset) * 60 + 1))
            }
            let signals = try await eventually {
                let page = try await app.send(.GET, "/api/signals?symbol=INFY", token: token)
                return (page["signals"] as? [[String: Any]])?.contains { $0["side"] as? String == "BUY" } == true
            }
            let page = try await app.send(.GET, "/api/signals", token: token)
            #expect(signals, "\(page.text)")
            let buy = try #require((page["signals"] as? [[String: Any]])?.first { $0["side"] as? String == "BUY" })
            #expect(buy["reason"] as? String == "SMA(1) crossed above SMA(2)")
            #expect(buy["price"] as? Double == 1_512.5 && buy["trigger"] as? String == "signal")
            let risk = try #require(buy["risk"] as? [String: Any])
            #expect(risk["outcome"] as? String == "approved" && risk["quantity"] as? Int == 3)
            let orderID = try #require(buy["order_id"] as? String)
            #expect(try await eventually { try await app.order(token, orderID)["status"] as? String == "EXECUTED" })
            #expect(try await app.order(token, orderID)["fill_price"] as? Double == 1_512.5)
            let state = try await app.send(.GET, "/api/autotrader", token: token)
            let position = try #require((state["positions"] as? [[String: Any]])?.first)
            #expect(position["symbol"] as? String == "INFY" && position["quantity"] as? Int == 3)
            #expect(position["stop_loss"] as? Double == 1_436.88, "5% under the ₹1,512.50 entry (₹1,436.875), to the paisa above")
        }
    }

    @Test("while the kill switch is tripped, manual BUYs and checkouts are refused and SELLs are not",
          arguments: TestDatabase.enabled)
    func killSwitchRefusesBuys(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            let killed = try await app.send(.POST, "/api/autotrader/kill", token: token)
            #expect(killed.status == .ok)
            #expect((killed["kill_switch"] as? [String: Any])?["tripped"] as? Bool == true)
            let buy = try await app.send(.POST, "/api/orders", token: token,
                                         json: ["symbol": "INFY", "side": "BUY", "quantity": 1])
            #expect(buy.status == .conflict && buy.field == "kill_switch")
            let checkout = try await app.send(.POST, "/api/cart/checkout", token: token,
                                              json: ["items": [["id": UUID().uuidString]]],
                                              headers: ["Idempotency-Key": UUID().uuidString])
            #expect(checkout.status == .conflict && checkout.field == "kill_switch")
            let sell = try await app.send(.POST, "/api/orders", token: token,
                                          json: ["symbol": "INFY", "side": "SELL", "quantity": 1])
            #expect(sell.field != "kill_switch", "a SELL is judged on its own merits (here: no shares)")
            #expect(try await app.send(.POST, "/api/autotrader/rearm", token: token).status == .ok)
            let again = try await app.send(.POST, "/api/orders", token: token,
                                           json: ["symbol": "INFY", "side": "BUY", "quantity": 1])
            #expect(again.status == .created, "\(again.text)")
        }
    }

    /// 400 daily bars of a walk, starting at an IST midnight.
    static func history() -> [Candle] {
        var price: Int64 = 150_000
        var state: UInt64 = 99
        return (0..<400).map { day in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let step = Int64((state >> 33) % 401) - 200
            let open = price
            let close = max(10_000, open + step * 5)
            price = close
            return Candle(time: Date(timeIntervalSince1970: TimeInterval(1_600_041_600 - 19_800 + day * 86_400)),
                          open: Money(paise: open), high: Money(paise: max(open, close) + 500),
                          low: Money(paise: min(open, close) - 500), close: Money(paise: close), volume: 1_000)
        }
    }

    @Test("a backtest runs over the stored candles in the background, as the command line's does",
          arguments: TestDatabase.enabled)
    func backtest(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            let body: [String: Any] = ["symbol": "INFY", "kind": "sma-cross", "parameters": ["fast": 5, "slow": 20],
                                       "cash": 500_000, "costs": false]
            let none = try await app.send(.POST, "/api/backtests", token: token, json: body)
            #expect(none.status == .unprocessableEntity && none.field == "symbol", "\(none.text)")
            let bars = Self.history()
            try await CandleStore(database: app.app.db).save([.init(symbol: "INFY", interval: .oneDay, candles: bars)])
            let started = try await app.send(.POST, "/api/backtests", token: token, json: body)
            #expect(started.status == .accepted, "\(started.text)")
            #expect(started["status"] as? String == "running")
            let id = try #require(started["id"] as? String)
            #expect(try await eventually {
                try await app.send(.GET, "/api/backtests/\(id)", token: token)["status"] as? String == "done"
            })
            let done = try await app.send(.GET, "/api/backtests/\(id)", token: token)
            let report = try #require(done["report"] as? [String: Any])
            let expected = Backtester(plan: StrategyPlan(id: StrategyID(UUID()), name: "x",
                                                         recipe: .smaCross(fast: 5, slow: 20), timeframe: .oneDay,
                                                         watchlist: [], sizing: .percentOfEquity(100)),
                                      settings: BacktestSettings(cash: Money(paise: 500_000_00), charges: nil))
                .run(symbol: "INFY", bars: bars)
            #expect(report["final_value"] as? Double == expected.finalValue.rupeesDouble)
            #expect((report["trades"] as? [[String: Any]])?.count == expected.trades.count && expected.trades.count > 5)
            #expect((done["candles"] as? [[String: Any]])?.count == 400)
            #expect(done["trades"] as? Int == expected.trades.count && done["progress"] as? Double == 1)
            let listed = try await app.send(.GET, "/api/backtests", token: token)
            #expect((listed["backtests"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])

            let (other, _) = try await app.register()
            #expect(try await app.send(.GET, "/api/backtests/\(id)", token: other).status == .notFound)
            #expect(try await app.send(.DELETE, "/api/backtests/\(id)", token: other).status == .notFound)
            for (change, field) in [(["kind": "momentum"], "kind"), (["interval": "2m"], "interval"),
                                    (["parameters": ["fast": 20, "slow": 5]], "parameters.fast"),
                                    (["cash": -1], "cash"), (["symbol": "NOTASTOCK"], "symbol"),
                                    (["sizing": ["type": "percent_of_equity", "percent": 0]], "sizing.percent"),
                                    (["risk_free_rate_percent": 500], "risk_free_rate_percent")] as [([String: Any], String)] {
                let refused = try await app.send(.POST, "/api/backtests", token: token,
                                                 json: body.merging(change) { $1 })
                #expect(refused.status == .unprocessableEntity && refused.field == field, "\(change): \(refused.text)")
            }
            #expect(try await app.send(.DELETE, "/api/backtests/\(id)", token: token).status == .noContent)
            #expect(try await app.send(.GET, "/api/backtests/\(id)", token: token).status == .notFound)
        }
    }

    @Test("indicator series line up with the chart's bars and agree with the batch indicators")
    func indicators() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.GET, "/api/stocks/INFY/indicators?interval=1d&limit=100", token: token)
            #expect(reply.status == .ok, "\(reply.text)")
            let times = try #require(reply["times"] as? [Int])
            let series = try #require(reply["series"] as? [String: Any])
            #expect(Set(series.keys) == ["SMA_20", "EMA_20", "BBANDS_20_2", "RSI_14", "MACD_12_26_9"])
            let bars = app.services.hub.candles(for: "INFY", interval: .oneDay, limit: 400)
            #expect(times == bars.suffix(100).map { Int($0.time.timeIntervalSince1970) })
            let sma = SMA.values(bars.map(\.close.rupeesDouble), period: 20)
            let shown = try #require(series["SMA_20"] as? [Double])
            #expect(shown.count == 100)
            for (index, value) in shown.enumerated() {
                #expect(abs(value - sma[bars.count - 100 + index]!) < 1e-9)
            }
            let bands = try #require(series["BBANDS_20_2"] as? [String: [Double]])
            #expect(Set(bands.keys) == ["upper", "middle", "lower"] && bands["upper"]?.count == 100)
            for (query, field) in [("indicators=FOO_3", "indicators"), ("indicators=SMA_0", "indicators"),
                                   ("indicators=MACD_26_12_9", "indicators"), ("interval=2m", "interval")] {
                let bad = try await app.send(.GET, "/api/stocks/INFY/indicators?\(query)", token: token)
                #expect(bad.status == .badRequest && bad.field == field, "\(query): \(bad.text)")
            }
            #expect(try await app.send(.GET, "/api/stocks/NOPE/indicators", token: token).status == .notFound)
        }
    }
}

@Suite("Performance API")
struct PerformanceAPITests {
    @Test("a round trip shows in the figures, net of charges, and the equity curve ends at today's equity",
          arguments: TestDatabase.enabled)
    func roundTrip(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            app.feed.push("AXISBANK", 1_000)
            #expect(await eventually { app.price("AXISBANK") == 1_000 })
            let buy = try await app.send(.POST, "/api/orders", token: token,
                                         json: ["symbol": "AXISBANK", "side": "BUY", "quantity": 10])
            app.feed.push("AXISBANK", 1_000)
            let buyID = try #require(buy["id"] as? String)
            #expect(try await eventually { try await app.order(token, buyID)["status"] as? String == "EXECUTED" })
            let sell = try await app.send(.POST, "/api/orders", token: token,
                                          json: ["symbol": "AXISBANK", "side": "SELL", "quantity": 10])
            app.feed.push("AXISBANK", 1_050)
            let sellID = try #require(sell["id"] as? String)
            #expect(try await eventually { try await app.order(token, sellID)["status"] as? String == "EXECUTED" })
            let charges: Double? = try await app.order(token, buyID)["charges"] as? Double
            let sellCharges: Double? = try await app.order(token, sellID)["charges"] as? Double
            #expect((charges ?? 0) > 20 && (sellCharges ?? 0) > 20)

            let reply = try await app.send(.GET, "/api/performance", token: token)
            #expect(reply.status == .ok, "\(reply.text)")
            let overall = try #require(reply["overall"] as? [String: Any])
            let metrics = try #require(overall["metrics"] as? [String: Any])
            #expect(metrics["trades"] as? Int == 1 && metrics["wins"] as? Int == 1)
            let net = 500 - (charges ?? 0) - (sellCharges ?? 0)
            #expect(abs((metrics["realised_pnl"] as? Double ?? 0) - net) < 0.005)
            #expect(metrics["profit_factor"] is NSNull, "no losing trade")
            #expect(abs((overall["charges"] as? Double ?? 0) - (charges ?? 0) - (sellCharges ?? 0)) < 0.005)
            let portfolio = try await app.send(.GET, "/api/portfolio", token: token)
            let equity = try #require(reply["equity"] as? [[String: Any]])
            #expect(equity.last?["equity"] as? Double == portfolio["cash"] as? Double, "flat again: equity is cash")
            #expect(reply["strategies"] as? [Any] != nil && reply["intraday"] as? [Any] != nil)

            for (query, field) in [("from=2026-13-01", "from"), ("to=yesterday", "to"),
                                   ("from=2026-02-01&to=2026-01-01", "from"), ("strategy=x", "strategy"),
                                   ("risk_free_rate_percent=-1", "risk_free_rate_percent"),
                                   ("from=2000-01-01&to=2026-01-01", "from")] {
                let bad = try await app.send(.GET, "/api/performance?\(query)", token: token)
                #expect(bad.status == .badRequest && bad.field == field, "\(query): \(bad.text)")
            }
            let unknown = try await app.send(.GET, "/api/performance?strategy=\(UUID().uuidString)", token: token)
            #expect(unknown.status == .notFound)
            let (other, _) = try await app.register()
            let theirs = try await app.send(.GET, "/api/performance", token: other)
            #expect((theirs["overall"] as? [String: Any]).flatMap { $0["metrics"] as? [String: Any] }?["trades"] as? Int == 0)
        }
    }
}
