import Fluent
import SQLKit

/// Version 10: several instances on one PostgreSQL. `cluster_instances` is who is alive (a heartbeat a second);
/// `symbol_leases` says which instance runs each symbol's feed, rule book and paper matching, until when. An instance
/// that stops renewing loses its leases when they expire, and the others take its symbols. (SQLite serves one
/// instance, which owns every symbol; the tables stay empty there.)
public struct AddCluster: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.AddCluster.v10" }

    public func prepare(on database: any Database) async throws {
        try await database.schema("cluster_instances")
            .id()
            .field("name", .string, .required)
            .field("started_at", .datetime, .required)
            .field("heartbeat_at", .datetime, .required)
            .create()
        try await database.schema("symbol_leases")
            .field("symbol", .string, .identifier(auto: false))
            .field("instance_id", .uuid)
            .field("expires_at", .datetime)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema("symbol_leases").delete()
        try await database.schema("cluster_instances").delete()
    }
}
