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
            gain *= n - 1
            loss *= n - 1
            if change < 0 { loss -= change } else { gain += change }
            gain /= n
            loss /= n
        }
        return Self.rsi(gain: gain, loss: loss)
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
                for index in (period + 1)..<max(period + 1, count) {
                    let change = x[index] - x[index - 1]
                    gain *= n - 1
                    loss *= n - 1
                    if change < 0 { loss -= change } else { gain += change }
                    gain /= n
                    loss /= n
                    output[index - period] = rsi(gain: gain, loss: loss)
                }
            }
        }
    }
}
