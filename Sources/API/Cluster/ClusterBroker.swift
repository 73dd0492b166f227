import Brokers
import Foundation
import Logging
import Persistence
import Synchronization
import TradingCore

/// The paper broker on an instance among several: an order goes to the book of the instance that runs its symbol.
/// Placed here for a symbol run elsewhere, it is announced (`NOTIFY`, by id: the order is already stored) and that
/// instance takes it from the database; a cancellation asks every instance, and the one holding the order answers.
/// An instance taking a symbol over loads its pending orders itself, so an order announced during a handover is not
/// lost; nor is one announced while its listening connection was down (it loads them again when it reconnects).
final class ClusterBroker: Broker {
    static let channel = "stockcart_orders"
    /// How long a cancellation waits for the instance holding the order, by default.
    static let cancelTimeout = Duration.seconds(5)

    private let base: PaperBroker
    private let answerWithin: Duration
    private let ownership: SymbolOwnership
    private let notifications: ClusterNotifications
    private let orders: OrderStore
    private let hasPeers: @Sendable () -> Bool
    private let logger: Logger
    /// Cancellations asked of the other instances, each waiting for the instance holding the order to say it withdrew
    /// it (true), or for the timeout (false).
    private let waiting = Mutex<[UUID: CheckedContinuation<Bool, Never>]>([:])

    init(base: PaperBroker, ownership: SymbolOwnership, notifications: ClusterNotifications, orders: OrderStore,
         hasPeers: @escaping @Sendable () -> Bool, cancelTimeout: Duration = ClusterBroker.cancelTimeout,
         logger: Logger) {
        self.base = base
        self.answerWithin = cancelTimeout
        self.ownership = ownership
        self.notifications = notifications
        self.orders = orders
        self.hasPeers = hasPeers
        self.logger = logger
        notifications.listen(Self.channel) { [self] payload in await receive(payload) }
        // Orders announced while the listening connection was down were missed: take them from the database.
        notifications.onReconnect { [self] in await reloadPending() }
    }

    var name: String { base.name }
    var confirmsCancellations: Bool { base.confirmsCancellations }
    var reports: AsyncStream<BrokerReport>? { base.reports }

    func submit(_ order: Order) async throws {
        if ownership.owns(order.symbol) {
            try await base.submit(order)
        } else {
            try await notifications.publish(Self.channel, "place \(order.id.rawValue.uuidString)")
        }
    }

    func resume(_ order: Order) async throws {
        if ownership.owns(order.symbol) { try await base.resume(order) }
    }

    func cancel(_ id: OrderID) async -> Bool {
        if await base.cancel(id) { return true }
        guard hasPeers() else { return false }
        let request = UUID()
        let message = "cancel \(request.uuidString) \(id.rawValue.uuidString)"
        return await withCheckedContinuation { continuation in
            waiting.withLock { $0[request] = continuation }
            Task { [self] in
                do {
                    try await notifications.publish(Self.channel, message)
                } catch {
                    answer(request, withdrawn: false)
                    return
                }
                try? await Task.sleep(for: answerWithin)
                if answer(request, withdrawn: false) {
                    // No answer in time, and the order stays PENDING (the caller says it could not be withdrawn). If
                    // its holder withdrew it and the answer was merely late, it must go back into that book, not
                    // wait unheld: announce it again, and the instance running its symbol takes it unless it holds it.
                    try? await notifications.publish(Self.channel, "place \(id.rawValue.uuidString)")
                }
            }
        }
    }

    /// Ends the wait of cancellation `request`; false when it had already ended (only the first answer counts).
    @discardableResult
    private func answer(_ request: UUID, withdrawn: Bool) -> Bool {
        guard let waiter = waiting.withLock({ $0.removeValue(forKey: request) }) else { return false }
        waiter.resume(returning: withdrawn)
        return true
    }

    /// Puts every pending order of the symbols this instance runs that its book lacks into the book, as stored now.
    func reloadPending() async {
        do {
            let taken = base.acceptUnheld(try await orders.pending(symbols: ownership.symbols.map(\.rawValue))
                .filter { ownership.owns($0.symbol) })
            if taken > 0 {
                logger.info("took pending orders announced while this instance was not listening",
                            metadata: ["orders": "\(taken)"])
            }
        } catch {
            logger.error("could not reload the pending orders after the cluster connection came back",
                         metadata: ["error": "\(String(describing: error))"])
        }
    }

    func onTick(_ tick: Tick) -> [Execution] { base.onTick(tick) }

    func refusal(for owner: UserID) async -> String? { await base.refusal(for: owner) }

    func acceptImmediately(_ order: Order) -> Bool { base.acceptImmediately(order) }

    private func receive(_ payload: String) async {
        let fields = payload.split(separator: " ").map(String.init)
        switch (fields.first, fields.count) {
        case ("place", 2):
            guard let uuid = UUID(uuidString: fields[1]) else { return }
            do {
                guard let order = try await orders.find(OrderID(uuid)), order.status == .pending,
                      ownership.owns(order.symbol) else { return }
                base.acceptUnheld([order])
            } catch {
                logger.error("""
                    could not take an order announced by another instance; it is loaded again when its symbol \
                    changes hands
                    """, metadata: ["order_id": "\(uuid)", "error": "\(error)"])
            }
        case ("cancel", 3):
            guard let request = UUID(uuidString: fields[1]), let order = UUID(uuidString: fields[2]),
                  await base.cancel(OrderID(order)) else { return }
            try? await notifications.publish(Self.channel, "cancelled \(request.uuidString)")
        case ("cancelled", 2):
            guard let request = UUID(uuidString: fields[1]) else { return }
            answer(request, withdrawn: true)
        default:
            return
        }
    }
}
