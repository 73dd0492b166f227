import TradingCore

/// Reading share quantities from requests. A JSON number rather than an integer is decoded, so that `2.5`, `-1` and
/// `1e19` all get the same clear answer naming the field (Foundation reports an integer that does not fit as a corrupt
/// body, without saying where).
enum WireQuantity {
    /// A whole number of shares from 1 to `OrderLimits.maxQuantity`.
    static func parse(_ value: Double?, field: String) throws -> Int64 {
        guard let value else { throw APIError.validation(field, "\(field) is required") }
        guard value.rounded() == value, value >= 1, value <= Double(OrderLimits.maxQuantity),
              let quantity = Int64(exactly: value) else {
            throw APIError.validation(field, "\(field) must be a whole number from 1 to \(OrderLimits.maxQuantity)")
        }
        return quantity
    }
}
