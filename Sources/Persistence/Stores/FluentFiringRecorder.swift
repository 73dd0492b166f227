import Fluent
import Foundation
import TradingCore

/// Records a rule firing durably: the rule's new state and exactly one cart item commit in one transaction.
///
/// Exactly-once rests on three guards, all checked on the rule row locked for the transaction: the rule must still
/// be live and at the revision the engine matched (an edit, pause or delete since wins); a firing whose time is the
/// rule's `last_fired_at` was recorded already (a retry after a lost reply, or a second writer); and the cart item's
/// unique key (`rule_id`, `fire_number`) refuses a second item for one firing number whatever else happens.
///
/// When that key refuses the next number although the firing is new, the rule's fire count has fallen behind its
/// cart items (edited by hand, or by a bug): the count is repaired to the highest number in use and the firing is
/// recorded after it, never dropped.
public struct FluentFiringRecorder: FiringRecorder {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// Two firings of one rule closer together than this are one firing seen twice. Stored times keep at least
    /// microseconds on both engines; a rule cannot leave and re-enter its range within one millisecond of one feed.
    static let sameFiringTolerance: TimeInterval = 0.001

    public func record(_ firing: RuleFiring) async throws -> FiringOutcome {
        do {
            return try await TransactionRunner.run(on: database) { tx in
                try await Self.record(firing, repairingCount: false, on: tx)
            }
        } catch where error.isConstraintViolation {
            // The next fire number is taken. Look at what holds it, in a fresh transaction (PostgreSQL aborted the
            // first one), and repair the count if it fell behind.
            return try await TransactionRunner.run(on: database) { tx in
                try await Self.record(firing, repairingCount: true, on: tx)
            }
        }
    }

    private static func record(_ firing: RuleFiring, repairingCount: Bool, on tx: any Database) async throws
        -> FiringOutcome {
        try await RowLock.acquire(RuleModel.schema,
                                  where: [("id", firing.ruleID.rawValue), ("user_id", firing.owner.rawValue)],
                                  keepColumn: "fire_count", on: tx)
        guard let row = try await RuleModel.query(on: tx)
            .filter(\.$id == firing.ruleID.rawValue)
            .filter(\.$userID == firing.owner.rawValue)
            .first()
        else { return .superseded }
        var rule = try row.toCore()
        if let last = rule.lastFiredAt, sameInstant(last, firing.time) { return .alreadyRecorded }
        // The engine saw an armed rule; if the user paused, edited or deleted it since, this firing no longer applies.
        guard rule.state.isLive, rule.revision == firing.revision else { return .superseded }
        var repairedFrom: Int?
        if repairingCount, let highest = try await CartItemModel.query(on: tx)
            .filter(\.$ruleID == firing.ruleID.rawValue)
            .sort(\.$fireNumber, .descending)
            .first(), let number = highest.fireNumber {
            if sameInstant(highest.addedAt, firing.time) { return .alreadyRecorded }
            if number > rule.fireCount {
                repairedFrom = rule.fireCount
                rule.fireCount = number
            }
        }
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
        let record = FiringRecord(rule: rule, cartItem: item)
        return repairedFrom.map { .reconciled(record, repairedFrom: $0) } ?? .recorded(record)
    }

    private static func sameInstant(_ a: Date, _ b: Date) -> Bool {
        abs(a.timeIntervalSince(b)) < sameFiringTolerance
    }
}
