import Engine
import Foundation
import Prometheus
import Synchronization
import TradingCore

/// The server's Prometheus metrics, one registry per application (so test apps never share counters).
final class Telemetry: EngineObserver, Sendable {
    let registry = PrometheusCollectorRegistry()

    private let ticks: Counter
    private let staleTicks: Counter
    private let closedMarketTicks: Counter
    private let firings: Counter
    private let commitFailures: Counter
    private let commitLatency: ValueHistogram
    let openSockets: Gauge
    let rulesWatched: Gauge
    let symbolsOwned: Gauge
    let clusterPeers: Gauge
    let droppedSocketMessages: Counter
    let sentPriceMessages: Counter
    /// Each route's request counter and latency histogram, found once and kept: the registry's own lookup builds and
    /// hashes label strings under a lock on every call.
    private let httpMetrics = Mutex<[HTTPMetricKey: (requests: Counter, latency: ValueHistogram)]>([:])

    private struct HTTPMetricKey: Hashable {
        var method: String
        var route: String
        var status: UInt
    }

    /// `stockcart_<name>_<unit>`, with help text.
    private static func named(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "stockcart", metricName: name, unitName: unit, helpText: help)
    }

    init() {
        ticks = registry.makeCounter(descriptor: Self.named("ticks", "total", "Ticks received by the engine"))
        staleTicks = registry.makeCounter(descriptor: Self.named(
            "stale_ticks", "total", "Ticks ignored by rules and broker because they were stale"))
        closedMarketTicks = registry.makeCounter(descriptor: Self.named(
            "ticks_outside_session", "total", "Fresh ticks that arrived outside the trading session (acted on by nothing)"))
        firings = registry.makeCounter(descriptor: Self.named("rule_firings", "total", "Rule firings matched"))
        commitFailures = registry.makeCounter(descriptor: Self.named(
            "commit_failures", "total", "Firings or executions that could not be saved after retries"))
        commitLatency = registry.makeValueHistogram(
            descriptor: Self.named("firing_commit", "seconds", "From the tick that fired a rule to the firing being committed"),
            buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
        openSockets = registry.makeGauge(descriptor: Self.named("websocket", "connections", "Open WebSocket connections"))
        rulesWatched = registry.makeGauge(descriptor: Self.named("rules", "watched", "Rules in the engine's rule books"))
        symbolsOwned = registry.makeGauge(descriptor: Self.named(
            "cluster", "symbols_owned", "Symbols whose feed, rule book and paper matching this instance runs"))
        clusterPeers = registry.makeGauge(descriptor: Self.named(
            "cluster", "peers", "Other live instances on the same database"))
        sentPriceMessages = registry.makeCounter(descriptor: Self.named(
            "websocket_price_messages", "total",
            "Prices queued to clients, in frames of their own or in batches (not counting those dropped)"))
        droppedSocketMessages = registry.makeCounter(descriptor: Self.named(
            "websocket_dropped_messages", "total", "Prices not sent to a client that was not keeping up"))
    }

    func tickProcessed(stale: Bool) {
        ticks.increment()
        if stale { staleTicks.increment() }
    }

    func tickOutsideSession() { closedMarketTicks.increment() }

    func ruleFired() { firings.increment() }
    func firingCommitted(seconds: Double) { commitLatency.record(seconds) }
    func commitFailed() { commitFailures.increment() }

    /// `recorded` is the usual answer; `reconciled` (a fire count repaired) and `already_recorded` (a duplicate
    /// writer) are worth an alert when they climb, `superseded` follows edits made while a firing was in flight.
    func firingResolved(_ outcome: FiringOutcome.Kind) {
        registry.makeCounter(descriptor: Self.named("rule_firing_outcomes", "total",
                                                    "Matched firings by what the store made of them"),
                             labels: [("outcome", outcome.rawValue)]).increment()
    }

    func orderSettled(_ status: OrderStatus) {
        registry.makeCounter(descriptor: Self.named("orders_settled", "total", "Orders settled, by final status"),
                             labels: [("status", status.rawValue)]).increment()
    }

    func orderPlaced() {
        registry.makeCounter(descriptor: Self.named("orders_placed", "total", "Orders accepted")).increment()
    }

    func httpRequest(method: String, route: String, status: UInt, seconds: Double) {
        let key = HTTPMetricKey(method: method, route: route, status: status)
        let metrics = httpMetrics.withLock { cache in
            if let found = cache[key] { return found }
            let made = (
                requests: registry.makeCounter(
                    descriptor: Self.named("http_requests", "total", "HTTP requests served"),
                    labels: [("method", method), ("route", route), ("status", String(status))]),
                latency: registry.makeValueHistogram(
                    descriptor: Self.named("http_request_duration", "seconds", "HTTP request latency"),
                    labels: [("method", method), ("route", route)],
                    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]))
            cache[key] = made
            return made
        }
        metrics.requests.increment()
        metrics.latency.record(seconds)
    }

    /// What `observeFeed` reported last, so counters move by what changed since.
    private let feedSeen = Mutex<FeedHealth?>(nil)

    /// Brings the feed's metrics up to its health now (called when `/metrics` is read): whether it is live, and its
    /// reconnects, bad frames by reason and unknown instruments as counters.
    func observeFeed(_ health: FeedHealth) {
        let before = feedSeen.withLock { seen in
            defer { seen = health }
            return seen
        }
        registry.makeGauge(descriptor: Self.named("feed", "up", "1 when the market-data connection is live"))
            .set(Double(health.state == .live ? 1 : 0))
        let reconnects = health.reconnects - (before?.reconnects ?? 0)
        registry.makeCounter(descriptor: Self.named("feed_reconnects", "total", "Market-data connections reopened"))
            .increment(by: Int64(max(0, reconnects)))
        let unknown = health.unknownInstruments - (before?.unknownInstruments ?? 0)
        registry.makeCounter(descriptor: Self.named("feed_unknown_instruments", "total",
                                                    "Quotes for instruments the feed does not map to a symbol"))
            .increment(by: Int64(max(0, unknown)))
        for (reason, count) in health.badFrames {
            registry.makeCounter(descriptor: Self.named("feed_bad_frames", "total",
                                                        "Market-data frames skipped because they did not decode"),
                                 labels: [("reason", reason)])
                .increment(by: Int64(max(0, count - (before?.badFrames[reason] ?? 0))))
        }
    }

    /// The exposition text for `GET /metrics`.
    func render() -> String { registry.emitToString() }
}
