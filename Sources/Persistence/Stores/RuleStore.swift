import Fluent
import Foundation
import SQLKit
import Synchronization
import TradingCore

/// Users' price rules. Every read and write that takes an owner is scoped to it: another user's rule is "not found".
public struct RuleStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// The user's rules, oldest first: up to `limit` of them, after the rule `after` when given.
    /// Throws `UnknownPageCursor` when `after` is not one of the user's rules.
    public func list(owner: UserID, after: RuleID? = nil, limit: Int) async throws -> Page<PriceRule> {
        try await KeysetFilter.page(RuleModel.query(on: database).filter(\.$userID == owner.rawValue),
                                    owner: owner.rawValue, after: after?.rawValue, limit: limit,
                                    timeColumn: "created_at", descending: false, on: database,
                                    { try $0.toCore() }, id: \.id.rawValue)
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
    /// check costs the same at 10 rules or 1,000,000. With `audit`, its row is written in the same transaction.
    public func create(_ rule: PriceRule, limit: Int, audit: AuditEntry? = nil) async throws -> Bool {
        try await TransactionRunner.write(on: database) { session in
            let counted = try await session.run("""
                UPDATE accounts SET rule_count = rule_count + 1 WHERE user_id = ? AND rule_count < ? RETURNING rule_count
                """, [.uuid(rule.owner.rawValue), .integer(Int64(limit))])
            guard !counted.isEmpty else { return false }
            try await session.run("""
                INSERT INTO rules (id, user_id, symbol, min_paise, max_paise, mode, state, fire_count, created_at,
                                   updated_at, last_fired_at, revision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.uuid(rule.id.rawValue), .uuid(rule.owner.rawValue), .text(rule.symbol.rawValue),
                      .integer(rule.range.min.paise), .integer(rule.range.max.paise), .text(rule.mode.rawValue),
                      .text(rule.state.rawValue), .integer(rule.fireCount), .date(rule.createdAt),
                      .date(rule.updatedAt), .date(rule.lastFiredAt), .integer(rule.revision)])
            if let audit { try await AuditStore.append(audit, in: session) }
            return true
        }
    }

    /// What an edit did: the rule as stored afterwards, and whether the edit changed it.
    public struct EditResult: Sendable {
        public var rule: PriceRule
        /// False when the edit asked for what the rule already was: nothing was written.
        public var changed: Bool
    }

    /// Applies the user's edit to the rule as stored now, atomically: the row is locked and read in one statement,
    /// edited and written back in the same transaction, so a firing that commits meanwhile is never overwritten (its
    /// fire count, state and time stay), and two edits apply one after the other. Nil if the rule does not exist for
    /// this owner. `audit` makes the audit row of a change, written in the same transaction.
    public func update(_ id: RuleID, owner: UserID, edit: RuleEdit, now: Date,
                       audit: (@Sendable (PriceRule) -> AuditEntry)? = nil) async throws -> EditResult? {
        try await TransactionRunner.write(on: database) { session in
            guard let row = try await session.run("""
                UPDATE rules SET revision = revision WHERE id = ? AND user_id = ? RETURNING *
                """, [.uuid(id.rawValue), .uuid(owner.rawValue)]).first
            else { return nil }
            let current = try PriceRule(row: row)
            guard let edited = try current.applying(edit, at: now) else { return EditResult(rule: current, changed: false) }
            try await session.run("""
                UPDATE rules SET symbol = ?, min_paise = ?, max_paise = ?, mode = ?, state = ?, updated_at = ?,
                    revision = ?
                WHERE id = ?
                """, [.text(edited.symbol.rawValue), .integer(edited.range.min.paise), .integer(edited.range.max.paise),
                      .text(edited.mode.rawValue), .text(edited.state.rawValue), .date(edited.updatedAt),
                      .integer(edited.revision), .uuid(id.rawValue)])
            if let audit { try await AuditStore.append(audit(edited), in: session) }
            return EditResult(rule: edited, changed: true)
        }
    }

    /// Deletes the rule and returns it as it was; nil if it does not exist for this owner. Cart items it added stay
    /// in the cart. `audit` makes the audit row of the deletion, written in the same transaction.
    public func delete(_ id: RuleID, owner: UserID, audit: (@Sendable (PriceRule) -> AuditEntry)? = nil) async throws
        -> PriceRule? {
        try await TransactionRunner.write(on: database) { session in
            guard let row = try await session.run("DELETE FROM rules WHERE id = ? AND user_id = ? RETURNING *",
                                                  [.uuid(id.rawValue), .uuid(owner.rawValue)]).first
            else { return nil }
            let rule = try PriceRule(row: row)
            try await session.run("UPDATE accounts SET rule_count = rule_count - 1 WHERE user_id = ?",
                                  [.uuid(owner.rawValue)])
            if let audit { try await AuditStore.append(audit(rule), in: session) }
            return rule
        }
    }

    /// Every rule the engine must watch (states `watching` and `inside`), for loading the rule books at start, handed
    /// to `body` in batches as the rows stream in: a million rules never sit in memory as rows, Fluent models (about
    /// 3 KB each) or one array. On a SQLite file the rows are stepped on the direct connection (SQLiteNIO queues an
    /// event-loop task per row of a result, all of them before the first is handled); elsewhere SQLKit streams them.
    public func liveRules(batchSize: Int = 10_000, _ body: @escaping @Sendable ([PriceRule]) -> Void) async throws {
        let query = """
            SELECT id, user_id, symbol, min_paise, max_paise, mode, state, fire_count, created_at, updated_at,
                   last_fired_at, revision
            FROM rules WHERE state IN ('watching', 'inside')
            """
        let direct: Void? = try await TransactionRunner.withDirectSQLite(database) { connection in
            var batch: [PriceRule] = []
            batch.reserveCapacity(batchSize)
            try connection.forEachRow(query, []) { row in
                batch.append(try PriceRule(row: DirectSQLiteResultRow(row: row)))
                if batch.count == batchSize {
                    body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { body(batch) }
        }
        guard direct == nil else { return }
        guard let sql = database as? any SQLDatabase else { throw PersistenceError.notSQL }
        let batches = RuleBatches(size: batchSize, body: body)
        try await sql.raw(SQLQueryString(query)).run { row in batches.add(row) }
        try batches.finish()
    }

    /// The live rules of some symbols (an instance taking them over loads their books from here).
    public func liveRules(symbols: [String]) async throws -> [PriceRule] {
        guard !symbols.isEmpty else { return [] }
        return try await RuleModel.query(on: database).filter(\.$symbol ~~ symbols)
            .filter(\.$state ~~ ["watching", "inside"]).all().map { try $0.toCore() }
    }

    /// A rule by id, whoever owns it (for the instance that runs its symbol); nil once deleted.
    public func find(_ id: RuleID) async throws -> PriceRule? {
        try await RuleModel.find(id.rawValue, on: database)?.toCore()
    }

    private func model(_ id: RuleID, owner: UserID) async throws -> RuleModel? {
        try await RuleModel.query(on: database)
            .filter(\.$id == id.rawValue)
            .filter(\.$userID == owner.rawValue)
            .first()
    }
}

/// Collects streamed rule rows into batches for `RuleStore.liveRules` (rows arrive one at a time, on an event loop).
private final class RuleBatches: Sendable {
    private struct State {
        var rules: [PriceRule] = []
        var error: (any Error)?
    }

    private let size: Int
    private let body: @Sendable ([PriceRule]) -> Void
    private let state = Mutex(State())

    init(size: Int, body: @escaping @Sendable ([PriceRule]) -> Void) {
        self.size = size
        self.body = body
    }

    func add(_ row: any SQLRow) {
        let full: [PriceRule]? = state.withLock { state in
            guard state.error == nil else { return nil }
            do {
                state.rules.append(try PriceRule(row: SQLKitResultRow(row: row)))
            } catch {
                state.error = error
                return nil
            }
            guard state.rules.count >= size else { return nil }
            defer { state.rules.removeAll(keepingCapacity: true) }
            return state.rules
        }
        if let full { body(full) }
    }

    func finish() throws {
        let (rest, error) = state.withLock { state in (state.rules, state.error) }
        if let error { throw error }
        if !rest.isEmpty { body(rest) }
    }
}
