import Foundation
import Synchronization
import TradingCore

/// A token bucket per user: `burst` requests at once, refilled at `perSecond`. A request finding the bucket empty is
/// told how many whole seconds until a token is back. In memory, per instance: behind a load balancer a user may
/// reach each instance's limit, which bounds the load any one user puts on any one instance.
final class APIRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let perSecond: Double
    let burst: Double
    private let buckets = Mutex<[UserID: Bucket]>([:])
    static let capacity = 100_000

    init(perSecond: Int, burst: Int) {
        self.perSecond = Double(perSecond)
        self.burst = Double(burst)
    }

    /// Takes one request from the user's bucket: nil when allowed, else the seconds to wait.
    func take(_ user: UserID, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            if buckets.count >= Self.capacity, buckets[user] == nil {
                // Full buckets carry no information; drop them to stay bounded.
                buckets = buckets.filter { $0.value.tokens + refill(since: $0.value.updated, now: now) < burst }
            }
            var bucket = buckets[user] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + refill(since: bucket.updated, now: now))
            bucket.updated = now
            defer { buckets[user] = bucket }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }

    private func refill(since: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Double {
        let elapsed = now - since
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return max(0, seconds) * perSecond
    }
}
