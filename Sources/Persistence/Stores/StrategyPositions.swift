import Fluent
import Foundation
import TradingCore

/// What each of a user's strategies holds, rebuilt from the orders its auto-trader placed (`orders.strategy_id`):
/// the executed ones make the position (its entry the size-weighted average of the buys since it was last flat),
/// a pending one is the order still working.
public struct StrategyPositions: Sendable {
    /// One (strategy, symbol) lane.
    public struct Lane: Hashable, Sendable {
        public var quantity: Int64 = 0
        public var entryPrice: Money = .zero
        public var entryTime: Date?
        public var highWater: Money = .zero
        /// The lane's order still pending.
        public var working: Order?
    }

    let database: any Database

    public init(database: any Database) { self.database = database }

    public func lanes(of owner: UserID) async throws -> [StrategyID: [Symbol: Lane]] {
        let orders = try await OrderModel.query(on: database).filter(\.$userID == owner.rawValue)
            .filter(\.$strategyID != nil)
            .filter(\.$status ~~ [OrderStatus.executed.rawValue, OrderStatus.pending.rawValue])
            .sort(\.$createdAt).sort(\.$id).all()
        var lanes: [StrategyID: [Symbol: Lane]] = [:]
        for model in orders {
            guard let strategy = model.strategyID, let order = try? model.toCore() else { continue }
            var lane = lanes[StrategyID(strategy)]?[order.symbol] ?? Lane()
            if order.status == .pending {
                lane.working = order
            } else if let price = order.fillPrice {
                switch order.side {
                case .buy:
                    let total = lane.quantity + order.quantity
                    lane.entryPrice = Money(paise: (lane.entryPrice.paise * lane.quantity + price.paise * order.quantity)
                                            / total)
                    lane.quantity = total
                    lane.entryTime = lane.entryTime ?? order.executedAt
                    lane.highWater = max(lane.highWater, price)
                case .sell:
                    lane.quantity = max(0, lane.quantity - order.quantity)
                    if lane.quantity == 0 { lane = Lane() }
                }
            }
            lanes[StrategyID(strategy), default: [:]][order.symbol] = lane
        }
        return lanes
    }
}
