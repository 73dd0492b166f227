import Fluent
import SQLKit

/// Version 4: the listings page by (time, id), so their indexes end in `id` too. A page then starts with an index
/// seek to the row it follows and reads only what it returns, in order, with no sort (`QueryPlanTests`), however
/// many rows come before it or share its time.
public struct AddPagingIndexes: AsyncMigration {
    public init() {}

    /// (old name, new name, table, columns of the new index)
    private static let replaced: [(String, String, String, [String])] = [
        ("ix_rules_user_created", "ix_rules_user_created_id", RuleModel.schema, ["user_id", "created_at", "id"]),
        ("ix_cart_items_user_status_added", "ix_cart_items_user_status_added_id", CartItemModel.schema,
         ["user_id", "status", "added_at", "id"]),
        ("ix_orders_user_created", "ix_orders_user_created_id", OrderModel.schema, ["user_id", "created_at", "id"]),
        ("ix_orders_user_status_created", "ix_orders_user_status_created_id", OrderModel.schema,
         ["user_id", "status", "created_at", "id"]),
    ]

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (old, new, table, columns) in Self.replaced {
            try await Self.create(new, on: table, columns: columns, in: sql)
            try await sql.drop(index: old).run()
        }
    }

    private static func create(_ name: String, on table: String, columns: [String], in sql: any SQLDatabase)
        async throws {
        let builder = sql.create(index: name).on(table)
        for column in columns { builder.column(column) }
        try await builder.run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (old, new, table, columns) in Self.replaced.reversed() {
            try await Self.create(old, on: table, columns: Array(columns.dropLast()), in: sql)
            try await sql.drop(index: new).run()
        }
    }
}
