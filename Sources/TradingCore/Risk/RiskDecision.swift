/// The risk check's answer for one signal or stop, kept with it so the user sees why an order was or was not sent.
public struct RiskDecision: Hashable, Sendable {
    public enum Outcome: String, Hashable, Sendable, Codable {
        case approved
        case resized
        case denied
    }

    public var outcome: Outcome
    /// The shares the sizing asked for.
    public var requestedQuantity: Int64
    /// The shares approved (0 when denied).
    public var quantity: Int64
    /// Why it was resized or denied, in words (nil when approved as asked).
    public var reason: String?

    public init(outcome: Outcome, requestedQuantity: Int64, quantity: Int64, reason: String?) {
        self.outcome = outcome
        self.requestedQuantity = requestedQuantity
        self.quantity = quantity
        self.reason = reason
    }

    public static func denied(_ reason: String, requested: Int64 = 0) -> RiskDecision {
        RiskDecision(outcome: .denied, requestedQuantity: requested, quantity: 0, reason: reason)
    }

    public static func approved(_ quantity: Int64) -> RiskDecision {
        RiskDecision(outcome: .approved, requestedQuantity: quantity, quantity: quantity, reason: nil)
    }
}
