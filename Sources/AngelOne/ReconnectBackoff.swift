/// How long a dropped connection waits before the next attempt: exponential from `initial`, capped at `maximum`,
/// with up to a quarter of random jitter, so that many clients dropped at once do not all come back in one instant.
public struct ReconnectBackoff: Sendable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait after `failures` failed attempts in a row (1 for the first).
    public func delay(after failures: Int) -> Duration {
        let base = initial * (1 << min(max(failures - 1, 0), 16))
        let capped = min(base, maximum)
        return capped + capped * Double.random(in: 0...0.25)
    }
}
