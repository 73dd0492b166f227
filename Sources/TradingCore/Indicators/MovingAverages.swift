/// Simple moving average: the mean of the last `period` values, from row `period − 1` (TA-Lib's SMA).
public struct SMA: Sendable {
    public let period: Int
    private var window: [Double]
    private var next = 0
    private var filled = 0
    private var total = 0.0

    public init(period: Int) {
        precondition(period > 0, "a period is at least 1")
        self.period = period
        window = Array(repeating: 0, count: period)
    }

    /// The next value; nil until `period` values have been seen.
    public mutating func update(_ value: Double) -> Double? {
        total += value
        if filled == period { total -= window[next] } else { filled += 1 }
        window[next] = value
        next = (next + 1) % period
        return filled == period ? total / Double(period) : nil
    }

    /// The whole series at once.
    public static func values(_ input: [Double], period: Int) -> IndicatorSeries {
        precondition(period > 0, "a period is at least 1")
        let count = input.count
        guard count >= period else { return .empty(count) }
        let n = Double(period)
        return .build(count: count, firstRow: period - 1) { output in
            input.withUnsafeBufferPointer { x in
                var total = 0.0
                for index in 0..<(period - 1) { total += x[index] }
                for index in (period - 1)..<count {
                    // Added, then the value leaving dropped, as the streaming form does (the same sums, to the bit).
                    total += x[index]
                    if index >= period { total -= x[index - period] }
                    output[index - period + 1] = total / n
                }
            }
        }
    }
}

/// Exponential moving average, seeded as TA-Lib seeds it: the first value (row `period − 1`) is the SMA of the first
/// `period` values, then `ema += (x − ema) · 2 / (period + 1)`.
public struct EMA: Sendable {
    public let period: Int
    let k: Double
    private var seedTotal = 0.0
    private var seen = 0
    private var current: Double?

    public init(period: Int) {
        precondition(period > 0, "a period is at least 1")
        self.period = period
        k = 2 / Double(period + 1)
    }

    public mutating func update(_ value: Double) -> Double? {
        if let ema = current {
            let next = (value - ema) * k + ema
            current = next
            return next
        }
        seedTotal += value
        seen += 1
        guard seen == period else { return nil }
        current = seedTotal / Double(period)
        return current
    }

    public static func values(_ input: [Double], period: Int) -> IndicatorSeries {
        values(input, period: period, seedStart: 0)
    }

    /// With the seed taken over rows `seedStart ..< seedStart + period` (MACD's quirk), the first value at the seed's
    /// last row.
    static func values(_ input: [Double], period: Int, seedStart: Int) -> IndicatorSeries {
        precondition(period > 0, "a period is at least 1")
        let count = input.count
        let first = seedStart + period - 1
        guard seedStart >= 0, count > first else { return .empty(count) }
        let k = 2 / Double(period + 1)
        return .build(count: count, firstRow: first) { output in
            input.withUnsafeBufferPointer { x in
                var total = 0.0
                for index in seedStart...first { total += x[index] }
                var ema = total / Double(period)
                output[0] = ema
                for index in (first + 1)..<max(first + 1, count) {
                    ema = (x[index] - ema) * k + ema
                    output[index - first] = ema
                }
            }
        }
    }
}
