import Foundation
import TradingCore

/// The engine's feed on an instance among several: the underlying feed's ticks of the symbols this instance runs,
/// each also relayed to the other instances. Ticks of the other symbols are left to their owners (whose relayed
/// ticks reach the market hub and the sockets, not the engine).
final class ClusterFeed: QuoteFeed {
    private let base: any QuoteFeed
    private let ownership: SymbolOwnership
    private let relay: TickRelay

    init(base: any QuoteFeed, ownership: SymbolOwnership, relay: TickRelay) {
        self.base = base
        self.ownership = ownership
        self.relay = relay
    }

    var name: String { base.name }
    var quoteLifetime: TimeInterval? { base.quoteLifetime }
    var health: FeedHealth? { base.health }

    func ticks() -> AsyncStream<Tick> {
        let (stream, continuation) = AsyncStream.makeStream(of: Tick.self, bufferingPolicy: .bufferingNewest(8_192))
        let pump = Task { [base, ownership, relay] in
            for await tick in base.ticks() {
                guard ownership.owns(tick.symbol) else { continue }
                relay.publish(tick)
                if case .terminated = continuation.yield(tick) { return }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }
}
