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

    /// Saves the user's edit; nil if the rule does not exist for this owner.
    public func update(_ rule: PriceRule) async throws -> PriceRule? {
        guard let row = try await model(rule.id, owner: rule.owner) else { return nil }
        row.apply(rule)
        try await row.update(on: database)
        return try row.toCore()
    }

    /// Deletes the rule; false if it does not exist for this owner. Cart items it added stay in the cart.
    public func delete(_ id: RuleID, owner: UserID) async throws -> Bool {
        guard let row = try await model(id, owner: owner) else { return false }
        try await row.delete(on: database)
        return true
    }

    /// Every rule the engine must watch (states `watching` and `inside`), for loading the rule books at start.
    public func liveRules() async throws -> [PriceRule] {
        try await RuleModel.query(on: database)
            .filter(\.$state ~~ [PriceRule.State.watching.rawValue, PriceRule.State.inside.rawValue])
            .all()
            .map { try $0.toCore() }
    }

    private func model(_ id: RuleID, owner: UserID) async throws -> RuleModel? {
        try await RuleModel.query(on: database)
            .filter(\.$id == id.rawValue)
            .filter(\.$userID == owner.rawValue)
            .first()
    }
}
