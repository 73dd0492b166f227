import Fluent
import Foundation
import TradingCore

/// A user's auto-trader as stored.
public struct StoredAutoTrader: Hashable, Sendable {
    public var owner: UserID
    public var running: Bool
    public var startedAt: Date?
    /// Why the kill switch is tripped, or nil when armed.
    public var killReason: String?
    public var killedAt: Date?
    public var limits: RiskLimits
    /// The IST day (`2026-11-30`) `dayStartEquity` was taken on.
    public var day: String?
    public var dayStartEquity: Money?
    public var updatedAt: Date

    public init(owner: UserID, running: Bool = false, startedAt: Date? = nil, killReason: String? = nil,
                killedAt: Date? = nil, limits: RiskLimits = RiskLimits(), day: String? = nil,
                dayStartEquity: Money? = nil, updatedAt: Date) {
        self.owner = owner
        self.running = running
        self.startedAt = startedAt
        self.killReason = killReason
        self.killedAt = killedAt
        self.limits = limits
        self.day = day
        self.dayStartEquity = dayStartEquity
        self.updatedAt = updatedAt
    }
}

/// Users' auto-trader states: one row each, saved whole with its audit row (a start, a stop, the kill switch, new
/// limits), so a restart restores exactly what was saved.
public struct AutoTraderStateStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    public func get(_ owner: UserID) async throws -> StoredAutoTrader? {
        try await AutoTraderStateModel.find(owner.rawValue, on: database).map(Self.state)
    }

    /// Every stored state: at start, the running auto-traders to restart and the tripped kill switches.
    public func all() async throws -> [StoredAutoTrader] {
        try await AutoTraderStateModel.query(on: database).all().map(Self.state)
    }

    /// Saves `state`; with `audit`, its row commits in the same transaction.
    public func save(_ state: StoredAutoTrader, audit: AuditEntry?) async throws {
        try await TransactionRunner.write(on: database) { session in
            try await session.run("""
                INSERT INTO autotrader_states (user_id, running, started_at, kill_reason, killed_at, limits, day,
                                               day_start_paise, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET running = excluded.running, started_at = excluded.started_at,
                    kill_reason = excluded.kill_reason, killed_at = excluded.killed_at, limits = excluded.limits,
                    day = excluded.day, day_start_paise = excluded.day_start_paise, updated_at = excluded.updated_at
                """, [.uuid(state.owner.rawValue), .bool(state.running), .date(state.startedAt), .text(state.killReason),
                      .date(state.killedAt), .text(StrategyColumns.limits(state.limits)), .text(state.day),
                      .integer(state.dayStartEquity?.paise), .date(state.updatedAt)])
            if let audit { try await AuditStore.append(audit, in: session) }
        }
    }

    static func state(_ model: AutoTraderStateModel) -> StoredAutoTrader {
        StoredAutoTrader(owner: UserID(model.id ?? UUID()), running: model.running, startedAt: model.startedAt,
                         killReason: model.killReason, killedAt: model.killedAt,
                         limits: StrategyColumns.limits(model.limits), day: model.day,
                         dayStartEquity: model.dayStartPaise.map(Money.init(paise:)), updatedAt: model.updatedAt)
    }
}
