/// Average true range with Wilder's smoothing, as TA-Lib: no true range on row 0; the first ATR (row `period`) is
/// the mean of the true ranges of rows 1…period, then `atr = (atr · (period − 1) + tr) / period`.
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
    static func trueRange(high: Double, low: Double, previousClose: Double) -> Double {
        max(high - low, abs(high - previousClose), abs(low - previousClose))
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
            atr = (atr * (n - 1) + range) / n
        }
        return atr
    }

    public static func values(high: [Double], low: [Double], close: [Double], period: Int = 14) -> [Double?] {
        precondition(period > 0, "a period is at least 1")
        let count = min(high.count, low.count, close.count)
        var output = [Double?](repeating: nil, count: count)
        guard count > period else { return output }
        let n = Double(period)
        var total = 0.0
        for index in 1...period {
            total += trueRange(high: high[index], low: low[index], previousClose: close[index - 1])
        }
        var atr = total / n
        output[period] = atr
        for index in (period + 1)..<max(period + 1, count) {
            atr = (atr * (n - 1) + trueRange(high: high[index], low: low[index], previousClose: close[index - 1])) / n
            output[index] = atr
        }
        return output
    }
}
