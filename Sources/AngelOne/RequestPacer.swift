import Foundation

/// Holds one client code's requests within `SmartAPIRateLimits`: a request that would exceed a limit waits until
/// the oldest request in that window leaves it. Waiting, not refusing, because every caller (a placement, a book
/// read) would otherwise have to retry by itself.
public actor RequestPacer {
    private let limits: SmartAPIRateLimits
    /// Added to every window: the broker counts arrivals, not departures, and a request that left late (a slow
    /// connection) arrives closer to the next ones than they left.
    private let margin: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let sleep: @Sendable (Duration) async throws -> Void
    /// Admission times per class, oldest first, as far back as the longest window.
    private var admitted: [SmartAPIRateLimits.Endpoint: [ContinuousClock.Instant]] = [:]

    public init(limits: SmartAPIRateLimits, margin: Duration = .milliseconds(200),
                now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.limits = limits
        self.margin = margin
        self.now = now
        self.sleep = sleep
    }

    /// Returns when a request of `endpoint` may go out, having counted it. Throws only if the waiting task is
    /// cancelled.
    public func admit(_ endpoint: SmartAPIRateLimits.Endpoint) async throws {
        let windows = limits.limits[endpoint] ?? []
        while true {
            let current = now()
            let longest = windows.map(\.seconds).max() ?? 0
            var times = admitted[endpoint, default: []]
            times.removeAll { current - $0 >= .seconds(longest) + margin }
            admitted[endpoint] = times
            // The longest wait any window needs before one more request fits in it.
            var wait = Duration.zero
            for window in windows {
                let span = Duration.seconds(window.seconds) + margin
                let inWindow = times.filter { current - $0 < span }
                if inWindow.count >= window.count {
                    let oldestThatMustLeave = inWindow[inWindow.count - window.count]
                    wait = max(wait, oldestThatMustLeave + span - current)
                }
            }
            if wait <= .zero {
                admitted[endpoint, default: []].append(current)
                return
            }
            try await sleep(wait)
        }
    }
}
