import Fluent
import SQLKit

/// Version 7: `orders.funds_checked_by`: `stockcart` when placing the order set cash or shares aside here (the paper
/// broker), `broker` when a real broker checks funds and holdings itself and nothing was set aside, so settling or
/// cancelling the order gives back exactly what it took.
public struct AddFundsChecker: AsyncMigration {
    public init() {}

    public var name: String { "StockCart.AddFundsChecker.v7" }

    public func prepare(on database: any Database) async throws {
        try await database.schema(OrderModel.schema)
            .field("funds_checked_by", .string, .required, .sql(.default("stockcart")))
            .update()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(OrderModel.schema).deleteField("funds_checked_by").update()
    }
}
