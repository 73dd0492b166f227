import Foundation
import TradingCore

/// Reads the strategy fields shared by `/api/strategies` and `/api/backtests` (kind and parameters, sizing,
/// exits, timeframe), each refused with a 422 naming its field.
enum StrategyInput {
    struct Sizing: Codable, Sendable {
        var type: String?
        var quantity: Double?
        var amount: Double?
        var percent: Double?
        var riskPercent: Double?
        var atrMultiple: Double?

        enum CodingKeys: String, CodingKey {
            case type, quantity, amount, percent
            case riskPercent = "risk_percent", atrMultiple = "atr_multiple"
        }
    }

    struct Exits: Codable, Sendable {
        var stopLossPercent: Double?
        var takeProfitPercent: Double?
        var trailingStopPercent: Double?
        var onOppositeSignal: Bool?

        enum CodingKeys: String, CodingKey {
            case stopLossPercent = "stop_loss_percent", takeProfitPercent = "take_profit_percent"
            case trailingStopPercent = "trailing_stop_percent", onOppositeSignal = "on_opposite_signal"
        }
    }

    static func recipe(kind: String?, parameters: [String: Double]?) throws -> SignalRecipe {
        guard let raw = kind, !raw.isEmpty else { throw APIError.validation("kind", "kind is required") }
        guard let kind = StrategyKind(rawValue: raw) else {
            throw APIError.validation("kind", "unknown kind '\(raw)' (one of: \(StrategyKind.namesList))")
        }
        do {
            return try SignalRecipe(kind: kind, parameters: parameters ?? [:])
        } catch {
            throw APIError.validation(error.field ?? "parameters", error.reason)
        }
    }

    static func timeframe(_ raw: String?, default fallback: CandleInterval, field: String = "timeframe") throws
        -> CandleInterval {
        guard let raw else { return fallback }
        guard let interval = CandleInterval(rawValue: raw) else {
            throw APIError.validation(field, "\(field) must be one of 1m, 5m, 15m, 1h, 1d")
        }
        return interval
    }

    static func sizing(_ input: Sizing?, default fallback: PositionSizing) throws -> PositionSizing {
        guard let input else { return fallback }
        func positive(_ value: Double?, _ name: String, atMost: Double? = nil) throws -> Double {
            guard let value else { throw APIError.validation("sizing.\(name)", "sizing.\(name) is required") }
            guard value.isFinite, value > 0, atMost.map({ value <= $0 }) ?? true else {
                let bound = atMost.map { " and at most \(SignalRecipe.format($0))" } ?? ""
                throw APIError.validation("sizing.\(name)", "sizing.\(name) must be above 0\(bound)")
            }
            return value
        }
        switch input.type {
        case "fixed_quantity":
            let quantity = try positive(input.quantity, "quantity", atMost: Double(OrderLimits.maxQuantity))
            guard quantity.rounded() == quantity else {
                throw APIError.validation("sizing.quantity", "sizing.quantity must be a whole number of shares")
            }
            return .fixedQuantity(Int64(quantity))
        case "fixed_amount":
            let amount = try positive(input.amount, "amount", atMost: OrderLimits.maxValue.rupeesDouble)
            guard let money = Money(rupees: amount) else {
                throw APIError.validation("sizing.amount", "sizing.amount must have at most two decimals")
            }
            return .fixedAmount(money)
        case "percent_of_equity":
            return .percentOfEquity(try positive(input.percent, "percent", atMost: 100))
        case "atr_risk":
            return .atrRisk(riskPercent: try positive(input.riskPercent, "risk_percent", atMost: 100),
                            atrMultiple: try positive(input.atrMultiple, "atr_multiple", atMost: 100))
        default:
            throw APIError.validation("sizing.type", "sizing.type must be fixed_quantity, fixed_amount, "
                                      + "percent_of_equity or atr_risk")
        }
    }

    static func exits(_ input: Exits?, default fallback: ExitRules = ExitRules()) throws -> ExitRules {
        guard let input else { return fallback }
        do {
            return try ExitRules(stopLossPercent: input.stopLossPercent, takeProfitPercent: input.takeProfitPercent,
                                 trailingStopPercent: input.trailingStopPercent,
                                 onOppositeSignal: input.onOppositeSignal ?? true).validated()
        } catch {
            throw APIError.validation(error.field ?? "exits", error.reason)
        }
    }

    /// A catalogue symbol, refused naming `field`.
    static func symbol(_ raw: String?, field: String, known: (Symbol) -> Bool) throws -> Symbol {
        guard let raw, !raw.isEmpty else { throw APIError.validation(field, "\(field) is required") }
        guard let symbol = Symbol(raw), known(symbol) else {
            throw APIError.validation(field, "unknown symbol '\(raw)'")
        }
        return symbol
    }
}
