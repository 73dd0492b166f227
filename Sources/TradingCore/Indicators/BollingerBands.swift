import Foundation

/// Bollinger bands, as TA-Lib's BBANDS with a simple average: middle = SMA(period), the population standard deviation
/// (÷ period) from running sums of the values and their squares (0 when the variance is below 1e-8, TA-Lib's
/// zero), upper and lower = middle ± `deviations` · sd. First value at row `period − 1`.
public struct BollingerBands: Sendable {
    public struct Value: Equatable, Sendable {
        public var upper: Double
        public var middle: Double
        public var lower: Double
    }

    public let period: Int
    public let deviations: Double
    private var window: [Double]
    private var next = 0
    private var filled = 0
    private var total = 0.0
    private var squares = 0.0

    public init(period: Int = 20, deviations: Double = 2) {
        precondition(period > 0, "a period is at least 1")
        self.period = period
        self.deviations = deviations
        window = Array(repeating: 0, count: period)
    }

    public mutating func update(_ value: Double) -> Value? {
        total += value
        squares += value * value
        if filled == period {
            let old = window[next]
            total -= old
            squares -= old * old
        } else {
            filled += 1
        }
        window[next] = value
        next = (next + 1) % period
        guard filled == period else { return nil }
        return Self.bands(total: total, squares: squares, period: period, deviations: deviations)
    }

    static func bands(total: Double, squares: Double, period: Int, deviations: Double) -> Value {
        let mean = total / Double(period)
        let variance = squares / Double(period) - mean * mean
        let sd = variance < 0.00000001 ? 0 : variance.squareRoot()
        let width = deviations * sd
        return Value(upper: mean + width, middle: mean, lower: mean - width)
    }

    /// The three bands over a whole series.
    public struct Series: Equatable, Sendable {
        public var upper: IndicatorSeries
        public var middle: IndicatorSeries
        public var lower: IndicatorSeries
    }

    public static func values(_ input: [Double], period: Int = 20, deviations: Double = 2) -> Series {
        precondition(period > 0, "a period is at least 1")
        let count = input.count
        guard count >= period else { return Series(upper: .empty(count), middle: .empty(count), lower: .empty(count)) }
        let first = period - 1
        let built = IndicatorSeries.build(lines: 3, count: count, firstRow: first) { upperOut, middleOut, lowerOut in
            input.withUnsafeBufferPointer { x in
                var total = 0.0, squares = 0.0
                for index in 0..<count {
                    let value = x[index]
                    total += value
                    squares += value * value
                    if index >= period {
                        let old = x[index - period]
                        total -= old
                        squares -= old * old
                    }
                    if index >= first {
                        let value = bands(total: total, squares: squares, period: period, deviations: deviations)
                        upperOut[index - first] = value.upper
                        middleOut[index - first] = value.middle
                        lowerOut[index - first] = value.lower
                    }
                }
            }
        }
        return Series(upper: built[0], middle: built[1], lower: built[2])
    }
}
