import Engine
import Foundation
import TradingCore
import Vapor

/// `GET /api/autotrader` and the `autotrader` socket message: running or stopped, the kill switch, the positions
/// the auto-trader holds with their stops, and the risk limits.
struct AutoTraderResponse: Content {
    struct KillSwitch: Content {
        var tripped: Bool
        var reason: String?
        var trippedAt: Date?

        enum CodingKeys: String, CodingKey {
            case tripped, reason
            case trippedAt = "tripped_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(tripped, forKey: .tripped)
            try container.encode(reason, forKey: .reason)
            try container.encode(trippedAt, forKey: .trippedAt)
        }
    }

    struct Position: Content {
        var strategyId: UUID
        var strategyName: String
        var symbol: String
        var quantity: Int64
        var entryPrice: Double?
        var entryTime: Date?
        var lastPrice: Double?
        var unrealisedPnL: Double?
        var stopLoss: Double?
        var takeProfit: Double?
        var trailingStop: Double?
        var workingOrder: String?

        enum CodingKeys: String, CodingKey {
            case symbol, quantity
            case strategyId = "strategy_id", strategyName = "strategy_name", entryPrice = "entry_price"
            case entryTime = "entry_time", lastPrice = "last_price", unrealisedPnL = "unrealised_pnl"
            case stopLoss = "stop_loss", takeProfit = "take_profit", trailingStop = "trailing_stop"
            case workingOrder = "working_order"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(strategyId, forKey: .strategyId)
            try container.encode(strategyName, forKey: .strategyName)
            try container.encode(symbol, forKey: .symbol)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(entryPrice, forKey: .entryPrice)
            try container.encode(entryTime, forKey: .entryTime)
            try container.encode(lastPrice, forKey: .lastPrice)
            try container.encode(unrealisedPnL, forKey: .unrealisedPnL)
            try container.encode(stopLoss, forKey: .stopLoss)
            try container.encode(takeProfit, forKey: .takeProfit)
            try container.encode(trailingStop, forKey: .trailingStop)
            try container.encode(workingOrder, forKey: .workingOrder)
        }
    }

    /// The risk limits as answered, and as `PUT /api/autotrader/limits` reads them: rupee amounts and counts, null
    /// (or absent) for no limit.
    struct Limits: Content {
        var maxOpenPositions: Int?
        var maxSymbolExposure: Double?
        var maxTotalExposure: Double?
        var maxOrderValue: Double?
        var maxOrdersPerSecond: Int?
        var maxDailyLoss: Double?

        enum CodingKeys: String, CodingKey {
            case maxOpenPositions = "max_open_positions", maxSymbolExposure = "max_symbol_exposure"
            case maxTotalExposure = "max_total_exposure", maxOrderValue = "max_order_value"
            case maxOrdersPerSecond = "max_orders_per_second", maxDailyLoss = "max_daily_loss"
        }

        init(_ limits: RiskLimits) {
            maxOpenPositions = limits.maxOpenPositions
            maxSymbolExposure = limits.maxSymbolExposure?.rupeesDouble
            maxTotalExposure = limits.maxTotalExposure?.rupeesDouble
            maxOrderValue = limits.maxOrderValue?.rupeesDouble
            maxOrdersPerSecond = limits.maxOrdersPerSecond
            maxDailyLoss = limits.maxDailyLoss?.rupeesDouble
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(maxOpenPositions, forKey: .maxOpenPositions)
            try container.encode(maxSymbolExposure, forKey: .maxSymbolExposure)
            try container.encode(maxTotalExposure, forKey: .maxTotalExposure)
            try container.encode(maxOrderValue, forKey: .maxOrderValue)
            try container.encode(maxOrdersPerSecond, forKey: .maxOrdersPerSecond)
            try container.encode(maxDailyLoss, forKey: .maxDailyLoss)
        }

        /// The limits, each checked: counts of at least 1 (orders per second 1–9, under the exchange's 10), amounts
        /// above zero with at most two decimals.
        func limits() throws -> RiskLimits {
            func amount(_ value: Double?, _ field: String) throws -> Money? {
                guard let value else { return nil }
                guard value > 0, value <= OrderLimits.maxValue.rupeesDouble * 1_000, let money = Money(rupees: value) else {
                    throw APIError.validation(field, "\(field) must be a positive amount with at most two decimals")
                }
                return money
            }
            if let positions = maxOpenPositions, positions < 1 || positions > 1_000 {
                throw APIError.validation("max_open_positions", "max_open_positions must be from 1 to 1000")
            }
            if let rate = maxOrdersPerSecond, rate < 1 || rate > 9 {
                throw APIError.validation("max_orders_per_second",
                                          "max_orders_per_second must be from 1 to 9 (NSE treats 10 a second as algorithmic)")
            }
            return RiskLimits(maxOpenPositions: maxOpenPositions,
                              maxSymbolExposure: try amount(maxSymbolExposure, "max_symbol_exposure"),
                              maxTotalExposure: try amount(maxTotalExposure, "max_total_exposure"),
                              maxOrderValue: try amount(maxOrderValue, "max_order_value"),
                              maxOrdersPerSecond: maxOrdersPerSecond ?? RiskLimits.defaultOrdersPerSecond,
                              maxDailyLoss: try amount(maxDailyLoss, "max_daily_loss"))
        }
    }

    var state: String
    var startedAt: Date?
    var enabledStrategies: Int
    var killSwitch: KillSwitch
    var positions: [Position]
    var limits: Limits
    /// Only in the kill switch's answer: the orders it cancelled and the square-off orders it placed.
    var cancelledOrders: [UUID]?
    var squareOffOrders: [UUID]?

    enum CodingKeys: String, CodingKey {
        case state, positions, limits
        case startedAt = "started_at", enabledStrategies = "enabled_strategies", killSwitch = "kill_switch"
        case cancelledOrders = "cancelled_orders", squareOffOrders = "square_off_orders"
    }
}

/// `POST /api/autotrader/kill`.
struct KillSwitchRequest: Content {
    /// `none` (default), `autotrader` or `all`.
    var squareOff: String?

    enum CodingKeys: String, CodingKey {
        case squareOff = "square_off"
    }
}
