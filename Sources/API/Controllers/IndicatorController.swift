import Foundation
import MarketData
import TradingCore
import Vapor

/// `GET /api/stocks/{symbol}/indicators?interval=&limit=&indicators=`: indicator series over a chart's bars,
/// computed with `TradingCore`'s batch forms, for the chart's overlays and panes.
struct IndicatorController {
    let services: StockCartServices

    /// Bars read before the first one shown, so the first rows have values where history allows.
    static let warmUp = 300
    static let defaultNames = "SMA_20,EMA_20,BBANDS_20_2,RSI_14,MACD_12_26_9"
    static let maxNames = 12

    func register(on routes: any RoutesBuilder) {
        routes.get("api", "stocks", ":symbol", "indicators", use: indicators)
    }

    @Sendable func indicators(_ req: Request) async throws -> Response {
        guard let raw = req.parameters.get("symbol"), let symbol = Symbol(raw), services.hub.stock(for: symbol) != nil
        else { throw APIError.notFound("stock") }
        let (interval, limit) = try StockController.candleParameters(req)
        let names = (try req.queryParameters().string("indicators") ?? Self.defaultNames)
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
        guard !names.isEmpty, names.count <= Self.maxNames else {
            throw APIError(.badRequest, "indicators must name 1 to \(Self.maxNames) indicators", field: "indicators")
        }
        let bars = services.hub.candles(for: symbol, interval: interval, limit: limit + Self.warmUp)
        let shown = min(limit, bars.count)
        let skip = bars.count - shown
        let rows = bars.map(IndicatorBar.init)
        var series: [String: Any] = [:]
        for name in names {
            series[name] = try Self.compute(name, rows, skip: skip)
        }
        let object: [String: Any] = [
            "symbol": symbol.rawValue, "interval": interval.rawValue,
            "times": bars.suffix(shown).map { Int64($0.time.timeIntervalSince1970) }, "series": series,
        ]
        let response = Response(status: .ok)
        response.headers.contentType = .json
        response.body = .init(data: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        return response
    }

    /// One named series (`SMA_20`, `BBANDS_20_2`, `MACD_12_26_9`, …) over `rows`, without its first `skip` rows.
    static func compute(_ name: String, _ rows: [IndicatorBar], skip: Int) throws -> Any {
        let parts = name.split(separator: "_").map(String.init)
        let numbers = parts.dropFirst().map { Double($0) }
        func period(_ index: Int) throws -> Int {
            guard index < numbers.count, let value = numbers[index], value.rounded() == value, value >= 1,
                  value <= Double(SignalRecipe.maxPeriod) else {
                throw APIError(.badRequest, "\(name): periods are whole numbers from 1 to \(SignalRecipe.maxPeriod)",
                               field: "indicators")
            }
            return Int(value)
        }
        func expect(_ count: Int) throws {
            guard numbers.count == count else {
                throw APIError(.badRequest, "\(name) should have \(count) number\(count == 1 ? "" : "s") after "
                               + "\(parts[0])", field: "indicators")
            }
        }
        func trimmed(_ values: some Collection<Double?>) -> [Any] {
            values.dropFirst(skip).map { $0.map { $0 as Any } ?? NSNull() }
        }
        let close = rows.map(\.close), high = rows.map(\.high), low = rows.map(\.low)
        switch parts[0] {
        case "SMA": try expect(1); return trimmed(SMA.values(close, period: try period(0)))
        case "EMA": try expect(1); return trimmed(EMA.values(close, period: try period(0)))
        case "RSI": try expect(1); return trimmed(RSI.values(close, period: try period(0)))
        case "ATR": try expect(1); return trimmed(ATR.values(high: high, low: low, close: close, period: try period(0)))
        case "ADX": try expect(1); return trimmed(ADX.values(high: high, low: low, close: close, period: try period(0)))
        case "OBV": try expect(0); return trimmed(OBV.values(close: close, volume: rows.map(\.volume)))
        case "VWAP": try expect(0); return trimmed(SessionVWAP.values(rows))
        case "BBANDS":
            try expect(2)
            guard let deviations = numbers[1], deviations > 0, deviations <= 10 else {
                throw APIError(.badRequest, "\(name): the band width is above 0 and at most 10 deviations",
                               field: "indicators")
            }
            let bands = BollingerBands.values(close, period: try period(0), deviations: deviations)
            return ["upper": trimmed(bands.upper), "middle": trimmed(bands.middle), "lower": trimmed(bands.lower)]
        case "MACD":
            try expect(3)
            let (fast, slow) = (try period(0), try period(1))
            guard fast < slow else {
                throw APIError(.badRequest, "\(name): the fast period must be below the slow one", field: "indicators")
            }
            let macd = MACD.values(close, fast: fast, slow: slow, signal: try period(2))
            return ["macd": trimmed(macd.macd), "signal": trimmed(macd.signal), "hist": trimmed(macd.histogram)]
        case "STOCH":
            try expect(3)
            let stoch = Stochastic.values(high: high, low: low, close: close, kPeriod: try period(0),
                                          slowK: try period(1), slowD: try period(2))
            return ["slowk": trimmed(stoch.slowK), "slowd": trimmed(stoch.slowD)]
        default:
            throw APIError(.badRequest, "unknown indicator '\(name)' (SMA_n, EMA_n, RSI_n, BBANDS_n_k, "
                           + "MACD_fast_slow_signal, ATR_n, STOCH_k_slowk_slowd, ADX_n, OBV, VWAP)", field: "indicators")
        }
    }
}
