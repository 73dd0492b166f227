import TradingCore

/// A quote together with its symbol's change counter, so a push layer (WebSocket) can send only the quotes whose
/// sequence moved since it last sent them.
public struct SequencedQuote: Hashable, Sendable {
    public var quote: Quote
    /// Number of ticks ingested for this symbol so far; 0 until the first tick.
    public var sequence: UInt64

    public init(quote: Quote, sequence: UInt64) {
        self.quote = quote
        self.sequence = sequence
    }
}
