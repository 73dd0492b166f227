import Fluent
import Foundation
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

    public func count(owner: UserID) async throws -> Int {
        try await RuleModel.query(on: database).filter(\.$userID == owner.rawValue).count()
    }

    public func create(_ rule: PriceRule) async throws {
        try await RuleModel(rule).create(on: database)
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
