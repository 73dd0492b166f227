/// The life of an order: it starts `PENDING` and ends in exactly one terminal state, which never changes again.
public enum OrderStatus: String, Sendable, CaseIterable, Codable {
    case pending = "PENDING"
    case executed = "EXECUTED"
    case failed = "FAILED"
    case cancelled = "CANCELLED"

    public var isTerminal: Bool { self != .pending }

    /// Whether the state machine allows moving from `self` to `next`.
    public func canTransition(to next: OrderStatus) -> Bool {
        self == .pending && next != .pending
    }
}
