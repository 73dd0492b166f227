import Foundation
import TradingCore

/// The `ordertag` that ties an Angel One order to the StockCart order it carries out: "SC" and the first 17 hex
/// digits of the order's id (19 characters: SmartAPI refuses 20 or more with AB4008). Derived, not stored, so after
/// a crash or a restart the order book still says which of its rows are which of ours.
public enum OrderTag {
    public static func of(_ id: OrderID) -> String {
        "SC" + id.rawValue.uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(17)
    }
}
