import Foundation

/// One rule firing as the engine saw it, to be made durable by a `FiringRecorder`.
public struct RuleFiring: Hashable, Sendable {
    public var ruleID: RuleID
    public var owner: UserID
    public var symbol: Symbol
    /// The range the engine matched.
    public var range: PriceRange
    /// The rule's revision the engine matched it at; a stored rule at another revision was edited meanwhile, so the
    /// firing is void (the edit wins).
    public var revision: Int64
    public var price: Money
    public var time: Date
    /// The rule's state after this firing: `fired` for a `once` rule, `inside` or `watching` for a `rearm` rule.
    public var nextState: PriceRule.State

    public init(ruleID: RuleID, owner: UserID, symbol: Symbol, range: PriceRange, revision: Int64, price: Money,
                time: Date, nextState: PriceRule.State) {
        self.ruleID = ruleID
        self.owner = owner
        self.symbol = symbol
        self.range = range
        self.revision = revision
        self.price = price
        self.time = time
        self.nextState = nextState
    }
}

/// What a durable firing produced: the rule's new state and the cart item it added.
public struct FiringRecord: Hashable, Sendable {
    public var rule: PriceRule
    public var cartItem: CartItem
    public init(rule: PriceRule, cartItem: CartItem) {
        self.rule = rule
        self.cartItem = cartItem
    }
}

/// What became of a firing handed to a `FiringRecorder`.
public enum FiringOutcome: Hashable, Sendable {
    /// Committed: the rule's new state and one new cart item.
    case recorded(FiringRecord)
    /// Committed after repairing the rule's fire count, which had fallen behind the cart items it numbers (the
    /// unique key refused the next number). `repairedFrom` is the count found; the record holds the new one.
    case reconciled(FiringRecord, repairedFrom: Int)
    /// Not recorded, rightly: the rule was deleted, paused or edited after the engine matched it.
    case superseded
    /// Not recorded, rightly: this very firing was committed before (a retry after a lost reply, or a second
    /// writer of the same firing).
    case alreadyRecorded

    /// The outcome without its payload, for counting.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case recorded
        case reconciled
        case superseded
        case alreadyRecorded = "already_recorded"
    }

    public var kind: Kind {
        switch self {
        case .recorded: .recorded
        case .reconciled: .reconciled
        case .superseded: .superseded
        case .alreadyRecorded: .alreadyRecorded
        }
    }

    /// The committed record, if this outcome added a cart item.
    public var record: FiringRecord? {
        switch self {
        case .recorded(let record), .reconciled(let record, _): record
        case .superseded, .alreadyRecorded: nil
        }
    }
}

/// Makes a firing durable: in one transaction, bumps the rule's fire count and state and inserts exactly one cart
/// item, keyed uniquely by (rule, fire number). A firing that no longer applies (the rule was deleted, paused or
/// edited meanwhile) or was already recorded adds nothing, so a retry can never add a second item; a fire count that
/// has fallen behind its cart items is repaired rather than the firing being lost.
public protocol FiringRecorder: Sendable {
    func record(_ firing: RuleFiring) async throws -> FiringOutcome
}
