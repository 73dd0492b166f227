import Foundation

/// The times of the orders sent in the last second, to hold a user under an orders-per-second cap.
public struct OrderRateWindow: Hashable, Sendable {
    private var sent: [Date] = []

    public init() {}

    /// Orders sent in the second before `now`.
    public mutating func count(at now: Date) -> Int {
        sent.removeAll { now.timeIntervalSince($0) >= 1 }
        return sent.count
    }

    public mutating func record(_ time: Date) { sent.append(time) }
}
