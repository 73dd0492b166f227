/// A source of ticks: the simulated market, a CSV replay, or a real market-data connection.
/// The stream ends when the feed stops (cancellation of the consuming task stops it too).
public protocol QuoteFeed: Sendable {
    /// A short name for logs and `/readyz` (`simulated`, `replay`, …).
    var name: String { get }
    func ticks() -> AsyncStream<Tick>
}
