import Testing
import TradingCore

@Suite("PriceRange")
struct PriceRangeTests {
    @Test("bounds must be positive with min ≤ max; the error names the field", arguments: [
        (0, 100, "min_price"), (-5, 100, "min_price"), (100, 0, "max_price"), (100, -5, "max_price"),
        (105, 100, "min_price"),
    ] as [(Int64, Int64, String)])
    func invalid(min: Int64, max: Int64, field: String) {
        let error = #expect(throws: ValidationError.self) {
            _ = try PriceRange(min: Money(paise: min), max: Money(paise: max))
        }
        #expect(error?.field == field)
    }

    @Test("a closed interval: both bounds are inside")
    func closed() throws {
        let range = try PriceRange(min: rupees("100.00"), max: rupees("110.00"))
        #expect(range.contains(rupees("100.00")))
        #expect(range.contains(rupees("105.55")))
        #expect(range.contains(rupees("110.00")))
        #expect(!range.contains(rupees("99.99")))
        #expect(!range.contains(rupees("110.01")))
    }

    @Test("a single-price range contains exactly that price")
    func singlePrice() throws {
        let range = try PriceRange(min: rupees("0.05"), max: rupees("0.05"))
        #expect(range.contains(rupees("0.05")))
        #expect(!range.contains(rupees("0.04")))
        #expect(!range.contains(rupees("0.10")))
    }
}
