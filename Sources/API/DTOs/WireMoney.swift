import TradingCore

/// Reading rupee amounts from requests.
enum WireMoney {
    /// A price per share: a JSON number greater than 0 and at most `OrderLimits.maxPrice`, with at most two
    /// decimals. Bounded here, at the edge, so that no product of a price a user sent can overflow further in.
    static func parsePrice(_ value: Double?, field: String) throws -> Money {
        guard let value else { throw APIError.validation(field, "\(field) is required") }
        guard value > 0 else { throw APIError.validation(field, "\(field) must be greater than 0") }
        guard value <= OrderLimits.maxPrice.rupeesDouble else {
            throw APIError.validation(field, "\(field) must be at most \(OrderLimits.maxPrice)")
        }
        guard let money = Money(rupees: value) else {
            throw APIError.validation(field, "\(field) must have at most two decimals")
        }
        return money
    }
}
