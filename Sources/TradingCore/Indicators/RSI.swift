/// Wilder's relative strength index, as TA-Lib computes it: the average gain and loss start as simple means of the
/// first `period` changes (rows 1…period), then `avg = (avg · (period − 1) + current) / period`; RSI =
/// 100 · gain / (gain + loss), 0 when both are 0. First value at row `period`.
public struct RSI: Sendable {
    public let period: Int
    private var previous: Double?
    private var changes = 0
    private var gain = 0.0
    private var loss = 0.0

    public init(period: Int) {
        precondition(period > 0, "a period is at least 1")
        self.period = period
    }

    public mutating func update(_ value: Double) -> Double? {
        defer { previous = value }
        guard let previous else { return nil }
        let change = value - previous
        let n = Double(period)
        if changes < period {
            if change < 0 { loss -= change } else { gain += change }
            changes += 1
            guard changes == period else { return nil }
            gain /= n
            loss /= n
        } else {
            let (keep, add) = Self.smoothing(period)
            gain = gain * keep + (change > 0 ? change : 0) * add
            loss = loss * keep + (change < 0 ? -change : 0) * add
        }
        return Self.rsi(gain: gain, loss: loss)
    }

    /// Wilder's smoothing `(avg · (n − 1) + x) / n` as `avg · keep + x · add`: two multiplications instead of a
    /// division in the chain each value waits for (a third of the time); within a few units in the last place of
    /// TA-Lib's division, far inside the 1e-9 it is held to.
    @inline(__always)
    static func smoothing(_ period: Int) -> (keep: Double, add: Double) {
        (Double(period - 1) / Double(period), 1 / Double(period))
    }

    static func rsi(gain: Double, loss: Double) -> Double {
        let total = gain + loss
        return total != 0 ? 100 * (gain / total) : 0
    }

    public static func values(_ input: [Double], period: Int) -> IndicatorSeries {
        precondition(period > 0, "a period is at least 1")
        let count = input.count
        guard count > period else { return .empty(count) }
        let n = Double(period)
        return .build(count: count, firstRow: period) { output in
            input.withUnsafeBufferPointer { x in
                var gain = 0.0, loss = 0.0
                for index in 1...period {
                    let change = x[index] - x[index - 1]
                    if change < 0 { loss -= change } else { gain += change }
                }
                gain /= n
                loss /= n
                output[0] = rsi(gain: gain, loss: loss)
                let (keep, add) = smoothing(period)
                for index in (period + 1)..<max(period + 1, count) {
                    let change = x[index] - x[index - 1]
                    // Without a branch (a price's direction is a coin toss to the branch predictor).
                    gain = gain * keep + (change > 0 ? change : 0) * add
                    loss = loss * keep + (change < 0 ? -change : 0) * add
                    output[index - period] = rsi(gain: gain, loss: loss)
                }
            }
        }
    }
}
