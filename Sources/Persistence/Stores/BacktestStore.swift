import Fluent
import Foundation
import TradingCore

/// A backtest as stored: what was asked, how far it got, its headline figures and, once done, its report (JSON).
public struct StoredBacktest: Sendable {
    public var id: UUID
    public var owner: UserID
    public var symbol: Symbol
    public var interval: CandleInterval
    public var kind: StrategyKind
    public var parameters: [String: Double]
    /// The request as the API read it (JSON).
    public var request: String
    /// `running`, `done` or `failed`.
    public var status: String
    public var progress: Double
    public var finalValue: Money?
    public var totalReturnPercent: Double?
    public var trades: Int?
    public var error: String?
    public var report: String?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(id: UUID, owner: UserID, symbol: Symbol, interval: CandleInterval, kind: StrategyKind,
                parameters: [String: Double], request: String, status: String, progress: Double,
                finalValue: Money? = nil, totalReturnPercent: Double? = nil, trades: Int? = nil, error: String? = nil,
                report: String? = nil, createdAt: Date, finishedAt: Date? = nil) {
        self.id = id
        self.owner = owner
        self.symbol = symbol
        self.interval = interval
        self.kind = kind
        self.parameters = parameters
        self.request = request
        self.status = status
        self.progress = progress
        self.finalValue = finalValue
        self.totalReturnPercent = totalReturnPercent
        self.trades = trades
        self.error = error
        self.report = report
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}

/// Users' backtests, scoped to their owner.
public struct BacktestStore: Sendable {
    let database: any Database
    /// The instance running the backtests this store saves (so a restarting instance fails only its own).
    let instance: UUID?

    public init(database: any Database, instance: UUID? = nil) {
        self.database = database
        self.instance = instance
    }

    /// Inserts or replaces the backtest (its progress and, at the end, its outcome).
    public func save(_ backtest: StoredBacktest) async throws {
        try await TransactionRunner.write(on: database) { session in
            try await session.run("""
                INSERT INTO backtests (id, user_id, symbol, interval, kind, parameters, request, status, progress,
                                       final_paise, total_return_percent, trades, error, report, created_at,
                                       finished_at, instance_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, progress = excluded.progress,
                    final_paise = excluded.final_paise, total_return_percent = excluded.total_return_percent,
                    trades = excluded.trades, error = excluded.error, report = excluded.report,
                    finished_at = excluded.finished_at
                WHERE backtests.user_id = excluded.user_id
                """, [.uuid(backtest.id), .uuid(backtest.owner.rawValue), .text(backtest.symbol.rawValue),
                      .text(backtest.interval.rawValue), .text(backtest.kind.rawValue),
                      .text(StrategyColumns.numbers(backtest.parameters)), .text(backtest.request),
                      .text(backtest.status), .double(backtest.progress), .integer(backtest.finalValue?.paise),
                      .double(backtest.totalReturnPercent), .integer(backtest.trades.map(Int64.init)),
                      .text(backtest.error), .text(backtest.report), .date(backtest.createdAt),
                      .date(backtest.finishedAt), .uuid(instance)])
        }
    }

    public func get(_ id: UUID, owner: UserID) async throws -> StoredBacktest? {
        try await BacktestModel.query(on: database).filter(\.$id == id).filter(\.$userID == owner.rawValue).first()
            .flatMap(Self.backtest)
    }

    /// The owner's backtests, newest first, without their reports.
    public func list(owner: UserID, limit: Int = 100) async throws -> [StoredBacktest] {
        try await BacktestModel.query(on: database).filter(\.$userID == owner.rawValue)
            .field(\.$id).field(\.$userID).field(\.$symbol).field(\.$interval).field(\.$kind).field(\.$parameters)
            .field(\.$request).field(\.$status).field(\.$progress).field(\.$finalPaise).field(\.$totalReturnPercent)
            .field(\.$trades).field(\.$error).field(\.$createdAt).field(\.$finishedAt)
            .sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit).all().compactMap(Self.backtest)
    }

    public func delete(_ id: UUID, owner: UserID) async throws -> Bool {
        try await TransactionRunner.write(on: database) { session in
            try await !session.run("DELETE FROM backtests WHERE id = ? AND user_id = ? RETURNING id",
                                   [.uuid(id), .uuid(owner.rawValue)]).isEmpty
        }
    }

    /// Backtests left `running` by a process that stopped: marked failed, saying so.
    /// Marks failed the backtests left running by a server that stopped, sparing those of the instances in
    /// `sparing` (alive, and still running theirs).
    public func failUnfinished(now: Date, sparing: [UUID] = []) async throws {
        try await TransactionRunner.write(on: database) { session in
            let spared = sparing.isEmpty ? "" : " AND (instance_id IS NULL OR instance_id NOT IN ("
                + sparing.map { _ in "?" }.joined(separator: ", ") + "))"
            try await session.run("""
                UPDATE backtests SET status = 'failed', error = 'the server stopped while it ran', finished_at = ?
                WHERE status = 'running'
                """ + spared, [.date(now)] + sparing.map { .uuid($0) })
        }
    }

    static func backtest(_ model: BacktestModel) -> StoredBacktest? {
        guard let id = model.id, let symbol = Symbol(model.symbol), let interval = CandleInterval(rawValue: model.interval),
              let kind = StrategyKind(rawValue: model.kind) else { return nil }
        return StoredBacktest(id: id, owner: UserID(model.userID), symbol: symbol, interval: interval, kind: kind,
                              parameters: StrategyColumns.numbers(model.parameters), request: model.request,
                              status: model.status, progress: model.progress,
                              finalValue: model.finalPaise.map(Money.init(paise:)),
                              totalReturnPercent: model.totalReturnPercent, trades: model.trades.map(Int.init),
                              error: model.error, report: model.$report.value ?? nil, createdAt: model.createdAt,
                              finishedAt: model.finishedAt)
    }
}
