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
    }

    struct Totals: Content {
        var investedValue: Double
        var marketValue: Double
        var unrealisedPnl: Double
        var realisedPnl: Double
    }

    var cash: Double
    var reservedCash: Double
    var availableCash: Double
    var holdings: [HoldingResponse]
    var totals: Totals
}
