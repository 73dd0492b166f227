import Foundation

/// One rule firing as the engine saw it, to be made durable by a `FiringRecorder`.
public struct RuleFiring: Hashable, Sendable {
    public var ruleID: RuleID
    public var owner: UserID
    public var symbol: Symbol
    /// The range the engine matched; a stored rule whose range differs was edited meanwhile, so the firing is void.
    public var range: PriceRange
    public var price: Money
    public var time: Date
    /// The rule's state after this firing: `fired` for a `once` rule, `inside` or `watching` for a `rearm` rule.
    public var nextState: PriceRule.State

    public init(ruleID: RuleID, owner: UserID, symbol: Symbol, range: PriceRange, price: Money, time: Date,
                nextState: PriceRule.State) {
        self.ruleID = ruleID
        self.owner = owner
        self.symbol = symbol
        self.range = range
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

/// Makes a firing durable: in one transaction, bumps the rule's fire count and state and inserts exactly one cart
/// item, keyed uniquely by (rule, fire number). Returns nil when the firing no longer applies (the rule was deleted,
/// paused or edited meanwhile) or was already recorded, so a retry can never add a second item.
public protocol FiringRecorder: Sendable {
    func record(_ firing: RuleFiring) async throws -> FiringRecord?
}
