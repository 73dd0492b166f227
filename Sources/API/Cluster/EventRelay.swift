import Foundation
import Logging
import Persistence
import Synchronization
import TradingCore

/// Carries socket messages for a user (`cart.added`, `rule.fired`, `order.updated`, signals, the auto-trader's state,
/// a backtest's progress) to the other instances, which deliver them to the user's sockets connected there: an event
/// reaches its user whichever instance produced it and whichever the user's browser is connected to. In order, one
/// `NOTIFY` per message: `origin-instance\nuser\nmessage`.
///
/// PostgreSQL refuses payloads over 8,000 bytes, so a longer message (an auto-trader's state with many open positions)
/// goes in parts, `origin-instance\nuser\n#part <message-id> <index> <count>\n<text>`, cut between characters and put
/// back together by each receiver before delivery. A socket message is JSON and so never starts with `#`.
final class EventRelay: Sendable {
    static let channel = "stockcart_events"
    /// The most bytes in one notification (PostgreSQL's limit is 8,000).
    static let payloadLimit = 7_900
    /// Longer messages are not relayed at all (logged): about 135 notifications.
    static let messageLimit = 1_048_576
    /// A message whose parts have not all arrived by then is dropped (a part was lost with a listening connection).
    static let partsExpireAfter = Duration.seconds(30)
    static let partMarker = "#part "

    private struct Partial {
        var parts: [String?]
        var received: Int
        let started: ContinuousClock.Instant
    }

    private let notifications: ClusterNotifications
    private let origin: UUID
    private let hasPeers: @Sendable () -> Bool
    private let logger: Logger
    private let queue: AsyncStream<String>
    private let input: AsyncStream<String>.Continuation
    /// Messages arriving in parts, by origin and message id.
    private let partials = Mutex<[String: Partial]>([:])

    init(notifications: ClusterNotifications, origin: UUID, hasPeers: @escaping @Sendable () -> Bool,
         logger: Logger = Logger(label: "stockcart.cluster")) {
        self.notifications = notifications
        self.origin = origin
        self.hasPeers = hasPeers
        self.logger = logger
        (queue, input) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Queues a message sent to `user`'s sockets here, for the other instances.
    func publish(_ text: String, to user: UserID) {
        guard hasPeers() else { return }
        let header = "\(origin.uuidString)\n\(user.rawValue.uuidString)\n"
        if header.utf8.count + text.utf8.count <= Self.payloadLimit {
            input.yield(header + text)
            return
        }
        guard text.utf8.count <= Self.messageLimit else {
            logger.warning("a socket message too large to relay stays on this instance",
                           metadata: ["bytes": "\(text.utf8.count)", "user_id": "\(user)"])
            return
        }
        // Room for the part line: the marker, a UUID and two numbers of at most three digits.
        let room = Self.payloadLimit - header.utf8.count - Self.partMarker.utf8.count - 36 - 9
        let pieces = Self.pieces(of: text, maxBytes: room)
        let id = UUID().uuidString
        for (index, piece) in pieces.enumerated() {
            input.yield(header + "\(Self.partMarker)\(id) \(index) \(pieces.count)\n" + piece)
        }
    }

    /// Hands each message another instance relayed to `deliver` (a message sent in parts once it is whole).
    func listen(deliver: @escaping @Sendable (UserID, String) -> Void) {
        notifications.listen(Self.channel) { [self] payload in
            let parts = payload.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let from = UUID(uuidString: String(parts[0])), from != origin,
                  let user = UUID(uuidString: String(parts[1])) else { return }
            let body = parts[2]
            if body.hasPrefix(Self.partMarker) {
                if let whole = assemble(from: from, body) { deliver(UserID(user), whole) }
            } else {
                deliver(UserID(user), String(body))
            }
        }
    }

    /// Sends the queued messages in order until cancelled.
    func run() async {
        for await payload in queue {
            if Task.isCancelled { return }
            try? await notifications.publish(Self.channel, payload)
        }
    }

    /// `text` cut between characters (Unicode scalars) into pieces of at most `maxBytes` bytes of UTF-8 each.
    static func pieces(of text: String, maxBytes: Int) -> [String] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            let size = UTF8.width(scalar)
            if bytes + size > maxBytes, !current.isEmpty {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
                bytes = 0
            }
            current.append(scalar)
            bytes += size
        }
        if !current.isEmpty { pieces.append(String(current)) }
        return pieces
    }

    /// Keeps one part (`#part <id> <index> <count>\n<text>`); the whole message once its last part is in.
    private func assemble(from origin: UUID, _ body: Substring) -> String? {
        let lines = body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let fields = lines[0].dropFirst(Self.partMarker.count).split(separator: " ")
        guard lines.count == 2, fields.count == 3, let index = Int(fields[1]), let count = Int(fields[2]),
              count > 0, count <= Self.messageLimit / 1_000, index >= 0, index < count else { return nil }
        let key = "\(origin.uuidString)/\(fields[0])"
        let now = ContinuousClock.now
        return partials.withLock { partials in
            partials = partials.filter { now - $0.value.started < Self.partsExpireAfter }
            var partial = partials[key] ?? Partial(parts: Array(repeating: nil, count: count), received: 0, started: now)
            guard partial.parts.count == count, partial.parts[index] == nil else { return nil }
            partial.parts[index] = String(lines[1])
            partial.received += 1
            guard partial.received == count else {
                partials[key] = partial
                return nil
            }
            partials[key] = nil
            return partial.parts.map { $0 ?? "" }.joined()
        }
    }
}
