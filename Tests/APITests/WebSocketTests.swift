@testable import API
import Foundation
import NIOWebSocket
import Testing
import TradingCore
import Vapor

@Suite("WebSocket: authentication, prices and per-user events over a real socket")
struct WebSocketTests {
    @Test("an authenticated socket gets prices for its subscriptions and its own cart.added, not others'")
    func eventsAndPrices() async throws {
        try await withTestApp { app in
            let port = try await app.startServer()
            let (alice, _) = try await app.register("alice@example.com")
            let (bob, _) = try await app.register("bob@example.com")
            let aliceSocket = try await SocketClient.connect(port: port, query: "?token=\(alice)", on: app.app.eventLoopGroup)
            let bobSocket = try await SocketClient.connect(port: port, query: "?token=\(bob)", on: app.app.eventLoopGroup)
            #expect(await eventually { !aliceSocket.messages("welcome").isEmpty && !bobSocket.messages("welcome").isEmpty })

            try aliceSocket.send(["type": "subscribe", "symbols": ["RELIANCE", "NOPE"]])
            #expect(await eventually { !aliceSocket.messages("subscribed").isEmpty })
            #expect(aliceSocket.messages("error").contains { $0["reason"]?.contains("NOPE") == true })

            let price = app.price("RELIANCE")
            _ = try await app.createRule(alice, min: rupees(price - 1), max: rupees(price + 1))
            app.feed.push("RELIANCE", price)
            #expect(await eventually { !aliceSocket.messages("cart.added").isEmpty })
            let added = try #require(aliceSocket.firstObject("cart.added"))
            let item = try #require(added["item"] as? [String: Any])
            #expect(item["symbol"] as? String == "RELIANCE")
            #expect(item["auto_added"] as? Bool == true)
            #expect(item["added_price"] as? Double == price)
            #expect((added["rule"] as? [String: Any])?["min_price"] as? Double == rupees(price - 1))
            #expect(!aliceSocket.messages("rule.fired").isEmpty)
            #expect(await eventually { aliceSocket.messages("price").contains { $0["symbol"] == "RELIANCE" } })

            // The firing is in the database before the event went out.
            #expect(try await app.cart(alice).count == 1)
            try await Task.sleep(for: .milliseconds(200))
            #expect(bobSocket.messages("cart.added").isEmpty)
            #expect(bobSocket.messages("price").isEmpty) // bob subscribed to nothing

            try bobSocket.send(["type": "ping"])
            #expect(await eventually { !bobSocket.messages("pong").isEmpty })
            await aliceSocket.close()
            await bobSocket.close()
            await app.stopServer()
        }
    }

    @Test("prices are coalesced: many ticks in one interval give at most a few messages")
    func coalescing() async throws {
        try await withTestApp(configure: { $0.priceCoalesceMilliseconds = 200 }) { app in
            let port = try await app.startServer()
            let (token, _) = try await app.register()
            let socket = try await SocketClient.connect(port: port, query: "?token=\(token)", on: app.app.eventLoopGroup)
            try socket.send(["type": "subscribe", "symbols": ["INFY"]])
            #expect(await eventually { !socket.messages("subscribed").isEmpty })
            for step in 0..<200 { app.feed.push("INFY", 1500 + Double(step) * 0.05) }
            try await Task.sleep(for: .milliseconds(700))
            let prices = socket.messages("price").filter { $0["symbol"] == "INFY" }
            #expect(!prices.isEmpty)
            #expect(prices.count <= 6, "got \(prices.count) price messages for 200 ticks in ~0.7 s")
            #expect(await eventually { socket.messages("price").last?["ltp"] == "1509.95" })
            await socket.close()
            await app.stopServer()
        }
    }

    @Test("a socket without a valid token is closed with code 4401 and a reason", arguments: [
        "?token=garbage", "",
    ])
    func unauthenticated(query: String) async throws {
        try await withTestApp { app in
            let port = try await app.startServer()
            let socket = try await SocketClient.connect(port: port, query: query, on: app.app.eventLoopGroup)
            if query.isEmpty { try socket.send(["type": "subscribe", "symbols": ["INFY"]]) } // not an auth message
            try await socket.socket.onClose.get()
            #expect(socket.socket.closeCode == .unknown(4401))
            #expect(socket.messages("error").first?["reason"]?.isEmpty == false)
            await app.stopServer()
        }
    }

    @Test("authentication by a first auth message works")
    func authMessage() async throws {
        try await withTestApp { app in
            let port = try await app.startServer()
            let (token, _) = try await app.register()
            let socket = try await SocketClient.connect(port: port, query: "", on: app.app.eventLoopGroup)
            try socket.send(["type": "auth", "token": token])
            #expect(await eventually { !socket.messages("welcome").isEmpty })
            #expect(app.services.sockets.count == 1)
            await socket.close()
            #expect(await eventually { app.services.sockets.count == 0 })
            await app.stopServer()
        }
    }
}
