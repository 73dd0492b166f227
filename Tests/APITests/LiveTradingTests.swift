@testable import API
import AngelOne
import FakeVenues
import Foundation
import Testing
import TradingCore

/// The server with `MARKET_FEED=angelone BROKER=angelone LIVE_TRADING=1` against the fake SmartAPI, SmartStream and
/// order-update socket: a rule fires from SmartStream ticks, checkout places a real-format order through the user's
/// own session, and the order-update stream turns it EXECUTED at the trade book's price.
@Suite("Live trading through Angel One", .serialized)
struct LiveTradingTests {
    static let feedAccount = FakeSmartAPI.Account(apiKey: "feed-key", clientCode: "F100", pin: "1111",
                                                  totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    static let userAccount = FakeSmartAPI.Account(apiKey: "user-key", clientCode: "U700", pin: "2468",
                                                  totpSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    nonisolated(unsafe) static let connect: [String: Any] = ["api_key": userAccount.apiKey, "client_code": userAccount.clientCode,
                                         "pin": userAccount.pin, "totp_secret": userAccount.totpSecret]

    func withLiveServer(_ body: (TestApp, FakeSmartAPI, FakeSmartStream) async throws -> Void) async throws {
        let api = try await FakeSmartAPI.start(accounts: [Self.feedAccount, Self.userAccount], loginInterval: nil,
                                               instruments: [.init(symbol: "RELIANCE", token: "2885"),
                                                             .init(symbol: "TCS", token: "11536")])
        let stream = try await FakeSmartStream.start(sessionsOf: api)
        do {
            try await withTestApp(configuredFeed: true, configure: { config in
                config.feed = .angelone
                config.broker = .angelone
                config.liveTrading = true
                config.tradingHours = .always
                config.masterKey = Data(repeating: 3, count: 32).base64EncodedString()
                config.angelOne.apiURL = api.baseURL
                config.angelOne.streamURL = stream.url
                config.angelOne.orderStreamURL = api.orderStreamURL
                config.angelOne.instrumentsURL = api.instrumentsURL
                config.angelOne.feedAccount = AngelOneCredentials(
                    apiKey: Self.feedAccount.apiKey, clientCode: Self.feedAccount.clientCode, pin: Self.feedAccount.pin,
                    totp: try! TOTP(base32Secret: Self.feedAccount.totpSecret))
            }) { app in try await body(app, api, stream) }
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

    @Test("a rule fired by SmartStream, checked out, is placed at Angel One and EXECUTED at the trade book's price")
    func ruleToExecution() async throws {
        try await withLiveServer { app, api, stream in
            #expect(await eventually { stream.subscriptions.count == 1 })
            let user = try await app.register()

            // Before the user connects a broker, live orders are refused up front, and nothing is stored.
            let early = try await app.send(.POST, "/api/orders", token: user.token,
                                           json: ["symbol": "RELIANCE", "side": "BUY", "quantity": 1])
            #expect(early.status == .conflict, "\(early.text)")
            #expect(early.field == "broker")
            #expect(early.reason?.contains("PUT /api/broker") == true)
            #expect(try await app.send(.GET, "/api/orders", token: user.token).array.isEmpty)

            #expect(try await app.send(.PUT, "/api/broker", token: user.token, json: Self.connect)["state"] as? String
                        == "connected")
            _ = try await app.createRule(user.token, symbol: "RELIANCE", min: 2_740, max: 2_760)
            stream.broadcast(Self.quote(token: "2885", paise: 2_750_05))
            #expect(await eventually { (try? await app.cart(user.token).count) == 1 })
            let itemID = try #require(try await app.cart(user.token).first?["id"] as? String)

            let checkout = try await app.send(.POST, "/api/cart/checkout", token: user.token,
                                              json: ["items": [["cart_item_id": itemID, "quantity": 3]]],
                                              headers: ["Idempotency-Key": "live-1"])
            #expect(checkout.status == .created, "\(checkout.text)")
            let orderID = try #require((checkout["orders"] as? [[String: Any]])?.first?["id"] as? String)
            let placed = try #require(api.desk.orders.first)
            #expect(api.desk.orders.count == 1)
            #expect(placed.clientCode == "U700", "placed through the user's own session, not the feed's")
            #expect(placed.tag == OrderTag.of(OrderID(try #require(UUID(uuidString: orderID)))))
            #expect(placed.side == "BUY" && placed.orderType == "MARKET" && placed.quantity == 3)
            #expect(try await app.order(user.token, orderID)["status"] as? String == "PENDING")

            #expect(await eventually { api.desk.openSockets == 1 })
            api.desk.fill(placed.orderID, paise: 2_750_10, size: 1)
            api.desk.fill(placed.orderID, paise: 2_750_25)
            #expect(try await eventually { try await app.order(user.token, orderID)["status"] as? String == "EXECUTED" })
            // (2750.10 + 2 × 2750.25) / 3 = 2750.20
            #expect(try await app.order(user.token, orderID)["fill_price"] as? Double == 2_750.20)
            // The portfolio is the broker account's: today's delivery buy sits in its positions, yesterday's shares
            // in its holdings, and both count; the cash is what the broker says is available.
            api.desk.setHolding(clientCode: "U700", symbol: "RELIANCE", quantity: 2, averagePaise: 2_700_00)
            api.desk.setAvailableCash(clientCode: "U700", paise: 1_23_456_78)
            let portfolio = try await app.send(.GET, "/api/portfolio", token: user.token)
            #expect(portfolio["source"] as? String == "angelone", "\(portfolio.text)")
            #expect(portfolio["cash"] as? Double == 1_23_456.78)
            let holdings = portfolio["holdings"] as? [[String: Any]] ?? []
            let reliance = holdings.first { $0["symbol"] as? String == "RELIANCE" }
            #expect(reliance?["quantity"] as? Int == 5, "\(portfolio.text)")
            // (2 × 2700.00 + 3 × 2750.20) / 5 = 2730.12
            #expect(reliance?["average_price"] as? Double == 2_730.12, "\(portfolio.text)")
            api.desk.setHolding(clientCode: "U700", symbol: "RELIANCE", quantity: 0, averagePaise: 0)

            // StockCart and the broker agree; then the broker lists shares StockCart never bought.
            let agreed = try await app.send(.GET, "/api/broker/reconciliation", token: user.token)
            #expect(agreed.status == .ok, "\(agreed.text)")
            #expect(agreed["agrees"] as? Bool == true, "\(agreed.text)")
            let line = try #require((agreed["orders"] as? [[String: Any]])?.first)
            #expect(line["broker_fill_price"] as? Double == 2_750.20 && line["local_fill_price"] as? Double == 2_750.20)
            #expect((agreed["holdings"] as? [[String: Any]])?.first?["broker_quantity"] as? Int == 3)
            api.desk.setHolding(clientCode: "U700", symbol: "INFY", quantity: 7, averagePaise: 1_500_00)
            let differs = try await app.send(.GET, "/api/broker/reconciliation", token: user.token)
            #expect(differs["agrees"] as? Bool == false)
            #expect(differs["difference_count"] as? Int == 1)
            let infy = (differs["holdings"] as? [[String: Any]])?.first { $0["symbol"] as? String == "INFY" }
            #expect(infy?["local_quantity"] as? Int == 0 && infy?["broker_quantity"] as? Int == 7)
            #expect(infy?["differences"] as? [String] == ["quantity"])
        }
    }

    @Test("a live strategy's signal is placed at Angel One; the fill opens its position, whose stop-loss sells it")
    func liveStrategy() async throws {
        try await withLiveServer { app, api, stream in
            #expect(await eventually { stream.subscriptions.count == 1 })
            let user = try await app.register()
            try await app.send(.PUT, "/api/broker", token: user.token, json: Self.connect)
            let paper = try await app.send(.POST, "/api/strategies", token: user.token, json: [
                "kind": "sma-cross", "watchlist": ["RELIANCE"], "mode": "paper"])
            #expect(paper.status == .conflict && paper.field == "mode", "this server trades through Angel One")
            let strategy = try await app.send(.POST, "/api/strategies", token: user.token, json: [
                "kind": "sma-cross", "parameters": ["fast": 1, "slow": 2], "timeframe": "1m",
                "watchlist": ["RELIANCE"], "sizing": ["type": "fixed_quantity", "quantity": 2],
                "exits": ["stop_loss_percent": 5], "enabled": true])
            #expect(strategy.status == .created && strategy["mode"] as? String == "live", "\(strategy.text)")
            #expect(try await app.send(.POST, "/api/autotrader/start", token: user.token).status == .ok)

            // Closes 2,750, 2,730, 2,720 then 2,760: the cross up is decided at the next minute's first tick.
            let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60
            for (offset, paise) in [2_750_00, 2_730_00, 2_720_00, 2_760_00, 2_762_00].enumerated() {
                stream.broadcast(Self.quote(token: "2885", paise: Int64(paise),
                                            at: Date(timeIntervalSince1970: minute + Double(offset) * 60 + 1)))
            }
            #expect(await eventually { api.desk.orders.count == 1 })
            let placed = try #require(api.desk.orders.first)
            #expect(placed.clientCode == "U700" && placed.side == "BUY" && placed.quantity == 2)
            let signals = try await app.send(.GET, "/api/signals", token: user.token)
            let buy = try #require((signals["signals"] as? [[String: Any]])?.first { $0["side"] as? String == "BUY" })
            let orderID = try #require(buy["order_id"] as? String)
            #expect(placed.tag == OrderTag.of(OrderID(try #require(UUID(uuidString: orderID)))))

            #expect(await eventually { api.desk.openSockets == 1 })
            api.desk.fill(placed.orderID, paise: 2_763_00)
            #expect(try await eventually { try await app.order(user.token, orderID)["status"] as? String == "EXECUTED" })
            let opened = try await eventually {
                let state = try await app.send(.GET, "/api/autotrader", token: user.token)
                let position = (state["positions"] as? [[String: Any]])?.first
                return position?["quantity"] as? Int == 2 && position?["working_order"] is NSNull
            }
            #expect(opened, "the fill reached the lane")
            // 5% under ₹2,763 is ₹2,624.85: a tick there sells the position at Angel One.
            stream.broadcast(Self.quote(token: "2885", paise: 2_620_00,
                                        at: Date(timeIntervalSince1970: minute + 4 * 60 + 30)))
            #expect(await eventually { api.desk.orders.count == 2 })
            let exit = try #require(api.desk.orders.last)
            #expect(exit.side == "SELL" && exit.quantity == 2 && exit.orderType == "MARKET")
            let stops = try await app.send(.GET, "/api/signals", token: user.token)
            #expect((stops["signals"] as? [[String: Any]])?.first?["trigger"] as? String == "stop_loss")
        }
    }

    @Test("a rejected order is FAILED with the exchange's reason; cancelling goes through the broker")
    func rejectionAndCancel() async throws {
        try await withLiveServer { app, api, _ in
            let user = try await app.register()
            try await app.send(.PUT, "/api/broker", token: user.token, json: Self.connect)
            let first = try await app.send(.POST, "/api/orders", token: user.token, json: [
                "symbol": "TCS", "side": "BUY", "quantity": 2, "type": "LIMIT", "limit_price": 3_900])
            #expect(first.status == .created, "\(first.text)")
            let firstID = try #require(first["id"] as? String)
            #expect(await eventually { api.desk.openSockets == 1 })
            api.desk.reject(try #require(api.desk.orders.first).orderID, reason: "RMS:Margin Exceeds")
            #expect(try await eventually { try await app.order(user.token, firstID)["status"] as? String == "FAILED" })
            #expect((try await app.order(user.token, firstID)["reason"] as? String)?.contains("Margin Exceeds") == true)

            let second = try await app.send(.POST, "/api/orders", token: user.token, json: [
                "symbol": "TCS", "side": "BUY", "quantity": 1, "type": "LIMIT", "limit_price": 3_800])
            let secondID = try #require(second["id"] as? String)
            let cancelled = try await app.send(.POST, "/api/orders/\(secondID)/cancel", token: user.token)
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(cancelled["status"] as? String == "CANCELLED")
            #expect(api.desk.orders.last?.status == "cancelled", "withdrawn at the broker too")

            // The exchange fills the order before the cancellation reaches it: the order is EXECUTED, not cancelled,
            // whatever the request asked.
            let third = try await app.send(.POST, "/api/orders", token: user.token, json: [
                "symbol": "TCS", "side": "BUY", "quantity": 1, "type": "LIMIT", "limit_price": 3_850])
            let thirdID = try #require(third["id"] as? String)
            api.desk.fillBeforeCancelling(at: 3_849_50)
            let raced = try await app.send(.POST, "/api/orders/\(thirdID)/cancel", token: user.token)
            #expect(raced.status == .ok, "\(raced.text)")
            #expect(raced["status"] as? String == "EXECUTED", "\(raced.text)")
            #expect(raced["fill_price"] as? Double == 3_849.50)

            // Funds and holdings are the broker's to check: an order worth more than StockCart's paper cash and a
            // sale of shares StockCart never bought both go to Angel One, and nothing is set aside here.
            api.desk.fillBeforeCancelling(at: nil)
            let big = try await app.send(.POST, "/api/orders", token: user.token, json: [
                "symbol": "TCS", "side": "BUY", "quantity": 400, "type": "LIMIT", "limit_price": 3_800])
            #expect(big.status == .created, "\(big.text)")
            let sale = try await app.send(.POST, "/api/orders", token: user.token, json: [
                "symbol": "TCS", "side": "SELL", "quantity": 2, "type": "LIMIT", "limit_price": 4_100])
            #expect(sale.status == .created, "\(sale.text)")
            #expect(api.desk.orders.suffix(2).map(\.side) == ["BUY", "SELL"])
            #expect(api.desk.orders.last?.quantity == 2)
            let saleID = try #require(sale["id"] as? String)
            #expect(try await app.send(.POST, "/api/orders/\(saleID)/cancel", token: user.token)["status"] as? String
                        == "CANCELLED")
        }
    }

    @Test("after the user disconnects their broker, checkout pauses with what to do, and the cart is kept")
    func disconnectedPausesCheckout() async throws {
        try await withLiveServer { app, _, stream in
            #expect(await eventually { stream.subscriptions.count == 1 })
            let user = try await app.register()
            try await app.send(.PUT, "/api/broker", token: user.token, json: Self.connect)
            try await app.send(.DELETE, "/api/broker", token: user.token)
            let item = try await app.send(.POST, "/api/cart", token: user.token, json: ["symbol": "TCS"])
            let itemID = try #require(item["id"] as? String)
            let checkout = try await app.send(.POST, "/api/cart/checkout", token: user.token,
                                              json: ["items": [["cart_item_id": itemID]]],
                                              headers: ["Idempotency-Key": "paused-1"])
            #expect(checkout.status == .conflict)
            #expect(checkout.reason?.contains("connect your Angel One account") == true, "\(checkout.text)")
            #expect(try await app.cart(user.token).count == 1)
            #expect(try await app.send(.GET, "/api/broker/reconciliation", token: user.token).status == .notFound)
            let portfolio = try await app.send(.GET, "/api/portfolio", token: user.token)
            #expect(portfolio["source"] as? String == "local")
            #expect((portfolio["broker_error"] as? String)?.contains("PUT /api/broker") == true)
        }
    }
}
