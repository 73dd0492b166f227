@testable import API
import Foundation
import Testing
import TradingCore
import Vapor

/// A client that subscribes with `"batch": true` gets each round's changed prices in one `prices` frame; others keep
/// one `price` frame per symbol. Both carry each quote's time in milliseconds.
@Suite("WebSocket: batched price frames")
struct PriceBatchTests {
    @Test("batched and single-price subscribers see the same quotes, framed differently")
    func batchedAndSingle() async throws {
        try await withTestApp(configure: { $0.priceCoalesceMilliseconds = 100 }) { app in
            let port = try await app.startServer()
            let (token, _) = try await app.register()
            let batched = try await SocketClient.connect(port: port, query: "?token=\(token)", on: app.app.eventLoopGroup)
            let single = try await SocketClient.connect(port: port, query: "?token=\(token)", on: app.app.eventLoopGroup)
            try batched.send(["type": "subscribe", "symbols": ["INFY", "TCS"], "batch": true])
            try single.send(["type": "subscribe", "symbols": ["INFY", "TCS"]])
            #expect(await eventually { !batched.messages("subscribed").isEmpty && !single.messages("subscribed").isEmpty })
            let before = Date()
            app.feed.push("INFY", 1501.25)
            app.feed.push("TCS", 3333.35)
            #expect(await eventually {
                batched.texts.contains { $0.contains("1501.25") && $0.contains("3333.35") }
                    && single.messages("price").contains { $0["ltp"] == "1501.25" }
            })
            #expect(batched.messages("price").isEmpty, "a batched subscriber gets no single price frames")
            let frame = try #require(batched.texts.first { $0.contains("1501.25") && $0.contains("3333.35") })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: Any])
            #expect(object["type"] as? String == "prices")
            let sent = try #require(object["sent_ms"] as? Int)
            #expect(abs(Double(sent) - Date().timeIntervalSince1970 * 1_000) < 10_000)
            let prices = try #require(object["prices"] as? [[String: Any]])
            let infy = try #require(prices.first { $0["symbol"] as? String == "INFY" })
            #expect(infy["ltp"] as? Double == 1501.25 && infy["type"] == nil)
            let quoted = try #require(infy["time_ms"] as? Int)
            #expect(Double(quoted) >= before.timeIntervalSince1970 * 1_000 - 1)
            let message = try #require(single.firstObject("price"))
            #expect(message["time_ms"] as? Int != nil && message["ltp"] != nil)
            await batched.close()
            await single.close()
            await app.stopServer()
        }
    }

    @Test("a change in a quiet market goes out at once; changes right after it wait for the coalescing window")
    func leadingEdge() async throws {
        // With a one-minute window a timer would hold the first price for up to a minute; a round that starts on the
        // change sends it within milliseconds (5 s leaves room for a slow CI machine).
        try await withTestApp(configure: { $0.priceCoalesceMilliseconds = 60_000 }) { app in
            let port = try await app.startServer()
            let (token, _) = try await app.register()
            let socket = try await SocketClient.connect(port: port, query: "?token=\(token)", on: app.app.eventLoopGroup)
            try socket.send(["type": "subscribe", "symbols": ["INFY"], "batch": true])
            #expect(await eventually { !socket.messages("subscribed").isEmpty })
            app.feed.push("INFY", 1512.35)
            #expect(await eventually(timeout: .seconds(5)) { socket.texts.contains { $0.contains("1512.35") } })
            app.feed.push("INFY", 1512.40)
            try await Task.sleep(for: .seconds(1))
            #expect(!socket.texts.contains { $0.contains("1512.4") }, "a second round inside the window")
            await socket.close()
            await app.stopServer()
        }
    }
}
