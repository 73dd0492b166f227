@testable import API
import Foundation
import NIOCore
import NIOWebSocket
import Testing
import TradingCore
import Vapor

/// `ClientConnection`'s protection against a client that does not read, on a socket whose writes are held at a
/// gate: price frames are skipped past the price backlog limit, and past the hard limit the connection is closed.
/// The tests are synchronous on purpose: the embedded event loop may only be used from the thread that made it.
@Suite("WebSocket backlog: a client that does not read loses prices, then its connection")
struct ClientBacklogTests {
    private let user = UserID(UUID())

    @Test("past the price limit price frames are skipped but events still queue; prices resume once the client reads")
    func pricesSkipped() throws {
        let gated = try GatedSocket()
        defer { gated.finish() }
        let connection = ClientConnection(user: user, socket: gated.socket, priceBacklogLimit: 4, hardBacklogLimit: 10)

        for index in 0..<4 { #expect(connection.send("price \(index)", droppable: true)) }
        #expect(connection.backlog == 4)
        #expect(!connection.send("price 4", droppable: true))
        #expect(connection.send("event", droppable: false)) // events are never skipped
        #expect(connection.backlog == 5)
        #expect(gated.gate.texts == ["price 0", "price 1", "price 2", "price 3", "event"])

        gated.gate.release()
        gated.run()
        #expect(connection.backlog == 0)
        #expect(connection.send("price 5", droppable: true))
        #expect(gated.socket.closeCode == nil)
    }

    @Test("past the hard limit the client gets a closing notice and a policy-violation close, once, and nothing after")
    func closedPastHardLimit() throws {
        let gated = try GatedSocket()
        defer { gated.finish() }
        let connection = ClientConnection(user: user, socket: gated.socket, priceBacklogLimit: 2, hardBacklogLimit: 5)

        for index in 0..<5 { #expect(connection.send("event \(index)", droppable: false)) }
        #expect(!connection.send("event 5", droppable: false))
        gated.run()
        #expect(gated.socket.closeCode == .policyViolation)
        #expect(gated.gate.closeCode == .policyViolation)
        let notice = try #require(gated.gate.texts.last)
        #expect(notice.contains(#""type":"closing""#) && notice.contains("client too slow"), "\(notice)")
        #expect(gated.gate.frames.count == 7) // five events, the notice, the close frame

        // Whatever else happens for this user, nothing more is queued behind the close frame, so the hard limit
        // really bounds what a client that never reads can make the server hold.
        for index in 6..<50 { _ = connection.send("event \(index)", droppable: false) }
        #expect(!connection.send("price", droppable: true))
        connection.close(code: .goingAway, reason: "server shutting down")
        gated.run()
        #expect(gated.gate.frames.count == 7)

        // Nor once the writes drain: the close frame was the last thing this client may be sent.
        gated.gate.release()
        gated.run()
        #expect(connection.backlog == 0)
        #expect(!connection.send("late event", droppable: false))
        #expect(gated.gate.frames.count == 7)
    }

    @Test("production limits: prices stop at 64 unsent frames and the connection closes past 4,096")
    func defaultLimits() throws {
        let gated = try GatedSocket()
        defer { gated.finish() }
        let connection = ClientConnection(user: user, socket: gated.socket)

        let prices = (0..<64).filter { _ in connection.send("price", droppable: true) }.count
        #expect(prices == 64)
        #expect(!connection.send("price", droppable: true))
        let events = (64..<4_096).filter { _ in connection.send("event", droppable: false) }.count
        #expect(events == 4_096 - 64)
        #expect(connection.backlog == 4_096)
        gated.run()
        #expect(gated.socket.closeCode == nil)

        #expect(!connection.send("event", droppable: false))
        gated.run()
        #expect(gated.socket.closeCode == .policyViolation)
    }

    @Test("a connection cut off for not reading is torn down by the heartbeat, though its close frame never leaves")
    func heartbeatTearsDown() throws {
        let gated = try GatedSocket()
        defer { gated.finish() }
        gated.socket.pingInterval = .seconds(20) // as SocketController sets it; the first ping goes out now
        let connection = ClientConnection(user: user, socket: gated.socket, priceBacklogLimit: 2, hardBacklogLimit: 5)
        for _ in 0..<5 { connection.send("event", droppable: false) }
        connection.send("event", droppable: false)
        gated.run()
        #expect(gated.socket.closeCode == .policyViolation)
        // A close handshake needs the client to read the close frame and answer, which it never will.
        #expect(gated.channel.isActive)

        // The unanswered ping times out and, as a close is already under way, WebSocketKit drops the channel
        // instead of queueing another close frame behind the backlog.
        gated.advance(by: .seconds(20))
        #expect(!gated.channel.isActive)
        #expect(connection.backlog == 0) // the held writes failed with the channel
    }
}
