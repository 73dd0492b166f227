import Fluent
import Foundation
import TradingCore

/// Records a rule firing durably: the rule's new state and exactly one cart item commit in one transaction.
///
/// Exactly-once rests on two guards: the rule must still be live in the database (a paused, fired or deleted rule
/// records nothing), and the cart item's unique key (`rule_id`, `fire_number`) refuses a second item for the same
/// firing even when two writers (a retry, or another instance) race.
public struct FluentFiringRecorder: FiringRecorder {
    let database: any Database

    public init(database: any Database) { self.database = database }

    public func record(_ firing: RuleFiring) async throws -> FiringRecord? {
        do {
            return try await TransactionRunner.run(on: database) { tx in
                guard let row = try await RuleModel.query(on: tx)
                    .filter(\.$id == firing.ruleID.rawValue)
                    .filter(\.$userID == firing.owner.rawValue)
                    .first()
                else { return nil }
                var rule = try row.toCore()
                // The engine saw an armed rule; if the user paused or edited it since, this firing no longer applies.
                guard rule.state.isLive, rule.range == firing.range, rule.symbol == firing.symbol else { return nil }
                rule.fireCount += 1
                rule.state = firing.nextState
                rule.lastFiredAt = firing.time
                rule.updatedAt = firing.time
                row.apply(rule)
                try await row.update(on: tx)
                let item = CartItem(id: UUID(), owner: firing.owner, symbol: firing.symbol, quantity: 1,
                                    priceWhenAdded: firing.price, autoAdded: true, ruleID: firing.ruleID,
                                    fireNumber: rule.fireCount, addedAt: firing.time)
                try await CartItemModel(item).create(on: tx)
                return FiringRecord(rule: rule, cartItem: item)
            }
        } catch where error.isConstraintViolation {
            // Recorded already (a retried or concurrent writer won): nothing new to publish.
            return nil
        }
    }
}
