/// A closed price interval `[min, max]`; a price equal to either bound is inside.
public struct PriceRange: Hashable, Sendable {
    public let min: Money
    public let max: Money

    /// Validates the bounds: both positive, at most two decimals (always true for `Money`), `min ≤ max`.
    public init(min: Money, max: Money) throws(ValidationError) {
        guard min.paise > 0 else { throw ValidationError(field: "min_price", reason: "min_price must be greater than 0") }
        guard max.paise > 0 else { throw ValidationError(field: "max_price", reason: "max_price must be greater than 0") }
        guard min <= max else {
            throw ValidationError(field: "min_price", reason: "min_price must not be greater than max_price")
        }
        self.min = min
        self.max = max
    }

    public func contains(_ price: Money) -> Bool { min <= price && price <= max }
}
