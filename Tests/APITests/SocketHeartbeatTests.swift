@testable import API
import Foundation
import Testing
import Vapor

/// The WebSocket heartbeat over a real socket: the server pings at the interval it announces in `welcome`, keeps
/// a client that answers and drops one that does not. The interval is shortened to a second or two for the tests.
@Suite("WebSocket heartbeat: server pings, and closes sockets that do not answer")
struct SocketHeartbeatTests {
    @Test("the server pings at the announced interval and a client that answers stays connected")
    func answeredPings() async throws {
        try await withTestApp(configure: { $0.socketHeartbeatSeconds = 1 }) { app in
            let port = try await app.startServer()
            let (token, _) = try await app.register()
            let socket = try await SocketClient.connect(port: port, query: "?token=\(token)", on: app.app.eventLoopGroup)
            #expect(await eventually { !socket.messages("welcome").isEmpty })
            #expect(socket.messages("welcome").first?["heartbeat_seconds"] == "1")

            // Three pings span two intervals; each check at an interval would have closed the socket had the
            // previous ping's pong (sent by WebSocketKit's client) not been taken as an answer.
            #expect(await eventually { socket.pingsReceived >= 3 })
            #expect(!socket.socket.isClosed)
            #expect(app.services.sockets.count == 1)
            try socket.send(["type": "ping"]) // the application-level ping is answered too
            #expect(await eventually { !socket.messages("pong").isEmpty })
            await socket.close()
            await app.stopServer()
        }
    }

    @Test("a client that never answers a ping is disconnected after the interval")
    func unansweredPings() async throws {
        try await withTestApp(configure: { $0.socketHeartbeatSeconds = 2 }) { app in
            let port = try await app.startServer()
            let (token, _) = try await app.register()
            let silent = try await StalledSocket.connect(port: port, token: token)
            defer { silent.close() }
            #expect(await eventually { app.services.sockets.count == 1 })
            #expect(await eventually { app.services.sockets.count == 0 })
            await app.stopServer()
        }
    }

    @Test("production interval: 20 seconds")
    func defaultInterval() {
        #expect(AppConfig().socketHeartbeatSeconds == 20)
    }
}
