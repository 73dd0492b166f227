import TradingCore

/// Reading rupee amounts from requests: a JSON number with at most two decimals, greater than zero.
enum WireMoney {
    static func parse(_ value: Double?, field: String) throws -> Money {
        guard let value else { throw APIError.validation(field, "\(field) is required") }
        guard value > 0 else { throw APIError.validation(field, "\(field) must be greater than 0") }
        guard let money = Money(rupees: value) else {
            throw APIError.validation(field, "\(field) must have at most two decimals")
        }
        return money
    }
}
