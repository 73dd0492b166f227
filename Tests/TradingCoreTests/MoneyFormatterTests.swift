import Testing
import TradingCore

@Suite("MoneyFormatter")
struct MoneyFormatterTests {
    @Test("₹ sign, two decimals, lakh and crore grouping", arguments: [
        (0, "₹0.00"), (5, "₹0.05"), (50, "₹0.50"), (100, "₹1.00"), (99_999, "₹999.99"),
        (100_000, "₹1,000.00"), (280_050, "₹2,800.50"), (1_234_567, "₹12,345.67"), (9_999_999, "₹99,999.99"),
        (10_000_000, "₹1,00,000.00"), (100_000_000, "₹10,00,000.00"), (1_000_000_000, "₹1,00,00,000.00"),
        (12_345_678_901, "₹12,34,56,789.01"), (100_000_000_000, "₹1,00,00,00,000.00"),
        (-5, "-₹0.05"), (-280_050, "-₹2,800.50"), (-100_000_000, "-₹10,00,000.00"),
        (.max, "₹92,23,37,20,36,85,47,758.07"), (.min, "-₹92,23,37,20,36,85,47,758.08"),
    ] as [(Int64, String)])
    func format(paise: Int64, text: String) {
        #expect(MoneyFormatter.format(Money(paise: paise)) == text)
        #expect(Money(paise: paise).description == text)
    }

    @Test("without the ₹ sign", arguments: [
        (280_050, "2,800.50"), (-100_000_000, "-10,00,000.00"), (7, "0.07"),
    ] as [(Int64, String)])
    func formatWithoutSymbol(paise: Int64, text: String) {
        #expect(MoneyFormatter.format(Money(paise: paise), symbol: false) == text)
    }
}
