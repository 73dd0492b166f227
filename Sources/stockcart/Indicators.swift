import ArgumentParser
import Foundation
import TradingCore

/// `stockcart indicators --csv FILE [--json]`: every indicator over a CSV file's bars, as TA-Lib's users compare them.
struct Indicators: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute SMA(20), EMA(20), RSI(14), MACD(12,26,9), Bollinger(20,2), ATR(14), STOCH(14,3,3), "
            + "ADX(14) and OBV over a CSV file's bars (null where TA-Lib has no value).")

    @ArgumentParser.Option(help: "The CSV file (date,open,high,low,close,volume or datetime,…).")
    var csv: String

    @ArgumentParser.Flag(help: "Print every series as JSON; without it, the last row's values.")
    var json = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: csv) else {
            FileHandle.standardError.write(Data("indicators: \(csv) cannot be read\n".utf8))
            throw ExitCode(2)
        }
        let parsed: CandleCSV.Parsed
        do {
            parsed = try CandleCSV.parse(String(decoding: data, as: UTF8.self))
        } catch {
            FileHandle.standardError.write(Data("indicators: \(csv): \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let bars = parsed.candles.map(IndicatorBar.init)
        let (high, low, close, volume) = (bars.map(\.high), bars.map(\.low), bars.map(\.close), bars.map(\.volume))
        let macd = MACD.values(close)
        let bands = BollingerBands.values(close)
        let stoch = Stochastic.values(high: high, low: low, close: close)
        let series: [(String, Any)] = [
            ("SMA_20", Array(SMA.values(close, period: 20))),
            ("EMA_20", Array(EMA.values(close, period: 20))),
            ("RSI_14", Array(RSI.values(close, period: 14))),
            ("MACD_12_26_9", ["macd": Array(macd.macd), "signal": Array(macd.signal), "hist": Array(macd.histogram)]),
            ("BBANDS_20_2", ["upper": Array(bands.upper), "middle": Array(bands.middle), "lower": Array(bands.lower)]),
            ("ATR_14", Array(ATR.values(high: high, low: low, close: close))),
            ("STOCH_14_3_3", ["slowk": Array(stoch.slowK), "slowd": Array(stoch.slowD)]),
            ("ADX_14", Array(ADX.values(high: high, low: low, close: close))),
            ("OBV", Array(OBV.values(close: close, volume: volume))),
        ]
        if json {
            let object: [String: Any] = ["rows": bars.count, "series": Dictionary(uniqueKeysWithValues: series.map {
                ($0.0, Self.jsonValue($0.1))
            })]
            let text = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            FileHandle.standardOutput.write(text + Data("\n".utf8))
        } else {
            print("\(bars.count) bars; last row:")
            for (name, values) in series { print("  \(name): \(Self.last(values))") }
        }
    }

    /// Optional doubles as JSON numbers or null.
    static func jsonValue(_ value: Any) -> Any {
        if let list = value as? [Double?] { return list.map { $0.map { $0 as Any } ?? NSNull() } }
        if let map = value as? [String: [Double?]] { return map.mapValues { jsonValue($0) } }
        return value
    }

    static func last(_ value: Any) -> String {
        if let list = value as? [Double?] { return list.last.flatMap { $0 }.map { String(format: "%.4f", $0) } ?? "—" }
        if let map = value as? [String: [Double?]] {
            return map.keys.sorted().map { "\($0) \(last(map[$0]!))" }.joined(separator: ", ")
        }
        return "—"
    }
}
