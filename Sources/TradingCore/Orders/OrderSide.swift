/// Whether an order buys or sells.
public enum OrderSide: String, Sendable, CaseIterable, Codable {
    case buy = "BUY"
    case sell = "SELL"
}

/// How an order is priced: at the market, or no worse than a limit.
public enum OrderType: String, Sendable, CaseIterable, Codable {
    case market = "MARKET"
    case limit = "LIMIT"
}
