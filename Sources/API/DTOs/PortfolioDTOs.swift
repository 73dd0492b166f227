import Foundation
import TradingCore
import Vapor

/// `GET /api/portfolio` response: cash, holdings valued at the live price, and totals.
struct PortfolioResponse: Content {
    struct HoldingResponse: Content {
        var symbol: String
        var quantity: Int64
        var averagePrice: Double
        var ltp: Double
        var investedValue: Double
        var marketValue: Double
        var unrealisedPnl: Double
        var unrealisedPnlPercent: Double
        var realisedPnl: Double

        enum CodingKeys: String, CodingKey {
            case symbol, quantity, ltp
            case averagePrice = "average_price"
            case investedValue = "invested_value"
            case marketValue = "market_value"
            case unrealisedPnl = "unrealised_pnl"
            case unrealisedPnlPercent = "unrealised_pnl_percent"
            case realisedPnl = "realised_pnl"
        }
    }

    struct Totals: Content {
        var investedValue: Double
        var marketValue: Double
        var unrealisedPnl: Double
        var realisedPnl: Double

        enum CodingKeys: String, CodingKey {
            case investedValue = "invested_value"
            case marketValue = "market_value"
            case unrealisedPnl = "unrealised_pnl"
            case realisedPnl = "realised_pnl"
        }
    }

    var cash: Double
    var reservedCash: Double
    var availableCash: Double
    var holdings: [HoldingResponse]
    var totals: Totals
    /// Where the figures come from: `paper` (StockCart's own books), `angelone` (the user's broker account, read
    /// now), or `local` (live trading, but the broker could not be read: `broker_error` says why).
    var source: String
    var brokerError: String?

    enum CodingKeys: String, CodingKey {
        case cash, holdings, totals, source
        case reservedCash = "reserved_cash"
        case availableCash = "available_cash"
        case brokerError = "broker_error"
    }
}
