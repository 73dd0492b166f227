import Fluent

/// Version 5: `broker_accounts`, at most one per user (a user trades through one broker account at a time), removed
/// with its user.
public struct AddBrokerAccounts: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.AddBrokerAccounts.v5" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(BrokerAccountModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, .id, onDelete: .cascade))
            .field("broker", .string, .required)
            .field("client_code", .string, .required)
            .field("sealed_credentials", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id", name: "uq_broker_accounts_user")
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(BrokerAccountModel.schema).delete()
    }
}
