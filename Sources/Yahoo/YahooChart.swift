import Foundation
import TradingCore

/// One answer of Yahoo's chart API v8 (`../shared/reference/protocols.md` §5), read: the bars with a price (null
/// bars, minutes without trades, are skipped), prices on NSE's ₹0.05 grid (Yahoo sends 32-bit float artefacts such
/// as 2312.550048828125), and the latest price with its time.
public struct YahooChart: Equatable, Sendable {
    public var bars: [Candle]
    public var lastPrice: Money?
    public var lastPriceTime: Date?

    /// Reads the JSON body; throws `unavailable` for anything that is not a chart (an outage page) and the chart's
    /// own error otherwise.
    public static func decode(_ data: Data, httpStatus: Int) throws(YahooFailure) -> YahooChart {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            let text = String(decoding: data.prefix(200), as: UTF8.self)
            if httpStatus == 429 { throw .rateLimited }
            throw .unavailable(text.contains("Will be right back") ? "outage page (Will be right back)"
                                   : "HTTP \(httpStatus), not chart JSON")
        }
        if let error = envelope.chart.error {
            switch httpStatus {
            case 404: throw .notFound(error.description ?? "Not Found")
            case 429: throw .rateLimited
            case 400, 422: throw .refused(status: httpStatus, description: error.description ?? error.code ?? "")
            default: throw .unavailable("\(error.code ?? "error"): \(error.description ?? "")")
            }
        }
        guard httpStatus == 200, let result = envelope.chart.result?.first else {
            if httpStatus == 429 { throw .rateLimited }
            throw .unavailable("HTTP \(httpStatus) without a chart")
        }
        var bars: [Candle] = []
        let quote = result.indicators?.quote?.first
        for (index, stamp) in (result.timestamp ?? []).enumerated() {
            guard let open = quote?.open?[safe: index] ?? nil, let high = quote?.high?[safe: index] ?? nil,
                  let low = quote?.low?[safe: index] ?? nil, let close = quote?.close?[safe: index] ?? nil,
                  let o = grid(open), let h = grid(high), let l = grid(low), let c = grid(close) else { continue }
            let volume = (quote?.volume?[safe: index] ?? nil).map { Int64(max(0, $0)) } ?? 0
            bars.append(Candle(time: Date(timeIntervalSince1970: TimeInterval(stamp)), open: o, high: h, low: l, close: c,
                               volume: volume))
        }
        let last = result.meta?.regularMarketPrice.flatMap(grid)
        let lastTime = result.meta?.regularMarketTime.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        return YahooChart(bars: bars, lastPrice: last, lastPriceTime: lastTime)
    }

    /// The nearest multiple of ₹0.05, from Yahoo's float (nil for a price that is not a positive finite number).
    static func grid(_ rupees: Double) -> Money? {
        guard rupees.isFinite, rupees > 0, rupees < 1e9 else { return nil }
        let ticks = (rupees * 20).rounded()
        return Money(paise: Int64(ticks) * 5)
    }

    struct Envelope: Decodable {
        let chart: Chart
    }

    struct Chart: Decodable {
        let result: [Result]?
        let error: ChartError?
    }

    struct ChartError: Decodable {
        let code: String?
        let description: String?
    }

    struct Result: Decodable {
        let meta: Meta?
        let timestamp: [Int64]?
        let indicators: Indicators?
    }

    struct Meta: Decodable {
        let regularMarketPrice: Double?
        let regularMarketTime: Int64?
    }

    struct Indicators: Decodable {
        let quote: [Quote]?
    }

    struct Quote: Decodable {
        let open: [Double?]?
        let high: [Double?]?
        let low: [Double?]?
        let close: [Double?]?
        let volume: [Double?]?
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
