import Fluent
import Foundation
import TradingCore

/// A strategy as stored: the plan, whether it is enabled, and when it was made and last changed.
public struct StoredStrategy: Hashable, Sendable {
    public var owner: UserID
    public var plan: StrategyPlan
    public var enabled: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(owner: UserID, plan: StrategyPlan, enabled: Bool, createdAt: Date, updatedAt: Date) {
        self.owner = owner
        self.plan = plan
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Users' strategies. Every query is scoped to its owner (another user's id finds nothing); each change commits
/// with its audit row.
public struct StrategyStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// Inserts `strategy`, or replaces the owner's strategy with its id; false when that id is another user's.
    @discardableResult
    public func save(_ strategy: StoredStrategy, audit: AuditEntry) async throws -> Bool {
        let plan = strategy.plan
        return try await TransactionRunner.write(on: database) { session in
            let rows = try await session.run("""
                INSERT INTO strategies (id, user_id, name, kind, parameters, timeframe, watchlist, sizing, exits, mode,
                                        enabled, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                    parameters = excluded.parameters, timeframe = excluded.timeframe, watchlist = excluded.watchlist,
                    sizing = excluded.sizing, exits = excluded.exits, mode = excluded.mode, enabled = excluded.enabled,
                    updated_at = excluded.updated_at
                WHERE strategies.user_id = excluded.user_id
                RETURNING id
                """, [.uuid(plan.id.rawValue), .uuid(strategy.owner.rawValue), .text(plan.name),
                      .text(plan.recipe.kind.rawValue), .text(StrategyColumns.numbers(plan.recipe.parameters)),
                      .text(plan.timeframe.rawValue), .text(StrategyColumns.symbols(plan.watchlist)),
                      .text(StrategyColumns.sizing(plan.sizing)), .text(StrategyColumns.exits(plan.exits)),
                      .text(plan.mode.rawValue), .bool(strategy.enabled), .date(strategy.createdAt),
                      .date(strategy.updatedAt)])
            guard !rows.isEmpty else { return false }
            try await AuditStore.append(audit, in: session)
            return true
        }
    }

    public func get(_ id: StrategyID, owner: UserID) async throws -> StoredStrategy? {
        try await StrategyModel.query(on: database).filter(\.$id == id.rawValue)
            .filter(\.$userID == owner.rawValue).first().flatMap(Self.strategy)
    }

    /// The owner's strategies, newest first.
    public func list(owner: UserID) async throws -> [StoredStrategy] {
        try await StrategyModel.query(on: database).filter(\.$userID == owner.rawValue)
            .sort(\.$createdAt, .descending).sort(\.$id, .descending).all().compactMap(Self.strategy)
    }

    /// Deletes the owner's strategy; false when there is none (then no audit row is written).
    public func delete(_ id: StrategyID, owner: UserID, audit: AuditEntry) async throws -> Bool {
        try await TransactionRunner.write(on: database) { session in
            let deleted = try await session.run("DELETE FROM strategies WHERE id = ? AND user_id = ? RETURNING id",
                                                [.uuid(id.rawValue), .uuid(owner.rawValue)])
            guard !deleted.isEmpty else { return false }
            try await AuditStore.append(audit, in: session)
            return true
        }
    }

    static func strategy(_ model: StrategyModel) -> StoredStrategy? {
        guard let id = model.id, let kind = StrategyKind(rawValue: model.kind),
              let recipe = try? SignalRecipe(kind: kind, parameters: StrategyColumns.numbers(model.parameters)),
              let timeframe = CandleInterval(rawValue: model.timeframe),
              let sizing = StrategyColumns.sizing(model.sizing),
              let mode = StrategyPlan.Mode(rawValue: model.mode) else { return nil }
        let plan = StrategyPlan(id: StrategyID(id), name: model.name, recipe: recipe, timeframe: timeframe,
                                watchlist: StrategyColumns.symbols(model.watchlist), sizing: sizing,
                                exits: StrategyColumns.exits(model.exits), mode: mode)
        return StoredStrategy(owner: UserID(model.userID), plan: plan, enabled: model.enabled,
                              createdAt: model.createdAt, updatedAt: model.updatedAt)
    }
}
