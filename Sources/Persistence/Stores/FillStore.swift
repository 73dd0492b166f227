import Fluent
import Foundation
import TradingCore

/// A user's executed orders as fills, oldest first: what the performance figures replay.
public struct FillStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    public func fills(of owner: UserID) async throws -> [Fill] {
        try await OrderModel.query(on: database).filter(\.$userID == owner.rawValue)
            .filter(\.$status == OrderStatus.executed.rawValue).sort(\.$executedAt).sort(\.$id).all()
            .compactMap { model -> Fill? in
                guard let order = try? model.toCore(), let price = order.fillPrice, let time = order.executedAt
                else { return nil }
                return Fill(time: time, symbol: order.symbol, side: order.side, quantity: order.quantity, price: price,
                            charges: order.charges?.total ?? .zero, strategy: model.strategyID.map(StrategyID.init))
            }
    }
}
