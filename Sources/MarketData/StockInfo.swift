import TradingCore

/// Static facts about one listed stock that the simulator, the synthetic history and the dashboard need: what it is
/// called, where it trades today, how much it usually moves and how much of it usually changes hands.
public struct StockInfo: Hashable, Sendable, Identifiable {
    public var symbol: Symbol
    /// The company name as NSE lists it.
    public var name: String
    /// NSE's industry classification for the stock.
    public var sector: String
    /// A recent closing price on the ₹0.05 grid: simulations start here and synthetic history ends here.
    public var referencePrice: Money
    /// Annualised volatility of log returns (0.20 means 20 % a year).
    public var annualVolatility: Double
    /// Typical number of shares traded in one session.
    public var averageDailyVolume: Int64

    public var id: Symbol { symbol }

    public init(symbol: Symbol, name: String, sector: String, referencePrice: Money, annualVolatility: Double,
                averageDailyVolume: Int64) {
        self.symbol = symbol
        self.name = name
        self.sector = sector
        self.referencePrice = referencePrice
        self.annualVolatility = annualVolatility
        self.averageDailyVolume = averageDailyVolume
    }
}
