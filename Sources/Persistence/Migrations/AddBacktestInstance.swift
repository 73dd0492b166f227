import Fluent

/// Version 11: `backtests.instance_id`, the instance running a backtest, so that an instance restarting fails only its
/// own unfinished backtests, not those another live instance is still running.
public struct AddBacktestInstance: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.AddBacktestInstance.v11" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(BacktestModel.schema).field("instance_id", .uuid).update()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(BacktestModel.schema).deleteField("instance_id").update()
    }
}
