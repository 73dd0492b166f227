import Foundation
import Synchronization
import TradingCore

/// A live `QuoteFeed` backed by `SimulatedMarket`: steps the market every `interval` and streams its ticks, stamped
/// with the injected clock's time. This is what the server runs when no real market-data connection is configured.
///
/// The market state lives in the feed, not in the stream, so a consumer that resubscribes continues from the prices
/// it last saw instead of jumping back to the reference prices. Meant for one consumer at a time: every stream
/// drives its own stepping loop, so two concurrent streams would each see only part of the tape, twice as fast.
public final class SimulatedFeed: QuoteFeed {
    public let name = "simulated"
    /// Wall time between steps.
    public let interval: Duration

    /// Most ticks a slow consumer may fall behind before the oldest are dropped: about 2–3 s of a 50-stock market at
    /// 250 ms steps. Dropping old ticks is right for quotes, where only the latest price matters.
    static let bufferLimit = 8_192

    private let clock: any TimeSource
    private let market: Mutex<SimulatedMarket>

    public init(stocks: [StockInfo], seed: UInt64, interval: Duration = .milliseconds(250), clock: any TimeSource) {
        precondition(interval > .zero, "interval must be positive")
        self.interval = interval
        self.clock = clock
        // Simulated time advances at the wall-clock rate, so the configured annual volatility holds in real time.
        let components = interval.components
        let stepSeconds = Double(components.seconds) + Double(components.attoseconds) * 1e-18
        self.market = Mutex(SimulatedMarket(stocks: stocks, seed: seed, stepSeconds: stepSeconds))
    }

    /// Steps taken so far across all streams (diagnostics, and proof in tests that the producer has stopped).
    public var stepCount: Int { market.withLock { $0.stepCount } }

    /// The last simulated traded price of every stock.
    public var prices: [Symbol: Money] { market.withLock { $0.prices } }

    /// Continues a stock's walk from a tick another instance printed (see `SimulatedMarket.follow`).
    public func follow(_ tick: Tick) {
        market.withLock { $0.follow(tick.symbol, at: tick.price) }
    }

    public func ticks() -> AsyncStream<Tick> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Tick.self, bufferingPolicy: .bufferingNewest(Self.bufferLimit))
        let producer = Task { [self] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break  // cancelled while sleeping
                }
                let now = clock.now()
                let ticks = market.withLock { $0.step(at: now) }
                for tick in ticks {
                    if case .terminated = continuation.yield(tick) { return }
                }
            }
            continuation.finish()
        }
        // The consumer going away (its task cancelled, or the stream dropped) is the only stop signal a feed gets.
        continuation.onTermination = { _ in producer.cancel() }
        return stream
    }
}
