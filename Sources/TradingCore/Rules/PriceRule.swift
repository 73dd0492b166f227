import Foundation

/// A user's price-range rule: "add SYMBOL to my cart when its price enters [min, max]".
public struct PriceRule: Hashable, Sendable {
    /// Where a rule stands. Only `watching` and `inside` rules are in the engine's rule book.
    public enum State: String, Sendable, CaseIterable, Codable {
        /// Armed: fires when the price enters the range.
        case watching
        /// A `rearm` rule that fired and waits for the price to leave the range before it can fire again.
        case inside
        /// A `once` rule that fired; done until the user re-activates it.
        case fired
        /// Switched off by the user.
        case paused

        /// Whether the engine evaluates a rule in this state.
        public var isLive: Bool { self == .watching || self == .inside }
    }

    public let id: RuleID
    public let owner: UserID
    public var symbol: Symbol
    public var range: PriceRange
    public var mode: RuleMode
    public var state: State
    public var fireCount: Int
    public let createdAt: Date
    public var updatedAt: Date
    public var lastFiredAt: Date?
    /// Counts the user's changes to the rule (1 when created, one more per edit that changes it). Firings do not
    /// change it. The engine matches a rule at a revision, and a firing is recorded only if the stored rule is still
    /// at that revision, so an edit always wins over a firing of what the rule was before it.
    public var revision: Int64

    public init(id: RuleID, owner: UserID, symbol: Symbol, range: PriceRange, mode: RuleMode, state: State,
                fireCount: Int, createdAt: Date, updatedAt: Date, lastFiredAt: Date?, revision: Int64 = 1) {
        self.id = id
        self.owner = owner
        self.symbol = symbol
        self.range = range
        self.mode = mode
        self.state = state
        self.fireCount = fireCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastFiredAt = lastFiredAt
        self.revision = revision
    }

    /// The user-facing on/off switch: a rule is active while the engine watches it.
    public var isActive: Bool { state.isLive }

    /// The entry the engine's rule book holds for this rule.
    public var bookEntry: RuleBook.Entry {
        RuleBook.Entry(id: id, range: range, mode: mode, owner: owner, revision: revision)
    }
}
