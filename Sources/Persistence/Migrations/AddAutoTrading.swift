import Fluent
import SQLKit

/// Version 8: the auto-trader's tables — `strategies`, `signals` (one row per decision; `dedupe_key` unique, so a
/// bar's decision is stored once across restarts), `autotrader_states` (one row per user: running, the kill switch,
/// the limits, the day's starting equity), `backtests` — and `orders.strategy_id`, naming the strategy that placed
/// an order (null for the user's own), from which each strategy's positions are rebuilt.
public struct AddAutoTrading: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.AddAutoTrading.v8" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("strategies")
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("parameters", .string, .required)
            .field("timeframe", .string, .required)
            .field("watchlist", .string, .required)
            .field("sizing", .string, .required)
            .field("exits", .string, .required)
            .field("mode", .string, .required)
            .field("enabled", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("signals")
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("strategy_id", .uuid, .required)
            .field("strategy_name", .string, .required)
            .field("symbol", .string, .required)
            .field("timeframe", .string, .required)
            .field("trigger", .string, .required)
            .field("bar_time", .datetime)
            .field("decided_at", .datetime, .required)
            .field("side", .string, .required)
            .field("reason", .string, .required)
            .field("signal_values", .string)
            .field("strength", .double)
            .field("price_paise", .int64, .required)
            .field("risk_outcome", .string, .required)
            .field("requested_quantity", .int64, .required)
            .field("quantity", .int64, .required)
            .field("risk_reason", .string)
            .field("order_id", .uuid)
            .field("dedupe_key", .string, .required)
            .unique(on: "dedupe_key", name: "uq_signals_dedupe")
            .create()
        try await database.schema("autotrader_states")
            .field("user_id", .uuid, .identifier(auto: false), .references(UserModel.schema, .id, onDelete: .cascade))
            .field("running", .bool, .required)
            .field("started_at", .datetime)
            .field("kill_reason", .string)
            .field("killed_at", .datetime)
            .field("limits", .string, .required)
            .field("day", .string)
            .field("day_start_paise", .int64)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("backtests")
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("symbol", .string, .required)
            .field("interval", .string, .required)
            .field("kind", .string, .required)
            .field("parameters", .string, .required)
            .field("request", .string, .required)
            .field("status", .string, .required)
            .field("progress", .double, .required)
            .field("final_paise", .int64)
            .field("total_return_percent", .double)
            .field("trades", .int64)
            .field("error", .string)
            .field("report", .string)
            .field("created_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        try await database.schema(OrderModel.schema).field("strategy_id", .uuid).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX idx_strategies_user ON strategies (user_id, created_at)").run()
        try await sql.raw("CREATE INDEX idx_signals_user ON signals (user_id, decided_at, id)").run()
        try await sql.raw("CREATE INDEX idx_backtests_user ON backtests (user_id, created_at)").run()
        try await sql.raw("CREATE INDEX idx_orders_strategy ON orders (strategy_id, symbol)").run()
    }

    public func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "idx_orders_strategy").run()
        }
        try await database.schema(OrderModel.schema).deleteField("strategy_id").update()
        for table in ["backtests", "autotrader_states", "signals", "strategies"] {
            try await database.schema(table).delete()
        }
    }
}
