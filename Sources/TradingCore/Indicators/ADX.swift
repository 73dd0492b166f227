/// Wilder's average directional index, as TA-Lib computes it: directional movements and true ranges summed over the
/// first `period − 1` changes, then Wilder-smoothed; DX = 100 · |−DI − +DI| / (−DI + +DI); the first ADX (row
/// 2·period − 1, 27 for 14) is the mean of the first `period` DX values, then `adx = (adx · (period − 1) + dx) /
/// period`. Like TA-Lib, a sum within 1e-8 of zero counts as zero (that DX is left out).
public struct ADX: Sendable {
    public let period: Int
    private var previous: (high: Double, low: Double, close: Double)?
    private var changes = 0
    private var plusDM = 0.0, minusDM = 0.0, trueRange = 0.0
    private var dxTotal = 0.0
    private var adx = 0.0

    public init(period: Int = 14) {
        precondition(period > 0, "a period is at least 1")
        self.period = period
    }

    static func isZero(_ value: Double) -> Bool { -0.00000001 < value && value < 0.00000001 }

    /// The directional movements of a bar after the previous one: only the larger, positive one counts.
    static func movement(high: Double, low: Double, previousHigh: Double, previousLow: Double) -> (plus: Double, minus: Double) {
        let up = high - previousHigh
        let down = previousLow - low
        if down > 0, up < down { return (0, down) }
        if up > 0, up > down { return (up, 0) }
        return (0, 0)
    }

    /// DX from the smoothed sums, or nil when the true range or the DI sum is (TA-Lib's) zero.
    static func dx(plusDM: Double, minusDM: Double, trueRange: Double) -> Double? {
        guard !isZero(trueRange) else { return nil }
        let minusDI = 100 * (minusDM / trueRange)
        let plusDI = 100 * (plusDM / trueRange)
        let sum = minusDI + plusDI
        guard !isZero(sum) else { return nil }
        return 100 * (abs(minusDI - plusDI) / sum)
    }

    public mutating func update(high: Double, low: Double, close: Double) -> Double? {
        defer { previous = (high, low, close) }
        guard let previous else { return nil }
        let n = Double(period)
        let move = Self.movement(high: high, low: low, previousHigh: previous.high, previousLow: previous.low)
        let range = ATR.trueRange(high: high, low: low, previousClose: previous.close)
        changes += 1
        if changes < period {
            plusDM += move.plus
            minusDM += move.minus
            trueRange += range
            return nil
        }
        plusDM = plusDM - plusDM / n + move.plus
        minusDM = minusDM - minusDM / n + move.minus
        trueRange = trueRange - trueRange / n + range
        let dx = Self.dx(plusDM: plusDM, minusDM: minusDM, trueRange: trueRange)
        if changes < 2 * period - 1 {
            dxTotal += dx ?? 0
            return nil
        }
        if changes == 2 * period - 1 {
            dxTotal += dx ?? 0
            adx = dxTotal / n
        } else if let dx {
            adx = (adx * (n - 1) + dx) / n
        }
        return adx
    }

    /// The batch form runs the streaming recurrence over the series (ADX's state is small and its recurrence
    /// sequential); its agreement with TA-Lib is what its test checks.
    public static func values(high: [Double], low: [Double], close: [Double], period: Int = 14) -> IndicatorSeries {
        let count = min(high.count, low.count, close.count)
        let first = 2 * period - 1
        guard count > first else { return .empty(count) }
        var indicator = ADX(period: period)
        for index in 0..<first { _ = indicator.update(high: high[index], low: low[index], close: close[index]) }
        return .build(count: count, firstRow: first) { output in
            for index in first..<count {
                output[index - first] = indicator.update(high: high[index], low: low[index], close: close[index]) ?? 0
            }
        }
    }
}
