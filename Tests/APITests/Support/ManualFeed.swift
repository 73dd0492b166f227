import Foundation
import Synchronization
import TradingCore

/// A feed the test drives tick by tick (the engine consumes it like any live feed).
final class ManualFeed: QuoteFeed {
    let name = "manual"
    private let stream: AsyncStream<Tick>
    private let input: AsyncStream<Tick>.Continuation

    init() {
        (stream, input) = AsyncStream.makeStream(of: Tick.self)
    }

    func ticks() -> AsyncStream<Tick> { stream }

    /// Sends a tick stamped now (or at `time`).
    func push(_ symbol: Symbol, _ rupees: Double, time: Date = Date(), volume: Int64 = 100) {
        guard let price = Money(rupees: rupees) else { preconditionFailure("bad test price \(rupees)") }
        input.yield(Tick(symbol: symbol, price: price, volume: volume, time: time))
    }

    func finish() { input.finish() }
}
