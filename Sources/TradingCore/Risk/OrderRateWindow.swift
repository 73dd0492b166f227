import Foundation

/// The times of a user's most recent orders, to hold them under an orders-per-second cap: a ring of the last
/// `limit` send times, so a check is one comparison and nothing is allocated per order.
public struct OrderRateWindow: Hashable, Sendable {
    private var sent: [Date]
    private var next = 0
    private var filled = 0

    public init(limit: Int) {
        sent = Array(repeating: .distantPast, count: max(1, limit))
    }

    /// Whether one more order at `now` keeps the last second at or under the limit: the oldest of the last
    /// `limit` orders must be a second or more old.
    public func allows(at now: Date) -> Bool {
        filled < sent.count || now.timeIntervalSince(sent[next]) >= 1
    }

    /// Orders sent in the second before `now` (at most the limit).
    public func count(at now: Date) -> Int {
        sent.prefix(filled).count { now.timeIntervalSince($0) < 1 }
    }

    public mutating func record(_ time: Date) {
        sent[next] = time
        next = (next + 1) % sent.count
        filled = min(filled + 1, sent.count)
    }
}
