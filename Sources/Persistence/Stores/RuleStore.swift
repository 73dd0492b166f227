import Fluent
import Foundation
import SQLKit
import TradingCore

/// Users' price rules. Every read and write that takes an owner is scoped to it: another user's rule is "not found".
public struct RuleStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    public func list(owner: UserID) async throws -> [PriceRule] {
        try await RuleModel.query(on: database).filter(\.$userID == owner.rawValue).sort(\.$createdAt).all()
            .map { try $0.toCore() }
    }

    public func get(_ id: RuleID, owner: UserID) async throws -> PriceRule? {
        try await model(id, owner: owner)?.toCore()
    }

    /// How many rules the user has: the running count on the account row, not a count of rows.
    public func count(owner: UserID) async throws -> Int {
        Int(try await AccountModel.query(on: database).filter(\.$userID == owner.rawValue).first()?.ruleCount ?? 0)
    }

    /// Stores a new rule unless the user already has `limit` rules; false (and nothing stored) at the limit.
    ///
    /// The count is a running figure on the account row, raised by one conditional `UPDATE` in the same transaction
    /// as the insert (and lowered by `delete`): two concurrent creations cannot both take the last place, and the
    /// check costs the same at 10 rules or 1,000,000.
    /// With `audit`, its row is written in the same transaction.
    public func create(_ rule: PriceRule, limit: Int, audit: AuditEntry? = nil) async throws -> Bool {
        try await TransactionRunner.run(on: database) { tx in
            guard let sql = tx as? any SQLDatabase else { throw PersistenceError.notSQL }
            let counted = try await sql.raw("""
                UPDATE accounts SET rule_count = rule_count + 1
                WHERE user_id = \(bind: rule.owner.rawValue) AND rule_count < \(bind: Int64(limit))
                RETURNING rule_count
                """).all()
            guard !counted.isEmpty else { return false }
            try await sql.raw("""
                INSERT INTO rules (id, user_id, symbol, min_paise, max_paise, mode, state, fire_count, created_at,
                                   updated_at, last_fired_at, revision)
                VALUES (\(bind: rule.id.rawValue), \(bind: rule.owner.rawValue), \(bind: rule.symbol.rawValue),
                        \(bind: rule.range.min.paise), \(bind: rule.range.max.paise), \(bind: rule.mode.rawValue),
                        \(bind: rule.state.rawValue), \(bind: rule.fireCount), \(bind: rule.createdAt),
                        \(bind: rule.updatedAt), \(bind: rule.lastFiredAt), \(bind: rule.revision))
                """).run()
            if let audit { try await AuditStore.append(audit, on: tx) }
            return true
        }
    }

    /// What an edit did: the rule as stored afterwards, and whether the edit changed it.
    public struct EditResult: Sendable {
        public var rule: PriceRule
        /// False when the edit asked for what the rule already was: nothing was written.
        public var changed: Bool
    }

    /// Applies the user's edit to the rule as stored now, atomically: the row is locked, read, edited and written in
    /// one transaction, so a firing that commits meanwhile is never overwritten (its fire count, state and time
    /// stay), and two edits apply one after the other. Nil if the rule does not exist for this owner.
    public func update(_ id: RuleID, owner: UserID, edit: RuleEdit, now: Date) async throws -> EditResult? {
        try await TransactionRunner.run(on: database) { tx in
            try await RowLock.acquire(RuleModel.schema, where: [("id", id.rawValue), ("user_id", owner.rawValue)],
                                      keepColumn: "revision", on: tx)
            guard let row = try await Self.model(id, owner: owner, on: tx) else { return nil }
            let current = try row.toCore()
            guard let edited = try current.applying(edit, at: now) else { return EditResult(rule: current, changed: false) }
            row.apply(edited)
            try await row.update(on: tx)
            return EditResult(rule: edited, changed: true)
        }
    }

    /// Deletes the rule and returns it as it was; nil if it does not exist for this owner. Cart items it added stay
    /// in the cart.
    public func delete(_ id: RuleID, owner: UserID) async throws -> PriceRule? {
        try await TransactionRunner.run(on: database) { tx in
            guard let row = try await Self.model(id, owner: owner, on: tx) else { return nil }
            let rule = try row.toCore()
            try await row.delete(on: tx)
            guard let sql = tx as? any SQLDatabase else { throw PersistenceError.notSQL }
            try await sql.raw("""
                UPDATE accounts SET rule_count = rule_count - 1 WHERE user_id = \(bind: owner.rawValue)
                """).run()
            return rule
        }
    }

    /// Every rule the engine must watch (states `watching` and `inside`), for loading the rule books at start.
    public func liveRules() async throws -> [PriceRule] {
        try await RuleModel.query(on: database)
            .filter(\.$state ~~ [PriceRule.State.watching.rawValue, PriceRule.State.inside.rawValue])
            .all()
            .map { try $0.toCore() }
    }

    private func model(_ id: RuleID, owner: UserID) async throws -> RuleModel? {
        try await Self.model(id, owner: owner, on: database)
    }

    private static func model(_ id: RuleID, owner: UserID, on database: any Database) async throws -> RuleModel? {
        try await RuleModel.query(on: database)
            .filter(\.$id == id.rawValue)
            .filter(\.$userID == owner.rawValue)
            .first()
    }
}
