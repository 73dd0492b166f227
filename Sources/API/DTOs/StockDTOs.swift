import Foundation
import MarketData
import TradingCore
import Vapor

/// A stock with its live quote.
struct StockResponse: Content {
    var symbol: String
    var name: String
    var sector: String
    var exchange: String
    var ltp: Double
    var change: Double
    var changePercent: Double
    var open: Double
    var high: Double
    var low: Double
    var previousClose: Double
    var volume: Int64
    var time: Date

    init(stock: StockInfo, quote: Quote) {
        symbol = stock.symbol.rawValue
        name = stock.name
        sector = stock.sector
        exchange = "NSE"
        ltp = quote.lastPrice.rupeesDouble
        change = quote.change.rupeesDouble
        changePercent = quote.changePercent
        open = quote.open.rupeesDouble
        high = quote.high.rupeesDouble
        low = quote.low.rupeesDouble
        previousClose = quote.previousClose.rupeesDouble
        volume = quote.volume
        time = quote.time
    }
}

/// One chart bar.
struct CandleResponse: Content {
    var time: Date
    var open: Double
    var high: Double
    var low: Double
    var close: Double
    var volume: Int64

    init(_ candle: Candle) {
        time = candle.time
        open = candle.open.rupeesDouble
        high = candle.high.rupeesDouble
        low = candle.low.rupeesDouble
        close = candle.close.rupeesDouble
        volume = candle.volume
    }
}

/// `GET /api/stocks/{symbol}/candles` response.
struct CandlesResponse: Content {
    var symbol: String
    var interval: String
    var candles: [CandleResponse]
}
