import TradingCore

/// Conversions between the simulators' continuous rupee prices and exact `Money` on the NSE ₹0.05 grid.
enum PriceGrid {
    private static let ticksPerRupee = 100.0 / Double(Money.tickSize.paise)

    /// The nearest grid price to a rupee amount, never below one tick (a traded price cannot be zero or negative).
    static func money(rupees: Double) -> Money {
        guard rupees.isFinite else { return Money.tickSize }
        // The upper clamp only guards the Int64 conversion; no simulated walk gets near it.
        let ticks = min(max((rupees * ticksPerRupee).rounded(), 1), 1e15)
        return Money(paise: Int64(ticks) * Money.tickSize.paise)
    }

    /// A `Money` as a rupee double, for the random walks.
    static func rupees(_ money: Money) -> Double {
        Double(money.paise) / 100
    }
}
