/// What a price-range rule does after it fires.
public enum RuleMode: String, Sendable, CaseIterable, Codable {
    /// Fire once, then the rule is done (like a broker GTT order).
    case once
    /// Fire again each time the price re-enters the range after having left it.
    case rearm
}
