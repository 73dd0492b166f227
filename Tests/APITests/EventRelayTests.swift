@testable import API
import Foundation
import Logging
import Persistence
import Synchronization
import Testing
import TradingCore

/// Socket messages crossing to other instances (`EventRelay`) over the in-process notifications (PostgreSQL's
/// `NOTIFY`, with its 8,000-byte limit, is exercised by the process tests): any size up to the limit arrives whole,
/// in order, and no notification is larger than PostgreSQL takes.
@Suite("Event relay: socket messages for other instances, long ones in parts")
struct EventRelayTests {
    final class Received: Sendable {
        let messages = Mutex<[(UserID, String)]>([])
        let payloadSizes = Mutex<[Int]>([])
        var texts: [String] { messages.withLock { $0.map(\.1) } }
    }

    /// Relays of two instances on one set of notifications; what the second delivers, and every payload sent.
    func withRelays(_ app: TestApp,
                    _ body: (_ here: EventRelay, _ there: EventRelay, _ received: Received) async throws -> Void)
        async throws {
        let notifications = try ClusterNotifications(target: .sqliteMemory, database: app.app.db,
                                                     logger: Logger(label: "test.cluster"))
        let received = Received()
        let here = EventRelay(notifications: notifications, origin: UUID(), hasPeers: { true })
        let there = EventRelay(notifications: notifications, origin: UUID(), hasPeers: { true })
        here.listen { _, text in Issue.record("an instance delivered its own message again: \(text.prefix(80))") }
        there.listen { user, text in received.messages.withLock { $0.append((user, text)) } }
        notifications.listen(EventRelay.channel) { payload in
            received.payloadSizes.withLock { $0.append(payload.utf8.count) }
        }
        let sender = Task { await here.run() }
        defer { sender.cancel() }
        try await body(here, there, received)
    }

    /// A JSON message of about `bytes` bytes with multi-byte characters throughout (₹ is 3 bytes, 🙂 is 4).
    func largeMessage(bytes: Int) -> String {
        var positions: [String] = []
        var size = 0
        var index = 0
        while size < bytes {
            let entry = "{\"symbol\":\"TCS\",\"note\":\"₹\(index) 🙂 long position\",\"quantity\":\(index)}"
            positions.append(entry)
            size += entry.utf8.count + 1
            index += 1
        }
        return "{\"type\":\"autotrader\",\"positions\":[" + positions.joined(separator: ",") + "]}"
    }

    @Test("a message larger than one notification arrives whole and in order; no notification exceeds the limit")
    func largeMessageInParts() async throws {
        try await withTestApp { app in
            try await withRelays(app) { here, _, received in
                let user = UserID(UUID())
                let big = largeMessage(bytes: 60_000)
                here.publish("{\"type\":\"cart.added\",\"n\":1}", to: user)
                here.publish(big, to: user)
                here.publish("{\"type\":\"cart.added\",\"n\":2}", to: user)
                #expect(await eventually { received.texts.count == 3 })
                #expect(received.texts == ["{\"type\":\"cart.added\",\"n\":1}", big, "{\"type\":\"cart.added\",\"n\":2}"])
                #expect(received.messages.withLock { $0.allSatisfy { $0.0 == user } })
                let sizes = received.payloadSizes.withLock { $0 }
                #expect(sizes.count >= 2 + 60_000 / EventRelay.payloadLimit + 1)
                #expect(sizes.allSatisfy { $0 <= EventRelay.payloadLimit }, "\(sizes.max() ?? 0) bytes")
            }
        }
    }

    @Test("a message over the relay's limit stays local; the next one still crosses")
    func tooLargeStaysLocal() async throws {
        try await withTestApp { app in
            try await withRelays(app) { here, _, received in
                let user = UserID(UUID())
                here.publish(largeMessage(bytes: EventRelay.messageLimit + 10), to: user)
                here.publish("{\"type\":\"order.updated\"}", to: user)
                #expect(await eventually { received.texts.count == 1 })
                try await Task.sleep(for: .milliseconds(100))
                #expect(received.texts == ["{\"type\":\"order.updated\"}"])
            }
        }
    }

    @Test("pieces are cut between characters, each within the byte limit, and join to the text",
          arguments: [1, 4, 7, 100])
    func pieces(maxBytes: Int) {
        let text = "₹🙂a" + String(repeating: "é🙂₹x", count: 50)
        let pieces = EventRelay.pieces(of: text, maxBytes: maxBytes)
        #expect(pieces.joined() == text)
        #expect(pieces.allSatisfy { $0.utf8.count <= max(maxBytes, 4) })
        if maxBytes >= 4 { #expect(pieces.allSatisfy { $0.utf8.count <= maxBytes }) }
    }
}
