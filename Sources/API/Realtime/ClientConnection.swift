import Foundation
import NIOWebSocket
import Synchronization
import TradingCore
import Vapor

/// One open, authenticated WebSocket: its user, the symbols it watches and how far behind its writes are.
final class ClientConnection: Sendable {
    let id = UUID()
    let user: UserID
    let socket: WebSocket
    /// Subscribed symbols and the quote sequence last sent for each (0 = nothing sent yet).
    private let subscriptions = Mutex<[Symbol: UInt64]>([:])
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

    init(user: UserID, socket: WebSocket, priceBacklogLimit: Int = ClientConnection.priceBacklogLimit,
         hardBacklogLimit: Int = ClientConnection.hardBacklogLimit) {
        self.user = user
        self.socket = socket
        self.priceLimit = priceBacklogLimit
        self.hardLimit = hardBacklogLimit
    }

    /// Frames queued on the socket whose write has not completed yet.
    var backlog: Int { outstanding.load(ordering: .relaxed) }

    func subscribe(_ symbols: [Symbol]) {
        subscriptions.withLock { table in
            for symbol in symbols where table[symbol] == nil { table[symbol] = 0 }
        }
    }

    func unsubscribe(_ symbols: [Symbol]) {
        subscriptions.withLock { table in
            for symbol in symbols { table[symbol] = nil }
        }
    }

    var subscribedSymbols: [Symbol] { subscriptions.withLock { Array($0.keys) } }

    /// From now on, send each round's prices in one `prices` frame.
    func batchPrices() { batched.store(true, ordering: .relaxed) }

    var wantsBatchedPrices: Bool { batched.load(ordering: .relaxed) }

    /// Symbols whose latest sequence differs from the one last sent, marking them sent.
    func takeChanged(_ sequence: (Symbol) -> UInt64) -> [Symbol] {
        subscriptions.withLock { table in
            var changed: [Symbol] = []
            for (symbol, sent) in table {
                let latest = sequence(symbol)
                if latest != sent {
                    table[symbol] = latest
                    changed.append(symbol)
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

    /// Queues price frames as `send(_:droppable: true)` would, one by one (those past the price backlog limit are
    /// dropped), but hands all of them to the socket's event loop in one go: a round of prices to a thousand clients
    /// is then a thousand tasks on the event loops, not fifty thousand. Returns how many were dropped.
    func sendPrices(_ texts: [String]) -> Int {
        if closing.load(ordering: .relaxed) { return texts.count }
        let backlog = outstanding.load(ordering: .relaxed)
        let accepted = Array(texts.prefix(max(0, priceLimit - backlog)))
        guard !accepted.isEmpty else { return texts.count }
        outstanding.add(accepted.count, ordering: .relaxed)
        // Frames on one socket complete in order, so the last one's write completing accounts for the whole batch.
        let promise = socket.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [self] _ in
            self.outstanding.subtract(accepted.count, ordering: .relaxed)
        }
        let socket = self.socket
        socket.eventLoop.execute {
            for (index, text) in accepted.enumerated() {
                socket.send(text, promise: index == accepted.count - 1 ? promise : nil)
            }
        }
        return texts.count - accepted.count
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
