import Foundation
import Persistence
import TradingCore

/// Carries socket messages for a user (`cart.added`, `rule.fired`, `order.updated`, signals, the auto-trader's state,
/// a backtest's progress) to the other instances, which deliver them to the user's sockets connected there: an event
/// reaches its user whichever instance produced it and whichever the user's browser is connected to. In order, one
/// `NOTIFY` per message: `origin-instance\nuser\nmessage`.
final class EventRelay: Sendable {
    static let channel = "stockcart_events"
    /// Larger messages stay on the instance that made them (PostgreSQL's payload limit is 8,000 bytes).
    static let payloadLimit = 7_900

    private let notifications: ClusterNotifications
    private let origin: UUID
    private let hasPeers: @Sendable () -> Bool
    private let queue: AsyncStream<String>
    private let input: AsyncStream<String>.Continuation

    init(notifications: ClusterNotifications, origin: UUID, hasPeers: @escaping @Sendable () -> Bool) {
        self.notifications = notifications
        self.origin = origin
        self.hasPeers = hasPeers
        (queue, input) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Queues a message sent to `user`'s sockets here, for the other instances.
    func publish(_ text: String, to user: UserID) {
        guard hasPeers() else { return }
        let payload = "\(origin.uuidString)\n\(user.rawValue.uuidString)\n\(text)"
        guard payload.utf8.count <= Self.payloadLimit else { return }
        input.yield(payload)
    }

    /// Hands each message another instance relayed to `deliver`.
    func listen(deliver: @escaping @Sendable (UserID, String) -> Void) {
        notifications.listen(Self.channel) { [origin] payload in
            let parts = payload.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let from = UUID(uuidString: String(parts[0])), from != origin,
                  let user = UUID(uuidString: String(parts[1])) else { return }
            deliver(UserID(user), String(parts[2]))
        }
    }

    /// Sends the queued messages in order until cancelled.
    func run() async {
        for await payload in queue {
            if Task.isCancelled { return }
            try? await notifications.publish(Self.channel, payload)
        }
    }
}
