import Foundation

/// A stock in a user's cart, added by hand or by a rule firing (`autoAdded`, with the rule and its firing number).
public struct CartItem: Hashable, Sendable {
    public let id: UUID
    public let owner: UserID
    public let symbol: Symbol
    public var quantity: Int64
    /// The price when the item was added (the firing price for an auto-added item).
    public let priceWhenAdded: Money
    public let autoAdded: Bool
    public let ruleID: RuleID?
    /// Which firing of the rule added it (1 for the first); with `ruleID`, unique in the store.
    public let fireNumber: Int?
    public let addedAt: Date

    public init(id: UUID, owner: UserID, symbol: Symbol, quantity: Int64, priceWhenAdded: Money, autoAdded: Bool,
                ruleID: RuleID?, fireNumber: Int?, addedAt: Date) {
        self.id = id
        self.owner = owner
        self.symbol = symbol
        self.quantity = quantity
        self.priceWhenAdded = priceWhenAdded
        self.autoAdded = autoAdded
        self.ruleID = ruleID
        self.fireNumber = fireNumber
        self.addedAt = addedAt
    }
}
