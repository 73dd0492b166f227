import Fluent
import SQLKit

/// Version 1 of the schema: every table, its unique keys, foreign keys and the indexes the hot queries use.
/// Portable across SQLite and PostgreSQL (only Fluent schema builders and SQLKit index creation).
public struct CreateSchema: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.CreateSchema.v1" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema)
            .id()
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "email")
            .create()

        try await database.schema(StockModel.schema)
            .id()
            .field("symbol", .string, .required)
            .field("name", .string, .required)
            .field("sector", .string, .required)
            .field("exchange", .string, .required)
            .field("reference_price_paise", .int64, .required)
            .unique(on: "symbol")
            .create()

        try await database.schema(RuleModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("symbol", .string, .required)
            .field("min_paise", .int64, .required)
            .field("max_paise", .int64, .required)
            .field("mode", .string, .required)
            .field("state", .string, .required)
            .field("fire_count", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("last_fired_at", .datetime)
            .create()

        try await database.schema(CartItemModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("symbol", .string, .required)
            .field("quantity", .int64, .required)
            .field("price_paise", .int64, .required)
            .field("auto_added", .bool, .required)
            .field("rule_id", .uuid)
            .field("fire_number", .int)
            .field("status", .string, .required)
            .field("added_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // One firing → exactly one cart item, across crashes, restarts and instances.
            .unique(on: "rule_id", "fire_number", name: "uq_cart_items_rule_firing")
            .create()

        try await database.schema(CheckoutModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("idempotency_key", .string, .required)
            .field("fingerprint", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "idempotency_key", name: "uq_checkouts_user_key")
            .create()

        try await database.schema(OrderModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("symbol", .string, .required)
            .field("side", .string, .required)
            .field("order_type", .string, .required)
            .field("quantity", .int64, .required)
            .field("limit_paise", .int64)
            .field("status", .string, .required)
            .field("fill_paise", .int64)
            .field("brokerage_paise", .int64)
            .field("stt_paise", .int64)
            .field("exchange_paise", .int64)
            .field("sebi_paise", .int64)
            .field("stamp_paise", .int64)
            .field("gst_paise", .int64)
            .field("reason", .string)
            .field("reserved_paise", .int64, .required)
            .field("cart_item_id", .uuid)
            .field("checkout_id", .uuid, .references(CheckoutModel.schema, .id, onDelete: .setNull))
            .field("idempotency_key", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("executed_at", .datetime)
            .unique(on: "user_id", "idempotency_key", name: "uq_orders_user_key")
            .create()

        try await database.schema(TradeModel.schema)
            .id()
            .field("order_id", .uuid, .required, .references(OrderModel.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("symbol", .string, .required)
            .field("side", .string, .required)
            .field("quantity", .int64, .required)
            .field("price_paise", .int64, .required)
            .field("charges_paise", .int64, .required)
            .field("executed_at", .datetime, .required)
            .unique(on: "order_id")
            .create()

        try await database.schema(AccountModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("cash_paise", .int64, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id")
            .create()

        try await database.schema(PositionModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("symbol", .string, .required)
            .field("quantity", .int64, .required)
            .field("average_paise", .int64, .required)
            .field("realised_paise", .int64, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id", "symbol")
            .create()

        try await database.schema(AuditLogModel.schema)
            .id()
            .field("user_id", .uuid)
            .field("action", .string, .required)
            .field("entity_id", .string)
            .field("detail", .string)
            .field("ip", .string)
            .field("request_id", .string)
            .field("created_at", .datetime, .required)
            .create()

        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "ix_rules_user").on(RuleModel.schema).column("user_id").run()
            try await sql.create(index: "ix_rules_state").on(RuleModel.schema).column("state").run()
            try await sql.create(index: "ix_cart_items_user_status").on(CartItemModel.schema)
                .column("user_id").column("status").run()
            try await sql.create(index: "ix_orders_user_created").on(OrderModel.schema)
                .column("user_id").column("created_at").run()
            try await sql.create(index: "ix_orders_status").on(OrderModel.schema).column("status").run()
            try await sql.create(index: "ix_audit_log_user").on(AuditLogModel.schema).column("user_id").run()
        }
    }

    public func revert(on database: any Database) async throws {
        for schema in [AuditLogModel.schema, PositionModel.schema, AccountModel.schema, TradeModel.schema,
                       OrderModel.schema, CheckoutModel.schema, CartItemModel.schema, RuleModel.schema,
                       StockModel.schema, UserModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
