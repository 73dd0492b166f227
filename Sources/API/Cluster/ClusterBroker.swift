import Foundation
import Logging
import Persistence
import Synchronization
import TradingCore

/// The paper broker on an instance among several: an order goes to the book of the instance that runs its symbol.
/// Placed here for a symbol run elsewhere, it is announced (`NOTIFY`, by id: the order is already stored) and that
/// instance takes it from the database; a cancellation asks every instance, and the one holding the order answers.
/// An instance taking a symbol over loads its pending orders itself, so an order announced during a handover is not
/// lost.
final class ClusterBroker: Broker {
    static let channel = "stockcart_orders"
    /// How long a cancellation waits for the instance holding the order.
    static let cancelTimeout = Duration.seconds(5)

    private let base: any Broker
    private let ownership: SymbolOwnership
    private let notifications: ClusterNotifications
    private let orders: OrderStore
    private let hasPeers: @Sendable () -> Bool
    private let logger: Logger
    /// Cancellations asked of the other instances, each waiting for the instance holding the order to say it withdrew
    /// it (true), or for the timeout (false).
    private let waiting = Mutex<[UUID: CheckedContinuation<Bool, Never>]>([:])

    init(base: any Broker, ownership: SymbolOwnership, notifications: ClusterNotifications, orders: OrderStore,
         hasPeers: @escaping @Sendable () -> Bool, logger: Logger) {
        self.base = base
        self.ownership = ownership
        self.notifications = notifications
        self.orders = orders
        self.hasPeers = hasPeers
        self.logger = logger
        notifications.listen(Self.channel) { [self] payload in await receive(payload) }
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
                try? await Task.sleep(for: Self.cancelTimeout)
                answer(request, withdrawn: false)
            }
        }
    }

    /// Ends the wait of cancellation `request` (only the first answer counts).
    private func answer(_ request: UUID, withdrawn: Bool) {
        waiting.withLock { $0.removeValue(forKey: request) }?.resume(returning: withdrawn)
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
                try await base.resume(order)
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
