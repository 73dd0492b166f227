import Foundation
import TradingCore

/// How a strategy's structured fields are kept in text columns: JSON objects with the API's snake_case names, so a
/// row reads the same in a database shell as in the API.
enum StrategyColumns {
    static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func sizing(_ sizing: PositionSizing) -> String {
        switch sizing {
        case .fixedQuantity(let quantity): json(["type": "fixed_quantity", "quantity": quantity])
        case .fixedAmount(let amount): json(["type": "fixed_amount", "amount_paise": amount.paise])
        case .percentOfEquity(let percent): json(["type": "percent_of_equity", "percent": percent])
        case let .atrRisk(risk, multiple): json(["type": "atr_risk", "risk_percent": risk, "atr_multiple": multiple])
        }
    }

    static func sizing(_ text: String) -> PositionSizing? {
        let object = object(text)
        func number(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
        switch object["type"] as? String {
        case "fixed_quantity": return number("quantity").map { .fixedQuantity(Int64($0)) }
        case "fixed_amount": return number("amount_paise").map { .fixedAmount(Money(paise: Int64($0))) }
        case "percent_of_equity": return number("percent").map { .percentOfEquity($0) }
        case "atr_risk":
            guard let risk = number("risk_percent"), let multiple = number("atr_multiple") else { return nil }
            return .atrRisk(riskPercent: risk, atrMultiple: multiple)
        default: return nil
        }
    }

    static func exits(_ exits: ExitRules) -> String {
        var object: [String: Any] = ["on_opposite_signal": exits.onOppositeSignal]
        if let value = exits.stopLossPercent { object["stop_loss_percent"] = value }
        if let value = exits.takeProfitPercent { object["take_profit_percent"] = value }
        if let value = exits.trailingStopPercent { object["trailing_stop_percent"] = value }
        return json(object)
    }

    static func exits(_ text: String) -> ExitRules {
        let object = object(text)
        func number(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
        return ExitRules(stopLossPercent: number("stop_loss_percent"), takeProfitPercent: number("take_profit_percent"),
                         trailingStopPercent: number("trailing_stop_percent"),
                         onOppositeSignal: object["on_opposite_signal"] as? Bool ?? true)
    }

    static func limits(_ limits: RiskLimits) -> String {
        var object: [String: Any] = ["max_orders_per_second": limits.maxOrdersPerSecond]
        if let value = limits.maxOpenPositions { object["max_open_positions"] = value }
        if let value = limits.maxSymbolExposure { object["max_symbol_exposure_paise"] = value.paise }
        if let value = limits.maxTotalExposure { object["max_total_exposure_paise"] = value.paise }
        if let value = limits.maxOrderValue { object["max_order_value_paise"] = value.paise }
        if let value = limits.maxDailyLoss { object["max_daily_loss_paise"] = value.paise }
        return json(object)
    }

    static func limits(_ text: String) -> RiskLimits {
        let object = object(text)
        func money(_ key: String) -> Money? { (object[key] as? NSNumber).map { Money(paise: $0.int64Value) } }
        return RiskLimits(maxOpenPositions: (object["max_open_positions"] as? NSNumber)?.intValue,
                          maxSymbolExposure: money("max_symbol_exposure_paise"),
                          maxTotalExposure: money("max_total_exposure_paise"),
                          maxOrderValue: money("max_order_value_paise"),
                          maxOrdersPerSecond: (object["max_orders_per_second"] as? NSNumber)?.intValue
                              ?? RiskLimits.defaultOrdersPerSecond,
                          maxDailyLoss: money("max_daily_loss_paise"))
    }

    static func numbers(_ values: [String: Double]) -> String { json(values) }

    static func numbers(_ text: String) -> [String: Double] {
        object(text).compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    static func symbols(_ symbols: [Symbol]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: symbols.map(\.rawValue))) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func symbols(_ text: String) -> [Symbol] {
        ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String] ?? []).compactMap(Symbol.init)
    }
}
