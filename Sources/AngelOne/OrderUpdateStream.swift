import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import WebSocketKit

/// One account's order updates from SmartAPI's order-update WebSocket (§3), as an `AsyncStream` of `OrderUpdate`.
///
/// Connects with the session's tokens (`Authorization: Bearer`, plus the `x-` headers the SDK sends), pings every
/// 10 seconds, and reconnects with backoff when the connection ends, asking the session for fresh tokens (after a
/// refusal, a new login). Frames that are not order updates (the `0x00` keep-alives) are skipped. Updates missed
/// while disconnected are not replayed by the broker: whoever consumes this reconciles with the order book after
/// every (re)connection, which `connected` in the stream announces.
public final class OrderUpdateStream: Sendable {
    /// What the stream yields: an update, or the news that a connection opened (so the consumer reconciles).
    public enum Event: Equatable, Sendable {
        case connected
        case update(OrderUpdate)
    }

    public struct Configuration: Sendable {
        /// `ANGELONE_ORDER_STREAM_URL`: `wss://tns.angelone.in/smart-order-update` in production.
        public var url: String
        public var pingInterval: Duration
        public var initialBackoff: Duration
        public var maxBackoff: Duration

        public init(url: String, pingInterval: Duration = .seconds(10), initialBackoff: Duration = .seconds(1),
                    maxBackoff: Duration = .seconds(60)) {
            self.url = url
            self.pingInterval = pingInterval
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }
    }

    private let configuration: Configuration
    private let credentials: @Sendable (_ refusedBefore: Bool) async throws -> SmartStreamFeed.Credentials
    private let group: any EventLoopGroup
    private let lastError = Mutex<String?>(nil)

    public init(configuration: Configuration,
                credentials: @escaping @Sendable (_ refusedBefore: Bool) async throws -> SmartStreamFeed.Credentials,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.credentials = credentials
        self.group = group
    }

    /// Why the last connection ended or was refused, if it did.
    public var problem: String? { lastError.withLock { $0 } }

    /// Connects and keeps connecting until the consumer stops iterating.
    public func events() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(10_000))
        let task = Task { await self.run(continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func run(_ output: AsyncStream<Event>.Continuation) async {
        var failures = 0
        var refused = false
        while !Task.isCancelled {
            let ending = await connectOnce(output, refusedBefore: refused)
            refused = ending.refused
            lastError.withLock { $0 = ending.reason }
            guard !Task.isCancelled else { break }
            failures = ending.opened ? 1 : failures + 1
            let backoff = ReconnectBackoff(initial: configuration.initialBackoff, maximum: configuration.maxBackoff)
            try? await Task.sleep(for: backoff.delay(after: failures))
        }
        output.finish()
    }

    private struct Ending {
        var reason: String
        var opened: Bool
        var refused: Bool
    }

    private func connectOnce(_ output: AsyncStream<Event>.Continuation, refusedBefore: Bool) async -> Ending {
        let current: SmartStreamFeed.Credentials
        do {
            current = try await credentials(refusedBefore)
        } catch {
            return Ending(reason: "no session for order updates: \(error)", opened: false, refused: false)
        }
        let headers: HTTPHeaders = ["Authorization": "Bearer \(current.jwt)", "x-api-key": current.apiKey,
                                    "x-client-code": current.clientCode, "x-feed-token": current.feedToken]
        let closed = ClosedSignal()
        do {
            try await WebSocket.connect(to: configuration.url, headers: headers, on: group) { [configuration] socket in
                socket.pingInterval = TimeAmount.nanoseconds(Int64(configuration.pingInterval.components.seconds) * 1_000_000_000)
                closed.attach(socket)
                socket.onText { _, text in
                    // Keep-alives and anything else that is not an update are skipped.
                    if let update = try? OrderUpdate.decode(text) { output.yield(.update(update)) }
                }
                socket.onClose.whenComplete { _ in closed.fire() }
                output.yield(.connected)
            }.get()
        } catch WebSocketClient.Error.invalidResponseStatus(let head) {
            return Ending(reason: "the order-update socket refused the connection: HTTP \(head.status.code)",
                          opened: false, refused: head.status == .unauthorized || head.status == .forbidden)
        } catch {
            return Ending(reason: "the order-update socket is unreachable: \(error)", opened: false, refused: false)
        }
        await withTaskCancellationHandler {
            await closed.wait()
        } onCancel: {
            closed.close()
        }
        return Ending(reason: "the order-update socket closed", opened: true, refused: false)
    }

    /// Lets the connection loop wait for a socket to close.
    final class ClosedSignal: Sendable {
        private struct State {
            var socket: WebSocket?
            var closed = false
            var waiter: CheckedContinuation<Void, Never>?
        }

        private let state = Mutex(State())

        func attach(_ socket: WebSocket) { state.withLock { $0.socket = socket } }

        func fire() {
            let waiter = state.withLock { state in
                state.closed = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        func close() {
            let socket = state.withLock { $0.socket }
            _ = socket?.close(code: .goingAway)
            fire()
        }

        func wait() async {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.closed { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }
}
