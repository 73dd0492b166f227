import Foundation

/// A source of ticks: the simulated market, a CSV replay, or a real market-data connection.
/// The stream ends when the feed stops (cancellation of the consuming task stops it too).
public protocol QuoteFeed: Sendable {
    /// A short name for logs and `/readyz` (`simulated`, `replay`, `angelone`, …).
    var name: String { get }
    func ticks() -> AsyncStream<Tick>
    /// How old a quote of this feed may be before it is stale (fires no rule, fills no order), in seconds; nil
    /// leaves it to the server's `STALE_QUOTE_SECONDS`. A polling feed declares more than its polling period, so it
    /// neither fires rules on old prices nor never fires at all.
    var quoteLifetime: TimeInterval? { get }
    /// How the connection behind the feed is doing; nil for a feed with no connection to lose (the simulator).
    var health: FeedHealth? { get }
}

extension QuoteFeed {
    public var quoteLifetime: TimeInterval? { nil }
    public var health: FeedHealth? { nil }
}
