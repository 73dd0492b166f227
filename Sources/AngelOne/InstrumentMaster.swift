import Foundation

/// Angel One's instrument master, read: the tokens of the instruments StockCart trades, by symbol.
///
/// The file is one JSON array of rows whose every value is a string (`../shared/reference/protocols.md` §1.10), tens
/// of megabytes, regenerated daily. Rows that do not have the fields a token lookup needs are skipped and counted,
/// not fatal: one odd row in a file of a hundred thousand must not stop the feed.
public struct InstrumentMaster: Sendable {
    /// Why a file could not be read at all.
    public struct Unreadable: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// NSE cash equities by NSE symbol ("RELIANCE", from "RELIANCE-EQ"), the regular series only.
    public let nseEquities: [String: Instrument]
    /// Rows read, and rows skipped for missing or malformed fields.
    public let rowCount: Int
    public let skippedCount: Int

    public init(json: Data) throws(Unreadable) {
        let rows: [Row?]
        do {
            rows = try JSONDecoder().decode([LossyRow].self, from: json).map(\.row)
        } catch {
            throw Unreadable(description: "the instrument master is not a JSON array of instruments: \(error)")
        }
        var equities: [String: Instrument] = [:]
        var skipped = 0
        for row in rows {
            guard let row, let instrument = row.instrument else {
                skipped += 1
                continue
            }
            // Keyed by the trading symbol without its series, the exchange's own symbol: the `name` column is a
            // company or underlying name that need not match it.
            if instrument.isNSEEquity { equities[String(instrument.tradingSymbol.dropLast(3))] = instrument }
        }
        nseEquities = equities
        rowCount = rows.count
        skippedCount = skipped
    }

    /// The NSE cash instrument of `symbol` ("RELIANCE"), if the master lists it.
    public func nseEquity(_ symbol: String) -> Instrument? { nseEquities[symbol] }

    /// A row as the file has it: every field a string, some possibly missing.
    struct Row: Decodable {
        let token: String?
        let symbol: String?
        let name: String?
        let instrumentType: String?
        let lotSize: String?
        let segment: String?
        let tickSize: String?

        enum CodingKeys: String, CodingKey {
            case token, symbol, name
            case instrumentType = "instrumenttype"
            case lotSize = "lotsize"
            case segment = "exch_seg"
            case tickSize = "tick_size"
        }

        var instrument: Instrument? {
            guard let token, !token.isEmpty, let symbol, !symbol.isEmpty, let segment,
                  let exchange = Self.exchange(segment) else { return nil }
            let lot = lotSize.flatMap(LenientNumber.parse).flatMap { LenientNumber($0).integer } ?? 1
            // Paise already (5.000000 is ₹0.05); whole in every file seen.
            let tick = tickSize.flatMap(LenientNumber.parse).flatMap { LenientNumber($0.rounded(scale: 0)).integer }
            return Instrument(token: token, tradingSymbol: symbol, name: name ?? "", exchange: exchange,
                              instrumentType: instrumentType ?? "", lotSize: lot, tickSizePaise: tick)
        }

        /// Real files name the exchange ("NSE"); the documentation's sample uses the segment ("nse_cm").
        static func exchange(_ segment: String) -> String? {
            switch segment.uppercased() {
            case "NSE", "NSE_CM": "NSE"
            case "BSE", "BSE_CM": "BSE"
            case "NFO", "NSE_FO": "NFO"
            case "BFO", "BSE_FO": "BFO"
            case "MCX", "MCX_FO": "MCX"
            case "CDS", "CDE_FO": "CDS"
            case "NCDEX", "NCX_FO": "NCDEX"
            default: nil
            }
        }
    }

    /// A row that failed to decode becomes nil instead of failing the whole file.
    struct LossyRow: Decodable {
        let row: Row?

        init(from decoder: any Decoder) throws { row = try? Row(from: decoder) }
    }
}
