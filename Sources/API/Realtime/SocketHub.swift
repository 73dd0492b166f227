import Engine
import Foundation
import MarketData
import NIOWebSocket
import Synchronization
import TradingCore
import Vapor

/// Fans engine events out to the sockets of the user they belong to, and coalesced prices to subscribers.
///
/// Nothing here ever waits on a client: `publish` encodes once and queues a frame per socket; a socket that stops
/// reading first loses price updates and then its connection, so a slow browser cannot hold up the engine.
final class SocketHub: EngineEventSink, Sendable {
    private let connections = Mutex<[UserID: [UUID: ClientConnection]]>([:])
    private let telemetry: Telemetry
    /// Where a user's messages also go, for their sockets on other instances (set once the cluster is wired).
    private let relay = Mutex<(@Sendable (String, UserID) -> Void)?>(nil)

    init(telemetry: Telemetry) { self.telemetry = telemetry }

    func add(_ connection: ClientConnection) {
        connections.withLock { $0[connection.user, default: [:]][connection.id] = connection }
        telemetry.openSockets.increment(by: 1)
    }

    func remove(_ connection: ClientConnection) {
        let removed = connections.withLock { table -> Bool in
            guard table[connection.user]?.removeValue(forKey: connection.id) != nil else { return false }
            if table[connection.user]?.isEmpty == true { table[connection.user] = nil }
            return true
        }
        if removed { telemetry.openSockets.decrement(by: 1) }
    }

    /// Sends every user message also to `relay` (the other instances).
    func relayMessages(to relay: @escaping @Sendable (String, UserID) -> Void) {
        self.relay.withLock { $0 = relay }
    }

    /// Delivers a message another instance relayed to this user's sockets here.
    func deliverRelayed(_ text: String, to user: UserID) {
        for connection in sockets(of: user) { connection.send(text, droppable: false) }
    }

    /// Closes every open socket (at shutdown), telling clients why.
    func closeAll(code: WebSocketErrorCode, reason: String) {
        for connection in all { connection.close(code: code, reason: reason) }
    }

    var count: Int { connections.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// The open sockets of one user (internal so tests can look at a connection's server side).
    func sockets(of user: UserID) -> [ClientConnection] {
        connections.withLock { Array(($0[user] ?? [:]).values) }
    }

    /// Every user with an open socket here.
    var connectedUsers: [UserID] { connections.withLock { Array($0.keys) } }

    private var all: [ClientConnection] { connections.withLock { $0.values.flatMap(\.values) } }

    // MARK: - events

    func publish(_ event: EngineEvent) {
        let text: String
        switch event {
        case let .ruleFired(rule, price, time):
            text = SocketMessage.text(SocketMessage.RuleFired(rule: RuleResponse(rule), price: price.rupeesDouble,
                                                              time: time))
        case let .cartAdded(item, rule):
            text = SocketMessage.text(SocketMessage.CartAdded(item: CartItemResponse(item, ltp: item.priceWhenAdded),
                                                              rule: RuleResponse(rule)))
        case let .orderUpdated(order):
            text = SocketMessage.text(SocketMessage.OrderUpdated(order: OrderResponse(order)))
        case let .signal(record):
            text = SocketMessage.text(SocketMessage.SignalMade(signal: SignalResponse(record)))
        }
        for connection in sockets(of: event.owner) { connection.send(text, droppable: false) }
        relay.withLock { $0 }?(text, event.owner)
    }

    /// Sends `message` to every open socket of `user` (messages that are not engine events: the auto-trader's
    /// state, a backtest's progress). `droppable` messages may be skipped for a slow client, as prices are.
    func send(_ message: some Encodable, to user: UserID, droppable: Bool = false) {
        let text = SocketMessage.text(message)
        for connection in sockets(of: user) { connection.send(text, droppable: droppable) }
        relay.withLock { $0 }?(text, user)
    }

    // MARK: - prices

    /// Sends each subscriber the quotes that changed since it was last sent them; one message per symbol per round,
    /// so a client gets at most one price per symbol per round however fast the ticks come. A client that subscribed
    /// with `"batch": true` gets the round's prices in one `prices` frame.
    ///
    /// The market is read once per round (one lock, not one per client and symbol), each frame is encoded once
    /// (`PriceFrames`), and the writes go to each event loop in one task. Counts are of prices, whether they went in
    /// frames of their own or in batches. Returns how many frames it queued.
    @discardableResult
    func broadcastPrices(from hub: MarketHub, now: Date) -> Int {
        let quotes = hub.sequencedQuotes()
        var frames = PriceFrames(quotes: quotes, sentMilliseconds: Int64((now.timeIntervalSince1970 * 1_000).rounded()))
        var writes: [ObjectIdentifier: (loop: any EventLoop, batch: [(ClientConnection, ArraySlice<ByteBuffer>)])] = [:]
        var sent = 0, dropped = 0, queued = 0
        for connection in all {
            let changed = connection.takeChanged(quotes)
            guard !changed.isEmpty else { continue }
            let batched = connection.wantsBatchedPrices
            let round = batched ? [frames.batch(changed)] : changed.map { frames.single($0) }
            let accepted = connection.admitPrices(round.count)
            if batched {
                if accepted == 1 { sent += changed.count } else { dropped += changed.count }
            } else {
                sent += accepted
                dropped += round.count - accepted
            }
            guard accepted > 0 else { continue }
            queued += accepted
            let loop = connection.socket.eventLoop
            writes[ObjectIdentifier(loop), default: (loop, [])].batch.append((connection, round.prefix(accepted)))
        }
        for (loop, batch) in writes.values {
            loop.execute {
                for (connection, frames) in batch { connection.writePrices(frames) }
            }
        }
        if sent > 0 { telemetry.sentPriceMessages.increment(by: Int64(sent)) }
        if dropped > 0 { telemetry.droppedSocketMessages.increment(by: Int64(dropped)) }
        return queued
    }
}
