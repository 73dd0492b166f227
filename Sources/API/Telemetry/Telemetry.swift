import Engine
import Foundation
import Prometheus
import TradingCore

/// The server's Prometheus metrics, one registry per application (so test apps never share counters).
final class Telemetry: EngineObserver, Sendable {
    let registry = PrometheusCollectorRegistry()

    private let ticks: Counter
    private let staleTicks: Counter
    private let firings: Counter
    private let commitFailures: Counter
    private let commitLatency: ValueHistogram
    let openSockets: Gauge
    let rulesWatched: Gauge
    let droppedSocketMessages: Counter

    init() {
        ticks = registry.makeCounter(name: "stockcart_ticks_total", help: "Ticks received by the engine")
        staleTicks = registry.makeCounter(name: "stockcart_stale_ticks_total",
                                          help: "Ticks ignored by rules and broker because they were stale")
        firings = registry.makeCounter(name: "stockcart_rule_firings_total", help: "Rule firings matched")
        commitFailures = registry.makeCounter(name: "stockcart_commit_failures_total",
                                              help: "Firings or executions that could not be saved after retries")
        commitLatency = registry.makeValueHistogram(
            name: "stockcart_firing_commit_seconds",
            buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
            help: "From the tick that fired a rule to the firing being committed")
        openSockets = registry.makeGauge(name: "stockcart_websocket_connections", help: "Open WebSocket connections")
        rulesWatched = registry.makeGauge(name: "stockcart_rules_watched", help: "Rules in the engine's rule books")
        droppedSocketMessages = registry.makeCounter(
            name: "stockcart_websocket_dropped_messages_total",
            help: "Price messages not sent to a client that was not keeping up")
    }

    func tickProcessed(stale: Bool) {
        ticks.increment()
        if stale { staleTicks.increment() }
    }

    func ruleFired() { firings.increment() }
    func firingCommitted(seconds: Double) { commitLatency.record(seconds) }
    func commitFailed() { commitFailures.increment() }

    func orderSettled(_ status: OrderStatus) {
        registry.makeCounter(name: "stockcart_orders_settled_total", labels: [("status", status.rawValue)],
                             help: "Orders settled by the broker, by final status").increment()
    }

    func orderPlaced() {
        registry.makeCounter(name: "stockcart_orders_placed_total", help: "Orders accepted").increment()
    }

    func httpRequest(method: String, route: String, status: UInt, seconds: Double) {
        registry.makeCounter(name: "stockcart_http_requests_total",
                             labels: [("method", method), ("route", route), ("status", String(status))],
                             help: "HTTP requests served").increment()
        registry.makeValueHistogram(name: "stockcart_http_request_duration_seconds",
                                    labels: [("method", method), ("route", route)],
                                    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
                                    help: "HTTP request latency").record(seconds)
    }

    /// The exposition text for `GET /metrics`.
    func render() -> String { registry.emitToString() }
}
