import Foundation
import Synchronization

/// Counts failed logins per e-mail and per client address in a sliding window; past the limit, further attempts
/// are refused (429) until the oldest failure leaves the window. In memory, per instance.
final class LoginRateLimiter: Sendable {
    private let maxFailures: Int
    private let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    init(maxFailures: Int, window: TimeInterval) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Seconds the caller must wait, or nil if an attempt is allowed now.
    func retryAfter(keys: [String], now: Date) -> Int? {
        failures.withLock { table in
            var wait: TimeInterval?
            for key in keys {
                let recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
                table[key] = recent.isEmpty ? nil : recent
                if recent.count >= maxFailures, let oldest = recent.first {
                    let remaining = window - now.timeIntervalSince(oldest)
                    wait = max(wait ?? 0, remaining)
                }
            }
            return wait.map { max(1, Int($0.rounded(.up))) }
        }
    }

    func recordFailure(keys: [String], now: Date) {
        failures.withLock { table in
            for key in keys { table[key, default: []].append(now) }
        }
    }

    func reset(key: String) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }
}
