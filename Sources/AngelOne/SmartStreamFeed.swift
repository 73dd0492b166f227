import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import TradingCore
import WebSocketKit

/// Angel One's live prices as a `QuoteFeed`: one SmartStream 2.0 connection, subscribed to the catalogue's tokens,
/// its binary frames decoded into ticks for the engine (`../shared/reference/protocols.md` §2).
///
/// It keeps itself alive: a text `ping` every `heartbeat`, and a connection from which nothing at all (not even a
/// `pong`) arrived for `silenceLimit` is closed and opened again, as is one the server closes. Reconnecting waits
/// with exponential backoff and jitter, asks for fresh credentials (the session may have logged in again) and
/// subscribes again. Frames that do not decode are counted by reason and skipped; none stops the feed.
public final class SmartStreamFeed: QuoteFeed {
    /// What the socket needs to open: the four headers SmartStream checks.
    public struct Credentials: Sendable, CustomStringConvertible {
        public let jwt: String
        public let apiKey: String
        public let clientCode: String
        public let feedToken: String

        public init(jwt: String, apiKey: String, clientCode: String, feedToken: String) {
            self.jwt = jwt
            self.apiKey = apiKey
            self.clientCode = clientCode
            self.feedToken = feedToken
        }

        public var description: String { "SmartStream credentials for \(clientCode) (secrets hidden)" }
    }

    /// Where to connect and how patiently.
    public struct Configuration: Sendable {
        /// `ANGELONE_STREAM_URL`: `wss://smartapisocket.angelone.in/smart-stream` in production.
        public var url: String
        public var mode: SmartStreamMode
        /// SmartStream wants a `ping` at least every 30 seconds.
        public var heartbeat: Duration
        /// Nothing received for this long means the connection is dead.
        public var silenceLimit: Duration
        public var initialBackoff: Duration
        public var maxBackoff: Duration

        public init(url: String, mode: SmartStreamMode = .quote, heartbeat: Duration = .seconds(25),
                    silenceLimit: Duration = .seconds(60), initialBackoff: Duration = .seconds(1),
                    maxBackoff: Duration = .seconds(60)) {
            self.url = url
            self.mode = mode
            self.heartbeat = heartbeat
            self.silenceLimit = silenceLimit
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }
    }

    public let name = "angelone"
    private let configuration: Configuration
    private let catalogue: Mutex<Catalogue>
    /// Asked before every connection; its argument says whether the last attempt was refused for its credentials
    /// (a session that has to log in again).
    private let credentials: @Sendable (_ refusedBefore: Bool) async throws -> Credentials
    private let group: any EventLoopGroup
    private let state: Mutex<FeedHealth>

    /// `instruments` pairs each catalogue symbol with its instrument (from the instrument master).
    public init(configuration: Configuration, instruments: [(symbol: Symbol, instrument: Instrument)],
                credentials: @escaping @Sendable (_ refusedBefore: Bool) async throws -> Credentials,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws(SmartStreamSubscription.TooMany) {
        self.configuration = configuration
        catalogue = Mutex(try Catalogue(mode: configuration.mode, instruments: instruments))
        self.credentials = credentials
        self.group = group
        state = Mutex(FeedHealth(state: .connecting, since: Date()))
    }

    /// Swaps in a new instrument list (the instrument master of a new day); the next connection subscribes it.
    public func replaceInstruments(_ instruments: [(symbol: Symbol, instrument: Instrument)])
        throws(SmartStreamSubscription.TooMany) {
        let replacement = try Catalogue(mode: configuration.mode, instruments: instruments)
        catalogue.withLock { $0 = replacement }
    }

    /// What the feed subscribes and how it maps a frame's token back to a symbol.
    struct Catalogue: Sendable {
        let subscription: SmartStreamSubscription
        /// Token (with its exchange type) to the symbol StockCart knows it by.
        let symbols: [Key: Symbol]

        /// A frame's instrument: hashed as it is, without building a string per frame.
        struct Key: Hashable, Sendable {
            let exchangeType: UInt8
            let token: String
        }

        init(mode: SmartStreamMode, instruments: [(symbol: Symbol, instrument: Instrument)])
            throws(SmartStreamSubscription.TooMany) {
            let streamable = instruments.compactMap { pair in
                pair.instrument.streamExchangeType.map { (exchangeType: $0, token: pair.instrument.token, symbol: pair.symbol) }
            }
            subscription = try SmartStreamSubscription(mode: mode,
                                                       instruments: streamable.map { ($0.exchangeType, $0.token) })
            symbols = Dictionary(streamable.map { (Key(exchangeType: $0.exchangeType, token: $0.token), $0.symbol) },
                                 uniquingKeysWith: { first, _ in first })
        }
    }

    /// How the connection is doing now.
    public var status: FeedHealth { state.withLock { $0 } }
    public var health: FeedHealth? { status }

    public func ticks() -> AsyncStream<Tick> {
        let (stream, continuation) = AsyncStream.makeStream(of: Tick.self, bufferingPolicy: .bufferingNewest(10_000))
        let task = Task { await self.run(continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    // MARK: - connection loop

    private func run(_ output: AsyncStream<Tick>.Continuation) async {
        var failures = 0
        var refused = false
        while !Task.isCancelled {
            let ended = await connectOnce(output, refusedBefore: refused)
            refused = ended.refused
            guard !Task.isCancelled else { break }
            failures = ended.receivedFrames ? 1 : failures + 1
            let delay = backoff(after: failures)
            state.withLock { health in
                health.state = .reconnecting
                health.since = Date()
                health.lastError = ended.reason
                health.lastDisconnect = ended.reason
                health.reconnects += 1
            }
            try? await Task.sleep(for: delay)
        }
        output.finish()
    }

    /// The wait before reconnecting (`ReconnectBackoff` from the configuration's initial and maximum).
    func backoff(after failures: Int) -> Duration {
        ReconnectBackoff(initial: configuration.initialBackoff, maximum: configuration.maxBackoff).delay(after: failures)
    }

    /// How one connection ended.
    struct Ending: Sendable {
        var reason: String
        var receivedFrames: Bool
        /// SmartStream refused the handshake (HTTP 401: a token the session must renew).
        var refused = false
    }

    /// Opens the socket, subscribes and streams until the connection ends; never throws.
    private func connectOnce(_ output: AsyncStream<Tick>.Continuation, refusedBefore: Bool) async -> Ending {
        state.withLock { health in
            health.state = .connecting
            health.since = Date()
        }
        let current: Credentials
        do {
            current = try await credentials(refusedBefore)
        } catch {
            return Ending(reason: "no session for the market feed: \(error)", receivedFrames: false)
        }
        let headers: HTTPHeaders = ["Authorization": "Bearer \(current.jwt)", "x-api-key": current.apiKey,
                                    "x-client-code": current.clientCode, "x-feed-token": current.feedToken]
        let connection = Connection()
        do {
            try await WebSocket.connect(to: configuration.url, headers: headers,
                                        configuration: .init(maxFrameSize: 1 << 20), on: group) { socket in
                connection.attach(socket)
                socket.onBinary { [self] _, buffer in received(binary: buffer, output: output, connection: connection) }
                socket.onText { [self] _, text in received(text: text, connection: connection) }
                socket.onClose.whenComplete { _ in connection.closed() }
                // Live from the moment the subscription goes out (set before it, so whoever sees the subscription
                // sees the state too).
                self.state.withLock { health in
                    health.state = .live
                    health.since = Date()
                    health.lastError = nil
                }
                socket.send(self.catalogue.withLock { $0.subscription }.message())
            }.get()
        } catch WebSocketClient.Error.invalidResponseStatus(let head) {
            let reason = head.headers.first(name: "x-error-message") ?? "HTTP \(head.status.code)"
            return Ending(reason: "SmartStream refused the connection: \(reason)", receivedFrames: false,
                          refused: head.status == .unauthorized || head.status == .forbidden)
        } catch {
            return Ending(reason: "SmartStream unreachable: \(error)", receivedFrames: false)
        }
        await withTaskCancellationHandler {
            await keepAlive(connection)
        } onCancel: {
            connection.close(reason: "stopped")
        }
        return Ending(reason: connection.reason ?? "closed by the server", receivedFrames: connection.receivedFrames)
    }

    /// Pings every heartbeat and closes a connection silent for longer than the limit; returns once it is closed
    /// (looking every 100 ms, so a closed connection is reopened at once).
    private func keepAlive(_ connection: Connection) async {
        let poll = Duration.milliseconds(100)
        var sincePing = Duration.zero
        while !connection.isClosed {
            try? await Task.sleep(for: poll)
            sincePing += poll
            if sincePing >= configuration.heartbeat {
                connection.send("ping")
                sincePing = .zero
            }
            if let silence = connection.silence, silence > configuration.silenceLimit {
                connection.close(reason: "nothing received for \(silence.components.seconds) s: the feed is silent")
            }
        }
    }

    private func received(binary buffer: ByteBuffer, output: AsyncStream<Tick>.Continuation, connection: Connection) {
        connection.heard()
        let decoded = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(SmartStreamFrameError) in try SmartStreamDecoder.decode(bytes) }
        }
        let now = Date()
        switch decoded {
        case .failure(let error):
            state.withLock { health in
                health.lastFrameAt = now
                health.badFrames[error.reason.rawValue, default: 0] += 1
            }
        case .success(let packet):
            let key = Catalogue.Key(exchangeType: packet.exchangeType, token: packet.token)
            guard let symbol = catalogue.withLock({ $0.symbols[key] }), let price = packet.lastTradedPrice,
                  packet.priceDivisor == 100 else {
                state.withLock { health in
                    health.lastFrameAt = now
                    health.unknownInstruments += 1
                }
                return
            }
            state.withLock { health in
                health.lastFrameAt = now
                health.lastTickAt = now
            }
            let time = Date(timeIntervalSince1970: Double(packet.exchangeTimestamp) / 1_000)
            output.yield(Tick(symbol: symbol, price: Money(paise: price), volume: packet.quote?.lastTradedQuantity ?? 0,
                              time: time))
        }
    }

    private func received(text: String, connection: Connection) {
        connection.heard()
        state.withLock { $0.lastFrameAt = Date() }
        // `pong`, or a JSON error about a subscription: nothing to do but note it.
        if text != "pong", text.contains("errorCode") {
            state.withLock { $0.lastError = "SmartStream: \(text.prefix(200))" }
        }
    }

    /// One open socket and what it has heard, shared by its callbacks and the keep-alive loop.
    final class Connection: Sendable {
        private struct Inner {
            var socket: WebSocket?
            var lastHeard = ContinuousClock.now
            var heardAnything = false
            var closed = false
            var reason: String?
        }

        private let inner = Mutex(Inner())

        func attach(_ socket: WebSocket) { inner.withLock { $0.socket = socket } }
        func heard() { inner.withLock { $0.lastHeard = .now; $0.heardAnything = true } }
        func closed() { inner.withLock { $0.closed = true } }
        var isClosed: Bool { inner.withLock { $0.closed } }
        var receivedFrames: Bool { inner.withLock { $0.heardAnything } }
        var reason: String? { inner.withLock { $0.reason } }
        var silence: Duration? { inner.withLock { $0.closed ? nil : ContinuousClock.now - $0.lastHeard } }

        func send(_ text: String) { inner.withLock { $0.socket }?.send(text) }

        /// Ends the connection without waiting for the peer: a dead peer never answers the close handshake, so the
        /// connection counts as closed at once (the feed reconnects), and the socket is left to WebSocketKit's own
        /// ping timeout, which closes the channel itself when no pong comes back.
        func close(reason: String) {
            let socket = inner.withLock { inner -> WebSocket? in
                if inner.reason == nil { inner.reason = reason }
                inner.closed = true
                return inner.socket
            }
            guard let socket, !socket.isClosed else { return }
            _ = socket.close(code: .goingAway)
            socket.pingInterval = .seconds(2)
        }
    }
}
