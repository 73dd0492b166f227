import Foundation
import Persistence
import TradingCore
import Vapor

/// A strategy plan on the wire: kind and parameters, timeframe, watchlist, sizing, exits and mode.
struct StrategyDTO: Content {
    struct Sizing: Content {
        /// `fixed_quantity`, `fixed_amount`, `percent_of_equity` or `atr_risk`.
        var type: String
        var quantity: Int64?
        var amount: Double?
        var percent: Double?
        var riskPercent: Double?
        var atrMultiple: Double?

        enum CodingKeys: String, CodingKey {
            case type, quantity, amount, percent
            case riskPercent = "risk_percent", atrMultiple = "atr_multiple"
        }

        init(_ sizing: PositionSizing) {
            switch sizing {
            case .fixedQuantity(let quantity): type = "fixed_quantity"; self.quantity = quantity
            case .fixedAmount(let amount): type = "fixed_amount"; self.amount = amount.rupeesDouble
            case .percentOfEquity(let percent): type = "percent_of_equity"; self.percent = percent
            case let .atrRisk(risk, multiple): type = "atr_risk"; riskPercent = risk; atrMultiple = multiple
            }
        }
    }

    struct Exits: Content {
        var stopLossPercent: Double?
        var takeProfitPercent: Double?
        var trailingStopPercent: Double?
        var onOppositeSignal: Bool

        enum CodingKeys: String, CodingKey {
            case stopLossPercent = "stop_loss_percent", takeProfitPercent = "take_profit_percent"
            case trailingStopPercent = "trailing_stop_percent", onOppositeSignal = "on_opposite_signal"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(stopLossPercent, forKey: .stopLossPercent)
            try container.encode(takeProfitPercent, forKey: .takeProfitPercent)
            try container.encode(trailingStopPercent, forKey: .trailingStopPercent)
            try container.encode(onOppositeSignal, forKey: .onOppositeSignal)
        }

        init(_ exits: ExitRules) {
            stopLossPercent = exits.stopLossPercent
            takeProfitPercent = exits.takeProfitPercent
            trailingStopPercent = exits.trailingStopPercent
            onOppositeSignal = exits.onOppositeSignal
        }
    }

    var id: UUID
    var name: String
    var kind: String
    var parameters: [String: Double]
    var timeframe: String
    var watchlist: [String]
    var sizing: Sizing
    var exits: Exits
    var mode: String
    /// Stored strategies only (`/api/strategies`); a backtest's strategy has none of these.
    var enabled: Bool?
    var createdAt: Date?
    var updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, kind, parameters, timeframe, watchlist, sizing, exits, mode, enabled
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ stored: StoredStrategy) {
        self.init(stored.plan)
        enabled = stored.enabled
        createdAt = stored.createdAt
        updatedAt = stored.updatedAt
    }

    init(_ plan: StrategyPlan) {
        id = plan.id.rawValue
        name = plan.name
        kind = plan.recipe.kind.rawValue
        parameters = plan.recipe.parameters
        timeframe = plan.timeframe.rawValue
        watchlist = plan.watchlist.map(\.rawValue)
        sizing = Sizing(plan.sizing)
        exits = Exits(plan.exits)
        mode = plan.mode.rawValue
    }
}
