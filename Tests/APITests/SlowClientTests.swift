@testable import API
import Foundation
import Testing
import TradingCore
import Vapor

/// A client that stops reading, over a real loopback socket, while healthy clients of the same user and of another
/// user carry on: the engine keeps committing firings, healthy sockets keep getting prices and events, and the
/// stalled socket first loses prices and then is cut off.
@Suite("WebSocket: a client that stops reading cannot hold up the engine or other clients")
struct SlowClientTests {
    @Test("a stalled socket backs up, loses prices and is cut off while the engine and healthy sockets carry on")
    func stalledClient() async throws {
        // The heartbeat would also end the stalled socket; keep it out of the way so the backlog limits are what
        // this test sees.
        try await withTestApp(configure: { $0.socketHeartbeatSeconds = 600 }) { app in
            let port = try await app.startServer()
            let (alice, aliceID) = try await app.register()
            let (bob, _) = try await app.register()
            let aliceUser = UserID(try #require(UUID(uuidString: aliceID)))

            let stalled = try await StalledSocket.connect(port: port, token: alice)
            defer { stalled.close() }
            #expect(await eventually { app.services.sockets.sockets(of: aliceUser).count == 1 })
            let slow = try #require(app.services.sockets.sockets(of: aliceUser).first)

            let aliceSocket = try await SocketClient.connect(port: port, query: "?token=\(alice)", on: app.app.eventLoopGroup)
            let bobSocket = try await SocketClient.connect(port: port, query: "?token=\(bob)", on: app.app.eventLoopGroup)
            for socket in [aliceSocket, bobSocket] {
                #expect(await eventually { !socket.messages("welcome").isEmpty })
                try socket.send(["type": "subscribe", "symbols": ["RELIANCE"]])
                #expect(await eventually { !socket.messages("subscribed").isEmpty })
            }

            // Jam the stalled socket: each subscribe naming 3,000 unknown symbols is answered with an error of
            // about 55 kB listing them, so 200 of them (~11 MB) overflow the kernel buffers on both sides and the
            // rest waits in the server's write queue. The server still reads whatever this client sends.
            let unknown = Array(repeating: #""NOSUCHSYMBOL0000""#, count: 3_000).joined(separator: ",")
            let flood = #"{"type":"subscribe","symbols":[\#(unknown)]}"#
            try await stalled.send([#"{"type":"subscribe","symbols":["RELIANCE"]}"#] + Array(repeating: flood, count: 200))
            #expect(await eventually { slow.backlog >= ClientConnection.priceBacklogLimit },
                    "the stalled socket's writes never backed up (backlog \(slow.backlog))")

            // Prices: every new price reaches both healthy sockets, while the stalled one's copies are skipped.
            let start = app.price("RELIANCE")
            for step in 1...3 {
                let price = rupees(start + 0.5 * Double(step))
                app.feed.push("RELIANCE", price)
                for socket in [aliceSocket, bobSocket] {
                    #expect(await eventually { socket.messages("price").contains { Double($0["ltp"] ?? "") == price } },
                            "a healthy socket did not get the price \(price)")
                }
            }
            #expect(try await eventually { try await droppedPriceMessages(app) > 0 })

            // Events: the engine still matches and commits, and both users' healthy sockets hear of it at once,
            // alice's although her other socket is stalled.
            let price = app.price("RELIANCE")
            _ = try await app.createRule(alice, min: rupees(price - 1), max: rupees(price + 1))
            _ = try await app.createRule(bob, min: rupees(price - 1), max: rupees(price + 1))
            app.feed.push("RELIANCE", price)
            #expect(await eventually { aliceSocket.messages("cart.added").count == 1 })
            #expect(await eventually { bobSocket.messages("cart.added").count == 1 })
            #expect(try await app.cart(alice).count == 1)
            #expect(try await app.cart(bob).count == 1)

            // The hard limit: each ping is answered with a pong that cannot go out, until the backlog passes the
            // hard limit and the server closes the socket with a policy violation.
            try await stalled.send(Array(repeating: #"{"type":"ping"}"#, count: ClientConnection.hardBacklogLimit + 100))
            #expect(await eventually { slow.socket.closeCode == .policyViolation },
                    "not closed at backlog \(slow.backlog)")

            // Alice's healthy socket is unaffected by her cut-off one.
            let later = rupees(price + 20)
            _ = try await app.createRule(alice, min: rupees(later - 1), max: rupees(later + 1))
            app.feed.push("RELIANCE", later)
            #expect(await eventually { aliceSocket.messages("cart.added").count == 2 })
            #expect(!aliceSocket.socket.isClosed)

            // Once the stalled client goes away its connection leaves the hub.
            stalled.close()
            #expect(await eventually { app.services.sockets.sockets(of: aliceUser).count == 1 })
            await aliceSocket.close()
            await bobSocket.close()
            await app.stopServer()
        }
    }

    /// `stockcart_websocket_dropped_messages_total` from `/metrics`.
    private func droppedPriceMessages(_ app: TestApp) async throws -> Double {
        let text = try await app.send(.GET, "/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix("stockcart_websocket_dropped_messages") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
    }
}
