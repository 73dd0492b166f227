/// How long the engine waits between background attempts to settle an execution whose in-line retries all failed.
///
/// The delay doubles from `initial` up to `maximum` and then stays there: an outage of minutes costs one attempt per
/// parked order every `maximum`, and once the database is back an order settles within `maximum` at worst. There is
/// no attempt limit on purpose: giving up would leave a filled order PENDING until a restart, which is the gap this
/// closes. Durations, not dates: waiting is relative, so no clock is read.
public struct SettlementBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration, maximum: Duration) {
        precondition(initial > .zero && maximum >= initial, "backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
    }

    /// 250 ms, 500 ms, 1 s, 2 s, 4 s, then every 5 s.
    public static let standard = SettlementBackoff(initial: .milliseconds(250), maximum: .seconds(5))

    /// The wait before background attempt `attempt` (1 for the first).
    public func delay(before attempt: Int) -> Duration {
        var delay = initial
        var step = 1
        // Doubling stops at the cap, so a long outage neither overflows nor loops once per past attempt.
        while step < attempt, delay < maximum {
            delay *= 2
            step += 1
        }
        return min(delay, maximum)
    }
}
