/// One row of Angel One's instrument master (the "scrip master"): what SmartAPI calls an instrument, and the token
/// its market data and orders use.
public struct Instrument: Equatable, Sendable {
    /// The numeric token SmartStream and the order API identify the instrument by.
    public let token: String
    /// The trading symbol, with its series for NSE cash ("RELIANCE-EQ").
    public let tradingSymbol: String
    /// The underlying name ("RELIANCE").
    public let name: String
    /// The exchange as the order API spells it ("NSE", "BSE", "NFO", …).
    public let exchange: String
    /// "" for cash equities, "AMXIDX" for an index, "FUTSTK", "OPTIDX", …
    public let instrumentType: String
    public let lotSize: Int64
    /// The price step in paise (₹0.05 is 5), if the row gives one.
    public let tickSizePaise: Int64?

    public init(token: String, tradingSymbol: String, name: String, exchange: String, instrumentType: String,
                lotSize: Int64, tickSizePaise: Int64?) {
        self.token = token
        self.tradingSymbol = tradingSymbol
        self.name = name
        self.exchange = exchange
        self.instrumentType = instrumentType
        self.lotSize = lotSize
        self.tickSizePaise = tickSizePaise
    }

    /// Whether this is an NSE cash equity in the regular (`-EQ`) series.
    public var isNSEEquity: Bool { exchange == "NSE" && instrumentType.isEmpty && tradingSymbol.hasSuffix("-EQ") }

    /// SmartStream's exchange type for this instrument's segment, if it streams (1 nse_cm, 2 nse_fo, 3 bse_cm,
    /// 4 bse_fo, 5 mcx_fo, 7 ncx_fo, 13 cde_fo).
    public var streamExchangeType: UInt8? {
        switch exchange {
        case "NSE": 1
        case "NFO": 2
        case "BSE": 3
        case "BFO": 4
        case "MCX": 5
        case "NCDEX": 7
        case "CDS": 13
        default: nil
        }
    }
}
