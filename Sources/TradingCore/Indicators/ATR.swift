/// Average true range with Wilder's smoothing, as TA-Lib: no true range on row 0; the first ATR (row `period`) is
/// the mean of the true ranges of rows 1…period, then `atr = (atr · (period − 1) + tr) / period` (computed as
/// `RSI.smoothing` does).
public struct ATR: Sendable {
    public let period: Int
    private var previousClose: Double?
    private var ranges = 0
    private var total = 0.0
    private var atr = 0.0

    public init(period: Int = 14) {
        precondition(period > 0, "a period is at least 1")
        self.period = period
    }

    /// The larger of the bar's range and its distances from the previous close.
    @inline(__always)
    static func trueRange(high: Double, low: Double, previousClose: Double) -> Double {
        let range = high - low
        let up = abs(high - previousClose)
        let down = abs(low - previousClose)
        // Selects rather than branches: which of the three is largest is unpredictable bar to bar.
        let larger = up > range ? up : range
        return down > larger ? down : larger
    }

    public mutating func update(high: Double, low: Double, close: Double) -> Double? {
        defer { previousClose = close }
        guard let previousClose else { return nil }
        let range = Self.trueRange(high: high, low: low, previousClose: previousClose)
        let n = Double(period)
        if ranges < period {
            total += range
            ranges += 1
            guard ranges == period else { return nil }
            atr = total / n
        } else {
            let (keep, add) = RSI.smoothing(period)
            atr = atr * keep + range * add
        }
        return atr
    }

    public static func values(high: [Double], low: [Double], close: [Double], period: Int = 14) -> IndicatorSeries {
        precondition(period > 0, "a period is at least 1")
        let count = min(high.count, low.count, close.count)
        guard count > period else { return .empty(count) }
        let n = Double(period)
        return .build(count: count, firstRow: period) { output in
            high.withUnsafeBufferPointer { h in
                low.withUnsafeBufferPointer { l in
                    close.withUnsafeBufferPointer { c in
                        var total = 0.0
                        for index in 1...period {
                            total += trueRange(high: h[index], low: l[index], previousClose: c[index - 1])
                        }
                        var atr = total / n
                        output[0] = atr
                        let (keep, add) = RSI.smoothing(period)
                        for index in (period + 1)..<max(period + 1, count) {
                            atr = atr * keep + trueRange(high: h[index], low: l[index], previousClose: c[index - 1]) * add
                            output[index - period] = atr
                        }
                    }
                }
            }
        }
    }
}
