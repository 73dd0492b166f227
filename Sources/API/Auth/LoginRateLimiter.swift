import Foundation
import Persistence

/// Counts failed logins per e-mail and per client address in a sliding window; past the limit, further attempts are
/// refused (429) until the oldest failure leaves the window. The failures are rows in the database, so every
/// instance behind the load balancer counts the same failures.
struct LoginRateLimiter: Sendable {
    let maxFailures: Int
    let window: TimeInterval

    init(maxFailures: Int, window: TimeInterval) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Seconds the caller must wait, or nil if an attempt is allowed now.
    func retryAfter(keys: [String], now: Date, store: LoginFailureStore) async throws -> Int? {
        let failures = try await store.failures(keys: keys, since: now.addingTimeInterval(-window))
        var wait: TimeInterval?
        for recent in failures.values where recent.count >= maxFailures {
            // The attempt is allowed once enough of the oldest failures have left the window.
            let release = recent[recent.count - maxFailures]
            wait = max(wait ?? 0, window - now.timeIntervalSince(release))
        }
        return wait.map { max(1, Int($0.rounded(.up))) }
    }

    func recordFailure(keys: [String], now: Date, store: LoginFailureStore) async throws {
        try await store.record(keys: keys, at: now, forgetBefore: now.addingTimeInterval(-window))
    }

    func reset(key: String, store: LoginFailureStore) async throws {
        try await store.reset(key: key)
    }
}
