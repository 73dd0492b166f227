import Foundation
import MarketData
import TradingCore
import Vapor

/// A live quote as the API shows it; the `price` WebSocket message carries the same fields.
struct QuoteResponse: Content {
    var symbol: String
    var ltp: Double
    var change: Double
    var changePercent: Double
    var open: Double
    var high: Double
    var low: Double
    var previousClose: Double
    var volume: Int64
    var time: Date

    enum CodingKeys: String, CodingKey {
        case symbol, ltp, change, open, high, low, volume, time
        case changePercent = "change_percent"
        case previousClose = "previous_close"
    }

    init(_ quote: Quote) {
        symbol = quote.symbol.rawValue
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

/// A stock with its live quote: the catalogue fields next to the quote's, in one flat object.
struct StockResponse: Content {
    var name: String
    var sector: String
    var exchange: String
    var quote: QuoteResponse

    init(stock: StockInfo, quote: Quote) {
        name = stock.name
        sector = stock.sector
        exchange = "NSE"
        self.quote = QuoteResponse(quote)
    }

    private enum CodingKeys: String, CodingKey { case name, sector, exchange }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        sector = try container.decode(String.self, forKey: .sector)
        exchange = try container.decode(String.self, forKey: .exchange)
        quote = try QuoteResponse(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try quote.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(sector, forKey: .sector)
        try container.encode(exchange, forKey: .exchange)
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
