/// The subscription modes of SmartStream 2.0, Angel One's market-data WebSocket. The mode is the first byte of
/// every binary tick frame and fixes the frame's length and what it carries.
public enum SmartStreamMode: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case ltp = 1
    case quote = 2
    case snapQuote = 3
    /// Twenty levels of the order book (NSE cash only).
    case depth = 4

    /// The length in bytes of a tick frame in this mode.
    public var frameLength: Int {
        switch self {
        case .ltp: 51
        case .quote: 123
        case .snapQuote: 379
        case .depth: 443
        }
    }

    public var description: String {
        switch self {
        case .ltp: "LTP"
        case .quote: "QUOTE"
        case .snapQuote: "SNAP_QUOTE"
        case .depth: "DEPTH"
        }
    }
}
