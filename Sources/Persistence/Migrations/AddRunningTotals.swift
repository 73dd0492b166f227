import Fluent
import SQLKit

/// Version 3: the running figures that keep every request's cost independent of how much data a user has, and
/// indexes that match the hot queries' filters and their order (checked by `QueryPlanTests`).
///
/// - `accounts.reserved_paise`: cash set aside by the user's pending BUY orders (the sum of their
///   `orders.reserved_paise`);
/// - `positions.reserved_quantity`: shares set aside by the user's pending SELL orders of that symbol;
/// - `accounts.rule_count`: how many rules the user has, for the per-user limit.
///
/// Each is changed in the same transaction as the rows it sums (`OrderStore`, `DatabaseExecutionRecorder`,
/// `RuleStore`), and filled here from a recount of what the database already holds.
public struct AddRunningTotals: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.AddRunningTotals.v3" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(AccountModel.schema)
            .field("reserved_paise", .int64, .required, .sql(.default(0)))
            .update()
        try await database.schema(AccountModel.schema)
            .field("rule_count", .int64, .required, .sql(.default(0)))
            .update()
        try await database.schema(PositionModel.schema)
            .field("reserved_quantity", .int64, .required, .sql(.default(0)))
            .update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            UPDATE accounts SET reserved_paise = COALESCE((SELECT SUM(o.reserved_paise) FROM orders o
                WHERE o.user_id = accounts.user_id AND o.status = 'PENDING'), 0)
            """).run()
        try await sql.raw("""
            UPDATE accounts SET rule_count = (SELECT COUNT(*) FROM rules r WHERE r.user_id = accounts.user_id)
            """).run()
        try await sql.raw("""
            UPDATE positions SET reserved_quantity = COALESCE((SELECT SUM(o.quantity) FROM orders o
                WHERE o.user_id = positions.user_id AND o.symbol = positions.symbol AND o.side = 'SELL'
                AND o.status = 'PENDING'), 0)
            """).run()
        // Listings read in index order, so a user's newest 200 orders, or their cart, cost what they return.
        try await sql.drop(index: "ix_rules_user").run()
        try await sql.create(index: "ix_rules_user_created").on(RuleModel.schema)
            .column("user_id").column("created_at").run()
        try await sql.drop(index: "ix_cart_items_user_status").run()
        try await sql.create(index: "ix_cart_items_user_status_added").on(CartItemModel.schema)
            .column("user_id").column("status").column("added_at").run()
        try await sql.create(index: "ix_orders_user_status_created").on(OrderModel.schema)
            .column("user_id").column("status").column("created_at").run()
        try await sql.create(index: "ix_orders_checkout").on(OrderModel.schema)
            .column("checkout_id").column("created_at").run()
        try await sql.drop(index: "ix_orders_status").run()
        try await sql.create(index: "ix_orders_status_created").on(OrderModel.schema)
            .column("status").column("created_at").run()
        try await sql.drop(index: "ix_audit_log_user").run()
        try await sql.create(index: "ix_audit_log_user_created").on(AuditLogModel.schema)
            .column("user_id").column("created_at").run()
    }

    public func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "ix_audit_log_user_created").run()
            try await sql.create(index: "ix_audit_log_user").on(AuditLogModel.schema).column("user_id").run()
            try await sql.drop(index: "ix_orders_status_created").run()
            try await sql.create(index: "ix_orders_status").on(OrderModel.schema).column("status").run()
            try await sql.drop(index: "ix_orders_checkout").run()
            try await sql.drop(index: "ix_orders_user_status_created").run()
            try await sql.drop(index: "ix_cart_items_user_status_added").run()
            try await sql.create(index: "ix_cart_items_user_status").on(CartItemModel.schema)
                .column("user_id").column("status").run()
            try await sql.drop(index: "ix_rules_user_created").run()
            try await sql.create(index: "ix_rules_user").on(RuleModel.schema).column("user_id").run()
        }
        try await database.schema(PositionModel.schema).deleteField("reserved_quantity").update()
        try await database.schema(AccountModel.schema).deleteField("rule_count").update()
        try await database.schema(AccountModel.schema).deleteField("reserved_paise").update()
    }
}
