import NIOConcurrencyHelpers
import NIOCore
import Testing
import Vapor

/// A server-side WebSocketKit socket on an `EmbeddedChannel` whose writes wait at a `WriteGate`, so a test decides
/// exactly when (and whether) the client "reads". Everything runs on the test's thread: the embedded loop only
/// runs tasks in `run()` and timers in `advance(by:)`. Call `finish()` before the socket goes away (WebSocketKit
/// asserts that a socket is closed before it is freed).
struct GatedSocket {
    let channel = EmbeddedChannel()
    let gate = WriteGate()
    let socket: WebSocket

    init() throws {
        try channel.pipeline.syncOperations.addHandler(gate)
        let made = NIOLockedValueBox<WebSocket?>(nil)
        _ = WebSocket.server(on: channel) { socket in made.withLockedValue { $0 = socket } }
        channel.embeddedEventLoop.run()
        socket = try #require(made.withLockedValue { $0 })
        channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 9), promise: nil)
        channel.embeddedEventLoop.run()
    }

    /// Runs what has been queued on the loop (a `close` goes through `execute`).
    func run() { channel.embeddedEventLoop.run() }

    /// Moves the loop's clock to `amount` from now, firing timers such as the heartbeat. From the wall clock, not
    /// the loop's own (which starts at zero): WebSocketKit schedules its pings at `NIODeadline.now() + interval`.
    func advance(by amount: TimeAmount) { channel.embeddedEventLoop.advanceTime(to: .now() + amount) }

    /// Closes the channel (failing held writes) and cancels leftover timers.
    func finish() { _ = try? channel.finish(acceptAlreadyClosed: true) }
}
