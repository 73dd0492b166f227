import Foundation
import Synchronization
import TradingCore

/// Prices from Yahoo Finance, polled: for users without a broker account. Each round asks for every symbol's chart
/// in turn (within the client's request rate), and yields a tick when a symbol's latest price time moved. A round of
/// 50 symbols at 2 requests a second takes 25 seconds, so its quotes live `quoteLifetime` (three rounds) before they
/// count as stale: old prices fire no rules, and a polling feed still fires at all.
///
/// A 429 backs the whole feed off (doubling, up to five minutes); other failures are counted and retried next round.
public final class YahooQuoteFeed: QuoteFeed {
    public let name = "yahoo"
    private let client: YahooChartClient
    private let symbols: [Symbol]
    private let state: Mutex<FeedHealth>
    /// The last price time seen per symbol: a tick only when it moved.
    private let seen = Mutex<[Symbol: Date]>([:])

    public init(client: YahooChartClient, symbols: [Symbol]) {
        self.client = client
        self.symbols = symbols
        state = Mutex(FeedHealth(state: .connecting, since: Date()))
    }

    /// One round's length at the client's rate, and three of them as the quotes' lifetime.
    public var roundSeconds: TimeInterval { Double(symbols.count) / client.configuration.maxRequestsPerSecond }
    public var quoteLifetime: TimeInterval? { max(30, 3 * roundSeconds) }
    public var health: FeedHealth? { state.withLock { $0 } }

    public func ticks() -> AsyncStream<Tick> {
        let (stream, continuation) = AsyncStream.makeStream(of: Tick.self, bufferingPolicy: .bufferingNewest(10_000))
        let task = Task { await self.run(continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func run(_ output: AsyncStream<Tick>.Continuation) async {
        var backoff: Duration = .seconds(5)
        while !Task.isCancelled {
            var failures = 0
            var rateLimited = false
            for symbol in symbols {
                guard !Task.isCancelled else { break }
                do {
                    let chart = try await client.chart(symbol.rawValue, interval: "1m", span: .range("1d"))
                    state.withLock { health in
                        health.lastFrameAt = Date()
                        if health.state != .live {
                            health.state = .live
                            health.since = Date()
                            health.lastError = nil
                        }
                    }
                    if let tick = freshTick(symbol, chart) {
                        state.withLock { $0.lastTickAt = Date() }
                        output.yield(tick)
                    }
                } catch .rateLimited {
                    rateLimited = true
                    break
                } catch {
                    failures += 1
                    state.withLock { $0.lastError = "\(symbol): \(error.description)" }
                }
            }
            if rateLimited || failures == symbols.count {
                state.withLock { health in
                    health.state = .reconnecting
                    health.since = Date()
                    health.reconnects += 1
                    if rateLimited { health.lastError = YahooFailure.rateLimited.description }
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(300))
            } else {
                backoff = .seconds(5)
            }
        }
        output.finish()
    }

    /// A tick for the chart's latest price when its time moved since the last one.
    private func freshTick(_ symbol: Symbol, _ chart: YahooChart) -> Tick? {
        guard let price = chart.lastPrice, let time = chart.lastPriceTime ?? chart.bars.last?.time else { return nil }
        let moved = seen.withLock { seen -> Bool in
            guard seen[symbol].map({ time > $0 }) ?? true else { return false }
            seen[symbol] = time
            return true
        }
        return moved ? Tick(symbol: symbol, price: price, volume: 0, time: time) : nil
    }
}
