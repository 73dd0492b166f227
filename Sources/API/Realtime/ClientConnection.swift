import Foundation
import MarketData
import NIOWebSocket
import Synchronization
import TradingCore
import Vapor

/// One open, authenticated WebSocket: its user, the symbols it watches and how far behind its writes are.
final class ClientConnection: Sendable {
    let id = UUID.random()
    let user: UserID
    /// The session version of the token the socket signed in with: a later logout or password change closes it.
    let sessionVersion: Int64
    let socket: WebSocket
    /// The quote sequence last sent for each market position (an index into `MarketHub.stocks`): 0 when subscribed
    /// and nothing sent yet, `notSubscribed` when not subscribed.
    private let subscriptions = Mutex<[UInt64]>([])
    private static let notSubscribed = UInt64.max
    /// Writes handed to the socket and not yet flushed to the kernel.
    private let outstanding = Atomic<Int>(0)
    /// Whether this client takes each round's prices as one `prices` frame (it asked for it when subscribing).
    private let batched = Atomic<Bool>(false)
    /// Set by the first `close`: once the close frame is queued nothing else may follow it, and a client cut off
    /// for not reading would otherwise get another notice queued (outside the backlog count) for every event.
    private let closing = Atomic<Bool>(false)

    /// Past this many unflushed writes, price updates to this client are skipped (a newer one follows anyway).
    static let priceBacklogLimit = 64
    /// Past this many, the client is not reading at all and is disconnected.
    static let hardBacklogLimit = 4_096

    /// This connection's limits: the defaults above in production; tests pass small ones.
    private let priceLimit: Int
    private let hardLimit: Int

    init(user: UserID, sessionVersion: Int64 = 0, socket: WebSocket, priceBacklogLimit: Int = ClientConnection.priceBacklogLimit,
         hardBacklogLimit: Int = ClientConnection.hardBacklogLimit) {
        self.user = user
        self.sessionVersion = sessionVersion
        self.socket = socket
        self.priceLimit = priceBacklogLimit
        self.hardLimit = hardBacklogLimit
    }

    /// Frames queued on the socket whose write has not completed yet.
    var backlog: Int { outstanding.load(ordering: .relaxed) }

    /// Adds market positions (indexes into `MarketHub.stocks`) to the subscription.
    func subscribe(_ positions: [Int]) {
        subscriptions.withLock { table in
            for position in positions where position >= 0 {
                if position >= table.count {
                    table.append(contentsOf: repeatElement(Self.notSubscribed, count: position + 1 - table.count))
                }
                if table[position] == Self.notSubscribed { table[position] = 0 }
            }
        }
    }

    func unsubscribe(_ positions: [Int]) {
        subscriptions.withLock { table in
            for position in positions where table.indices.contains(position) { table[position] = Self.notSubscribed }
        }
    }

    /// The subscribed market positions, in market order.
    var subscribedPositions: [Int] {
        subscriptions.withLock { table in table.indices.filter { table[$0] != Self.notSubscribed } }
    }

    /// From now on, send each round's prices in one `prices` frame.
    func batchPrices() { batched.store(true, ordering: .relaxed) }

    var wantsBatchedPrices: Bool { batched.load(ordering: .relaxed) }

    /// Positions of subscribed quotes whose sequence differs from the one last sent, in market order, marking them
    /// sent. `quotes` is the hub's list (`MarketHub.sequencedQuotes()`): a plain walk over two arrays, no hashing,
    /// because a round does this for every client.
    func takeChanged(_ quotes: [SequencedQuote]) -> [Int] {
        subscriptions.withLock { table in
            var changed: [Int] = []
            for position in 0..<min(table.count, quotes.count) {
                let sent = table[position]
                let latest = quotes[position].sequence
                if sent != Self.notSubscribed && sent != latest {
                    table[position] = latest
                    changed.append(position)
                }
            }
            return changed
        }
    }

    /// Queues a text frame without waiting. Returns false when it was dropped because the client is behind.
    @discardableResult
    func send(_ text: String, droppable: Bool) -> Bool {
        if closing.load(ordering: .relaxed) { return false }
        let backlog = outstanding.load(ordering: .relaxed)
        if droppable && backlog >= priceLimit { return false }
        if backlog >= hardLimit {
            close(code: .policyViolation, reason: "client too slow")
            return false
        }
        outstanding.add(1, ordering: .relaxed)
        let promise = socket.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [self] _ in self.outstanding.subtract(1, ordering: .relaxed) }
        socket.send(text, promise: promise)
        return true
    }

    /// Takes up to `count` price frames into this client's backlog, as many as the price backlog limit leaves room
    /// for, and returns how many it took; the rest are dropped (a newer price follows anyway). The frames taken must
    /// then be written with `writePrices` on the socket's event loop.
    func admitPrices(_ count: Int) -> Int {
        if closing.load(ordering: .relaxed) { return 0 }
        let accepted = min(count, max(0, priceLimit - outstanding.load(ordering: .relaxed)))
        if accepted > 0 { outstanding.add(accepted, ordering: .relaxed) }
        return accepted
    }

    /// Writes price frames admitted by `admitPrices`. On the socket's event loop: a round of prices to a thousand
    /// clients is then one task per event loop, not one per client or per frame.
    func writePrices(_ frames: ArraySlice<ByteBuffer>) {
        guard let last = frames.indices.last else { return }
        socket.eventLoop.preconditionInEventLoop()
        // Frames on one socket complete in order, so the last one's write completing accounts for all of them.
        let promise = socket.eventLoop.makePromise(of: Void.self)
        let count = frames.count
        promise.futureResult.whenComplete { [self] _ in self.outstanding.subtract(count, ordering: .relaxed) }
        for index in frames.indices {
            socket.send(frames[index], opcode: .text, promise: index == last ? promise : nil)
        }
    }

    func close(code: WebSocketErrorCode, reason: String) {
        guard closing.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        // The close frame carries the reason; WebSocketKit's close(code:) has no reason parameter, so send it first.
        let socket = self.socket
        socket.eventLoop.execute {
            guard !socket.isClosed else { return }
            socket.send(SocketMessage.text(SocketMessage.Notice(type: "closing", reason: reason)))
            _ = socket.close(code: code)
        }
    }
}
