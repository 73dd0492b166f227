import Foundation
import TradingCore

/// A feed whose ticks are pushed in by its owner: tests, benchmarks and replays drive the engine through it exactly
/// as a live feed would. One consumer; ticks pushed before it subscribes are buffered.
public final class PushFeed: QuoteFeed {
    public let name: String
    private let stream: AsyncStream<Tick>
    private let input: AsyncStream<Tick>.Continuation

    public init(name: String = "manual") {
        self.name = name
        (stream, input) = AsyncStream.makeStream(of: Tick.self)
    }

    public func ticks() -> AsyncStream<Tick> { stream }

    public func push(_ tick: Tick) { input.yield(tick) }

    /// Ends the stream; the engine's `run()` then drains its outbox and returns.
    public func finish() { input.finish() }
}
