/// Moving average convergence/divergence, as TA-Lib computes it: the slow EMA is seeded over rows 0…slow−1 and the
/// fast EMA over the rows just before the same row (slow−fast … slow−1), so both start together at row slow−1; the
/// signal EMA is seeded over the first `signal` MACD values. All three outputs start at row slow + signal − 2 (33 for
/// 12/26/9).
public struct MACD: Sendable {
    public struct Value: Equatable, Sendable {
        public var macd: Double
        public var signal: Double
        public var histogram: Double
    }

    public let fast: Int, slow: Int, signal: Int
    private var row = 0
    private var fastSeed = 0.0, slowSeed = 0.0, signalSeed = 0.0
    private var fastEMA = 0.0, slowEMA = 0.0, signalEMA = 0.0
    private let fastK: Double, slowK: Double, signalK: Double

    public init(fast: Int = 12, slow: Int = 26, signal: Int = 9) {
        precondition(fast > 0 && slow > fast && signal > 0, "periods are at least 1, and fast is below slow")
        self.fast = fast
        self.slow = slow
        self.signal = signal
        fastK = 2 / Double(fast + 1)
        slowK = 2 / Double(slow + 1)
        signalK = 2 / Double(signal + 1)
    }

    /// The row of the first value.
    public var firstRow: Int { slow + signal - 2 }

    public mutating func update(_ value: Double) -> Value? {
        defer { row += 1 }
        if row < slow - 1 {
            slowSeed += value
            if row >= slow - fast { fastSeed += value }
            return nil
        }
        if row == slow - 1 {
            slowSeed += value
            fastSeed += value
            slowEMA = slowSeed / Double(slow)
            fastEMA = fastSeed / Double(fast)
        } else {
            slowEMA = (value - slowEMA) * slowK + slowEMA
            fastEMA = (value - fastEMA) * fastK + fastEMA
        }
        let macd = fastEMA - slowEMA
        if row < firstRow {
            signalSeed += macd
            return nil
        }
        if row == firstRow {
            signalSeed += macd
            signalEMA = signalSeed / Double(signal)
        } else {
            signalEMA = (macd - signalEMA) * signalK + signalEMA
        }
        return Value(macd: macd, signal: signalEMA, histogram: macd - signalEMA)
    }

    /// The three lines over a whole series.
    public struct Series: Equatable, Sendable {
        public var macd: IndicatorSeries
        public var signal: IndicatorSeries
        public var histogram: IndicatorSeries
    }

    public static func values(_ input: [Double], fast: Int = 12, slow: Int = 26, signal: Int = 9) -> Series {
        precondition(fast > 0 && slow > fast && signal > 0, "periods are at least 1, and fast is below slow")
        let count = input.count
        let first = slow + signal - 2
        guard count > first else { return Series(macd: .empty(count), signal: .empty(count), histogram: .empty(count)) }
        let fastK = 2 / Double(fast + 1), slowK = 2 / Double(slow + 1), signalK = 2 / Double(signal + 1)
        let built = IndicatorSeries.build(lines: 3, count: count, firstRow: first) { lineOut, signalOut, histogramOut in
            input.withUnsafeBufferPointer { x in
                var slowTotal = 0.0, fastTotal = 0.0
                for index in 0..<slow {
                    slowTotal += x[index]
                    if index >= slow - fast { fastTotal += x[index] }
                }
                var slowEMA = slowTotal / Double(slow), fastEMA = fastTotal / Double(fast)
                var signalTotal = fastEMA - slowEMA
                for index in slow...first {
                    let value = x[index]
                    slowEMA = (value - slowEMA) * slowK + slowEMA
                    fastEMA = (value - fastEMA) * fastK + fastEMA
                    signalTotal += fastEMA - slowEMA
                }
                var signalEMA = signalTotal / Double(signal)
                var macd = fastEMA - slowEMA
                lineOut[0] = macd
                signalOut[0] = signalEMA
                histogramOut[0] = macd - signalEMA
                for index in (first + 1)..<max(first + 1, count) {
                    let value = x[index]
                    slowEMA = (value - slowEMA) * slowK + slowEMA
                    fastEMA = (value - fastEMA) * fastK + fastEMA
                    macd = fastEMA - slowEMA
                    signalEMA = (macd - signalEMA) * signalK + signalEMA
                    lineOut[index - first] = macd
                    signalOut[index - first] = signalEMA
                    histogramOut[index - first] = macd - signalEMA
                }
            }
        }
        return Series(macd: built[0], signal: built[1], histogram: built[2])
    }
}
