import MarketData
import NIOCore
import TradingCore

/// The frames of one round of prices, each encoded once however many clients it goes to.
///
/// Quotes are identified by their position in the hub's list, so two clients whose changed symbols are the same get
/// the very same `prices` frame (one buffer, shared, not copied), as do all clients sent the same single `price`.
struct PriceFrames {
    let quotes: [SequencedQuote]
    private let sentMilliseconds: Int64
    private let allocator = ByteBufferAllocator()
    private var entries: [Int: String] = [:]
    private var singles: [Int: ByteBuffer] = [:]
    private var batches: [[Int]: ByteBuffer] = [:]

    init(quotes: [SequencedQuote], sentMilliseconds: Int64) {
        self.quotes = quotes
        self.sentMilliseconds = sentMilliseconds
    }

    /// One `prices` frame with the quotes at these positions (in this order).
    mutating func batch(_ positions: [Int]) -> ByteBuffer {
        if let frame = batches[positions] { return frame }
        var parts: [String] = []
        parts.reserveCapacity(positions.count)
        for position in positions { parts.append(entry(position)) }
        var frame = allocator.buffer(capacity: parts.reduce(64) { $0 + $1.utf8.count + 1 })
        frame.writeString(SocketMessage.batch(parts, sentMilliseconds: sentMilliseconds))
        batches[positions] = frame
        return frame
    }

    /// A `price` frame of its own for the quote at this position.
    mutating func single(_ position: Int) -> ByteBuffer {
        if let frame = singles[position] { return frame }
        let frame = allocator.buffer(string: SocketMessage.text(SocketMessage.Price(quotes[position].quote)))
        singles[position] = frame
        return frame
    }

    private mutating func entry(_ position: Int) -> String {
        if let entry = entries[position] { return entry }
        let entry = SocketMessage.text(SocketMessage.Price(quotes[position].quote, type: nil))
        entries[position] = entry
        return entry
    }
}
