@testable import API
import Foundation
import NIOWebSocket
import Synchronization
import Testing
import Vapor
import WebSocketKit

/// A real WebSocket client over loopback that records every message it receives.
final class SocketClient: Sendable {
    let socket: WebSocket
    private let received = Mutex<[[String: String]]>([])
    private let raw = Mutex<[String]>([])
    private let pings = Mutex(0)

    private init(socket: WebSocket) {
        self.socket = socket
    }

    static func connect(port: Int, query: String, on group: any EventLoopGroup) async throws -> SocketClient {
        // The connect future can complete before the upgrade callback has run, so the client is handed over
        // through a promise that the callback itself fulfils.
        let ready = group.any().makePromise(of: SocketClient.self)
        do {
            try await WebSocket.connect(to: "ws://127.0.0.1:\(port)/api/ws\(query)", on: group) { socket in
                let client = SocketClient(socket: socket)
                socket.onText { _, text in client.record(text) }
                // WebSocketKit answers pings itself; this only counts them.
                socket.onPing { _, _ in client.pings.withLock { $0 += 1 } }
                ready.succeed(client)
            }.get()
        } catch {
            ready.fail(error)
            throw error
        }
        return try await ready.futureResult.get()
    }

    private func record(_ text: String) {
        raw.withLock { $0.append(text) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return }
        var flat: [String: String] = [:]
        for (key, value) in object { flat[key] = "\(value)" }
        received.withLock { $0.append(flat) }
    }

    /// WebSocket ping frames received from the server so far.
    var pingsReceived: Int { pings.withLock { $0 } }

    /// Every message received so far, as raw JSON text.
    var texts: [String] { raw.withLock { $0 } }

    /// Messages of one type, top-level fields stringified.
    func messages(_ type: String) -> [[String: String]] { received.withLock { $0.filter { $0["type"] == type } } }

    /// The first message of a type, parsed fully.
    func firstObject(_ type: String) -> [String: Any]? {
        for text in texts {
            if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
               object["type"] as? String == type { return object }
        }
        return nil
    }

    func send(_ json: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: json)
        socket.send(String(decoding: data, as: UTF8.self))
    }

    func close() async { try? await socket.close(code: .normalClosure) }
}

extension TestApp {
    /// Starts the HTTP server on an ephemeral loopback port and returns the port.
    func startServer() async throws -> Int {
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        return try #require(app.http.server.shared.localAddress?.port)
    }

    func stopServer() async { await app.server.shutdown() }
}
