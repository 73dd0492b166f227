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
public struct DatabaseFiringRecorder: FiringRecorder {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// Two firings of one rule closer together than this are one firing seen twice. Stored times keep at least
    /// microseconds on both engines; a rule cannot leave and re-enter its range within one millisecond of one feed.
    static let sameFiringTolerance: TimeInterval = 0.001

    public func record(_ firing: RuleFiring) async throws -> FiringOutcome {
        do {
            return try await TransactionRunner.write(on: database) { session in
                try await Self.record(firing, repairingCount: false, in: session)
            }
        } catch where error.isConstraintViolation {
            // The next fire number is taken. Look at what holds it, in a fresh transaction (PostgreSQL aborted the
            // first one), and repair the count if it fell behind.
            return try await TransactionRunner.write(on: database) { session in
                try await Self.record(firing, repairingCount: true, in: session)
            }
        }
    }

    private static func record(_ firing: RuleFiring, repairingCount: Bool, in session: any WriteSession) async throws
        -> FiringOutcome {
        // Locks the rule row and reads it in one statement.
        guard let row = try await session.run("""
            UPDATE rules SET fire_count = fire_count WHERE id = ? AND user_id = ? RETURNING *
            """, [.uuid(firing.ruleID.rawValue), .uuid(firing.owner.rawValue)]).first
        else { return .superseded }
        var rule = try PriceRule(row: row)
        if let last = rule.lastFiredAt, sameInstant(last, firing.time) { return .alreadyRecorded }
        // The engine saw an armed rule; if the user paused, edited or deleted it since, this firing no longer applies.
        guard rule.state.isLive, rule.revision == firing.revision else { return .superseded }
        var repairedFrom: Int?
        if repairingCount, let highest = try await session.run("""
            SELECT fire_number, added_at FROM cart_items WHERE rule_id = ? ORDER BY fire_number DESC LIMIT 1
            """, [.uuid(firing.ruleID.rawValue)]).first, let number = try highest.optionalInteger("fire_number") {
            if sameInstant(try highest.date("added_at"), firing.time) { return .alreadyRecorded }
            if number > rule.fireCount {
                repairedFrom = rule.fireCount
                rule.fireCount = Int(number)
            }
        }
        rule.fireCount += 1
        rule.state = firing.nextState
        rule.lastFiredAt = firing.time
        rule.updatedAt = firing.time
        try await session.run("""
            UPDATE rules SET fire_count = ?, state = ?, last_fired_at = ?, updated_at = ? WHERE id = ?
            """, [.integer(rule.fireCount), .text(rule.state.rawValue), .date(firing.time), .date(firing.time),
                  .uuid(rule.id.rawValue)])
        let item = CartItem(id: UUID.random(), owner: firing.owner, symbol: firing.symbol, quantity: 1,
                            priceWhenAdded: firing.price, autoAdded: true, ruleID: firing.ruleID,
                            fireNumber: rule.fireCount, addedAt: firing.time)
        try await CartStore.insert(item, in: session)
        let record = FiringRecord(rule: rule, cartItem: item)
        return repairedFrom.map { .reconciled(record, repairedFrom: $0) } ?? .recorded(record)
    }

    private static func sameInstant(_ a: Date, _ b: Date) -> Bool {
        abs(a.timeIntervalSince(b)) < sameFiringTolerance
    }
}
