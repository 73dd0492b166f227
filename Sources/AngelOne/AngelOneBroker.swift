import Foundation
import Logging
import Synchronization
import TradingCore

/// StockCart's orders carried out on Angel One, each through its owner's own session (`BROKER=angelone`).
///
/// A placement goes out once, tagged with its StockCart order (`OrderTag`). Its outcome follows the owner's
/// order-update socket: a complete order's price and quantity are read from the trade book (averaged over its
/// fills), a rejection or a cancellation closes it with the broker's reason. After every (re)connection of that
/// socket, and for the orders pending at a restart, the order book is read and each order's state taken from it, so
/// an update missed while disconnected is never lost. A placement whose answer never came (a timeout) is looked up in
/// the order book by its tag, never placed again.
///
/// What it learns it reports (`reports`), for the engine to commit in order with everything else.
public final class AngelOneBroker: Broker {
    public let name = "angelone"
    /// The exchange may fill an order after its cancellation was requested: the order-update socket says which.
    public let confirmsCancellations = true

    /// How long to keep looking for a placement whose answer was lost, and how often.
    public struct Patience: Sendable {
        public var confirmationAttempts: Int
        public var confirmationInterval: Duration
        /// A complete order whose fills the trade book does not list yet is read again this many times.
        public var tradeBookAttempts: Int
        public var tradeBookInterval: Duration
        public init(confirmationAttempts: Int = 30, confirmationInterval: Duration = .seconds(2),
                    tradeBookAttempts: Int = 5, tradeBookInterval: Duration = .seconds(1)) {
            self.confirmationAttempts = confirmationAttempts
            self.confirmationInterval = confirmationInterval
            self.tradeBookAttempts = tradeBookAttempts
            self.tradeBookInterval = tradeBookInterval
        }
    }

    /// An order the broker is following.
    struct Tracked: Sendable {
        let order: Order
        let tag: String
        var brokerOrderID: String?
        /// A placement whose outcome is being established; reconciliation leaves it alone meanwhile.
        var placing: Bool
    }

    struct State {
        var tracked: [OrderID: Tracked] = [:]
        /// Owners whose order-update socket is running.
        var streams: [UserID: Task<Void, Never>] = [:]
    }

    private let sessions: @Sendable (UserID) -> AngelOneSession?
    private let instruments: @Sendable (Symbol) -> Instrument?
    private let client: SmartAPIClient
    private let orderStream: OrderUpdateStream.Configuration
    private let patience: Patience
    private let logger: Logger
    private let state = Mutex(State())
    private let output: AsyncStream<BrokerReport>.Continuation
    public let reports: AsyncStream<BrokerReport>?

    public init(client: SmartAPIClient, orderStream: OrderUpdateStream.Configuration,
                sessions: @escaping @Sendable (UserID) -> AngelOneSession?,
                instruments: @escaping @Sendable (Symbol) -> Instrument?, patience: Patience = Patience(),
                logger: Logger = Logger(label: "stockcart.angelone.broker")) {
        self.client = client
        self.orderStream = orderStream
        self.sessions = sessions
        self.instruments = instruments
        self.patience = patience
        self.logger = logger
        let (stream, continuation) = AsyncStream.makeStream(of: BrokerReport.self, bufferingPolicy: .unbounded)
        reports = stream
        output = continuation
    }

    /// Stops every order-update socket.
    public func stop() {
        let tasks = state.withLock { state in
            defer { state.streams = [:] }
            return Array(state.streams.values)
        }
        for task in tasks { task.cancel() }
        output.finish()
    }

    /// Orders being followed (for tests and `/metrics`).
    public var trackedCount: Int { state.withLock { $0.tracked.count } }

    // MARK: - Broker

    public func refusal(for owner: UserID) async -> String? {
        guard let session = sessions(owner) else {
            return "connect your Angel One account first (PUT /api/broker): live orders go through it"
        }
        let status = await session.status
        guard status.state == .connected else {
            return "your Angel One session is \(status.state.rawValue)"
                + (status.lastError.map { " (\($0))" } ?? "") + "; reconnect it (POST /api/broker/reconnect)"
        }
        return nil
    }

    /// Places the order once. Never throws: a refusal closes the order with the broker's reason, and an answer that
    /// never came is settled from the order book.
    public func submit(_ order: Order) async throws {
        let tag = OrderTag.of(order.id)
        guard let session = sessions(order.owner) else {
            return close(order.id, .failed, "no Angel One account is connected for this order")
        }
        guard let instrument = instruments(order.symbol) else {
            return close(order.id, .failed, "Angel One's instrument master does not list \(order.symbol) on NSE")
        }
        // Followed before it is placed, so an update that beats the placement's answer finds it.
        state.withLock { $0.tracked[order.id] = Tracked(order: order, tag: tag, brokerOrderID: nil, placing: true) }
        follow(order.owner)
        let placement = OrderPlacement(instrument: instrument, side: order.side == .buy ? .buy : .sell,
                                       quantity: order.quantity, limitPaise: order.limitPrice?.paise, tag: tag)
        let client = client
        do {
            let placed = try await session.perform(.orders) { tokens throws(SmartAPIFailure) in
                try await client.placeOrder(placement, apiKey: session.apiKey, jwt: tokens.jwtToken)
            }
            state.withLock { state in
                state.tracked[order.id]?.brokerOrderID = placed.orderID
                state.tracked[order.id]?.placing = false
            }
            logger.info("order placed at Angel One", metadata: ["order_id": "\(order.id)", "broker_order_id": "\(placed.orderID)"])
        } catch .unreachable(let detail) {
            logger.warning("no answer to a placement; looking for it in the order book",
                           metadata: ["order_id": "\(order.id)", "detail": "\(detail)"])
            Task { await self.confirmPlacement(of: order.id, owner: order.owner) }
        } catch .unreadable(let status, let detail) {
            logger.warning("an unreadable answer to a placement; looking for it in the order book",
                           metadata: ["order_id": "\(order.id)", "http_status": "\(status)", "detail": "\(detail)"])
            Task { await self.confirmPlacement(of: order.id, owner: order.owner) }
        } catch {
            // Refused before it was booked (rejected, rate limited, or no session even after logging in again).
            close(order.id, .failed, "Angel One refused the order: \(error.description)")
        }
    }

    /// An order pending at the last stop: followed, and settled from the order book once its owner's session is up.
    public func resume(_ order: Order) async throws {
        state.withLock { state in
            state.tracked[order.id] = Tracked(order: order, tag: OrderTag.of(order.id), brokerOrderID: nil,
                                              placing: false)
        }
        follow(order.owner)
    }

    public func cancel(_ id: OrderID) async -> Bool {
        // A placement still waiting for its answer (or being looked up after a lost one) has no broker id yet: wait
        // for it a little rather than refuse.
        var tracked = state.withLock { $0.tracked[id] }
        for _ in 0..<50 where tracked?.placing == true && tracked?.brokerOrderID == nil {
            try? await Task.sleep(for: .milliseconds(100))
            tracked = state.withLock { $0.tracked[id] }
        }
        guard let tracked else {
            logger.notice("cancel of an order the broker does not follow (already final)", metadata: ["order_id": "\(id)"])
            return false
        }
        guard let brokerOrderID = tracked.brokerOrderID, let session = sessions(tracked.order.owner) else {
            logger.notice("cancel of an order without a broker id or session", metadata: ["order_id": "\(id)"])
            return false
        }
        let client = client
        do {
            try await session.perform(.orders) { tokens throws(SmartAPIFailure) in
                try await client.cancelOrder(orderID: brokerOrderID, apiKey: session.apiKey, jwt: tokens.jwtToken)
            }
            return true
        } catch {
            logger.notice("Angel One did not cancel the order", metadata: ["order_id": "\(id)", "error": "\(error)"])
            return false
        }
    }

    public func onTick(_ tick: Tick) -> [Execution] { [] }

    // MARK: - following orders

    /// Starts the owner's order-update socket if it is not running.
    private func follow(_ owner: UserID) {
        let sessions = sessions
        let configuration = orderStream
        state.withLock { state in
            // Checked and started under one lock: two placements of one owner never open two sockets.
            guard state.streams[owner] == nil else { return }
            let stream = OrderUpdateStream(configuration: configuration) { refusedBefore in
                guard let session = sessions(owner) else { throw NoSession() }
                let tokens = try await session.streamTokens(refusedBefore: refusedBefore)
                return .init(jwt: tokens.jwtToken, apiKey: session.apiKey, clientCode: session.clientCode,
                             feedToken: tokens.feedToken)
            }
            state.streams[owner] = Task {
                for await event in stream.events() {
                    switch event {
                    case .connected: await self.reconcile(owner)
                    case .update(let update): await self.handle(update)
                    }
                }
            }
        }
    }

    struct NoSession: Error, CustomStringConvertible {
        var description: String { "the user has no Angel One session" }
    }

    /// One update from the socket.
    private func handle(_ update: OrderUpdate) async {
        guard update.status != .connected else { return }
        let found = state.withLock { state in
            state.tracked.first { _, tracked in
                (tracked.brokerOrderID != nil && tracked.brokerOrderID == update.orderID)
                    || (update.orderTag != nil && tracked.tag == update.orderTag)
            }
        }
        guard let (id, tracked) = found else {
            if let tag = update.orderTag, tag.hasPrefix("SC"), update.status.isFinal {
                // A StockCart order the broker follows no more (closed as never booked, or from before a restart
                // that could not find it): say so loudly, the reconciliation view shows the difference.
                logger.error("Angel One reports an order StockCart no longer follows; see the reconciliation view",
                             metadata: ["order_tag": "\(tag)", "broker_order_id": "\(update.orderID)",
                                        "status": "\(update.status.rawValue)"])
            }
            return
        }
        if tracked.brokerOrderID == nil, !update.orderID.isEmpty {
            state.withLock { $0.tracked[id]?.brokerOrderID = update.orderID }
        }
        switch update.status {
        case .complete:
            await settleFromTradeBook(id, brokerOrderID: update.orderID, fallbackAverage: update.averagePrice)
        case .rejected:
            close(id, .failed, "rejected by the exchange: \(update.text ?? "no reason given")")
        case .cancelled, .afterMarketCancelled:
            close(id, .cancelled, cancellationReason(tracked, filled: update.filledQuantity, average: update.averagePrice))
        default:
            break
        }
    }

    /// After a (re)connection or a restart: every followed order of the owner takes its state from the order book.
    private func reconcile(_ owner: UserID) async {
        guard let session = sessions(owner) else { return }
        let client = client
        let book: [BrokerOrderRow]
        do {
            book = try await session.perform(.orderBook) { tokens throws(SmartAPIFailure) in
                try await client.orderBook(apiKey: session.apiKey, jwt: tokens.jwtToken)
            }
        } catch {
            logger.warning("could not read the order book to reconcile", metadata: ["error": "\(error)"])
            return
        }
        let followed = state.withLock { state in state.tracked.filter { $0.value.order.owner == owner && !$0.value.placing } }
        for (id, tracked) in followed {
            let row = book.first { row in
                (tracked.brokerOrderID != nil && row.orderID == tracked.brokerOrderID) || row.orderTag == tracked.tag
            }
            guard let row else {
                if tracked.brokerOrderID == nil {
                    // Never booked: the server stopped between storing it and placing it (or a DAY order of an
                    // earlier day). Placing it now would surprise the user; it is closed instead.
                    close(id, .failed, "not in Angel One's order book (never placed, or an earlier day's order that "
                              + "ended with its session); place it again if you still want it")
                }
                continue
            }
            state.withLock { $0.tracked[id]?.brokerOrderID = row.orderID }
            await apply(row, to: id, tracked: tracked)
        }
    }

    private func apply(_ row: BrokerOrderRow, to id: OrderID, tracked: Tracked) async {
        switch row.status {
        case "complete":
            await settleFromTradeBook(id, brokerOrderID: row.orderID, fallbackAverage: row.averagePrice)
        case "rejected":
            close(id, .failed, "rejected by the exchange: \(row.text ?? "no reason given")")
        case "cancelled":
            close(id, .cancelled, cancellationReason(tracked, filled: row.filledShares, average: row.averagePrice))
        default:
            break // still open at the broker
        }
    }

    /// A placement without an answer: looked for by its tag. Only order books actually read count as evidence: absent
    /// from `confirmationAttempts` of them means never booked; while the book cannot be read the order stays pending
    /// (and the reconciliation of the next reconnection takes it over).
    private func confirmPlacement(of id: OrderID, owner: UserID) async {
        guard let session = sessions(owner), let tag = state.withLock({ $0.tracked[id]?.tag }) else { return }
        let client = client
        var readsWithout = 0
        var failedReads = 0
        while readsWithout < max(1, patience.confirmationAttempts), !Task.isCancelled {
            do {
                let book = try await session.perform(.orderBook) { tokens throws(SmartAPIFailure) in
                    try await client.orderBook(apiKey: session.apiKey, jwt: tokens.jwtToken)
                }
                if let row = book.first(where: { $0.orderTag == tag }) {
                    let tracked = state.withLock { state -> Tracked? in
                        state.tracked[id]?.brokerOrderID = row.orderID
                        state.tracked[id]?.placing = false
                        return state.tracked[id]
                    }
                    logger.info("a placement without an answer is in the order book", metadata: [
                        "order_id": "\(id)", "broker_order_id": "\(row.orderID)"])
                    if let tracked { await apply(row, to: id, tracked: tracked) }
                    return
                }
                readsWithout += 1
            } catch {
                failedReads += 1
                if failedReads >= 100 {
                    // Left pending for the next reconciliation rather than guessed at.
                    state.withLock { $0.tracked[id]?.placing = false }
                    logger.error("the order book stays unreadable; the order waits for the next reconciliation",
                                 metadata: ["order_id": "\(id)", "error": "\(error)"])
                    return
                }
            }
            try? await Task.sleep(for: patience.confirmationInterval)
        }
        close(id, .failed, "Angel One did not answer the placement and its order book does not have it: nothing "
                  + "was placed")
    }

    /// A complete order's price and quantity from the trade book: the size-weighted average of its fills, to the
    /// paisa. The order book's average stands in only if the trade book never lists them.
    private func settleFromTradeBook(_ id: OrderID, brokerOrderID: String, fallbackAverage: Decimal?) async {
        guard let tracked = state.withLock({ $0.tracked[id] }), let session = sessions(tracked.order.owner) else { return }
        let client = client
        var average: Decimal?
        for attempt in 1...max(1, patience.tradeBookAttempts) {
            if let trades = try? await session.perform(.tradeBook, { tokens throws(SmartAPIFailure) in
                try await client.tradeBook(apiKey: session.apiKey, jwt: tokens.jwtToken)
            }) {
                let fills = trades.filter { $0.orderID == brokerOrderID }
                let size = fills.reduce(Int64(0)) { $0 + $1.fillSize }
                if size == tracked.order.quantity {
                    let value = fills.reduce(Decimal(0)) { $0 + $1.fillPrice * Decimal($1.fillSize) }
                    average = value / Decimal(size)
                    break
                }
            }
            if attempt < patience.tradeBookAttempts { try? await Task.sleep(for: patience.tradeBookInterval) }
        }
        if average == nil {
            logger.warning("the trade book does not list the fills of a complete order; using the order book's average",
                           metadata: ["order_id": "\(id)", "broker_order_id": "\(brokerOrderID)"])
            average = fallbackAverage
        }
        guard let average, let paise = Self.paise(average) else {
            return close(id, .failed, "Angel One reports the order complete without a fill price; check it in the "
                             + "reconciliation view")
        }
        finish(id)
        output.yield(.executed(Execution(orderID: id, price: Money(paise: paise), time: Date())))
    }

    private func cancellationReason(_ tracked: Tracked, filled: Int64?, average: Decimal?) -> String {
        guard let filled, filled > 0 else { return "cancelled at Angel One" }
        let price = average.flatMap(Self.paise).map { " at \(Money(paise: $0).rupeesText) on average" } ?? ""
        return "cancelled at Angel One after \(filled) of \(tracked.order.quantity) shares filled\(price); "
            + "those shares are in your broker account"
    }

    private func close(_ id: OrderID, _ status: OrderStatus, _ reason: String) {
        finish(id)
        output.yield(.closed(OrderClosure(orderID: id, status: status, reason: reason, time: Date())))
    }

    private func finish(_ id: OrderID) { _ = state.withLock { $0.tracked.removeValue(forKey: id) } }

    /// Rupees to paise, rounded half away from zero.
    public static func paise(_ rupees: Decimal) -> Int64? {
        var scaled = rupees * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        let number = NSDecimalNumber(decimal: rounded)
        guard number != .notANumber else { return nil }
        return number.int64Value
    }
}
