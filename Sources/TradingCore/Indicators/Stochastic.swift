/// The slow stochastic oscillator, as TA-Lib's STOCH with simple averages: fast %K = (close − lowest low) /
/// ((highest high − lowest low) / 100) over `kPeriod` bars (0 when the range is 0), slow %K = SMA(`slowK`) of it, slow
/// %D = SMA(`slowD`) of slow %K. Both outputs start at row kPeriod + slowK + slowD − 3 (17 for 14/3/3).
public struct Stochastic: Sendable {
    public struct Value: Equatable, Sendable {
        public var slowK: Double
        public var slowD: Double
    }

    public let kPeriod: Int, slowKPeriod: Int, slowDPeriod: Int
    private var highs: [Double] = []
    private var lows: [Double] = []
    private var kAverage: SMA
    private var dAverage: SMA

    public init(kPeriod: Int = 14, slowK: Int = 3, slowD: Int = 3) {
        precondition(kPeriod > 0 && slowK > 0 && slowD > 0, "periods are at least 1")
        self.kPeriod = kPeriod
        slowKPeriod = slowK
        slowDPeriod = slowD
        kAverage = SMA(period: slowK)
        dAverage = SMA(period: slowD)
    }

    static func fastK(close: Double, highest: Double, lowest: Double) -> Double {
        let diff = (highest - lowest) / 100
        return diff != 0 ? (close - lowest) / diff : 0
    }

    public mutating func update(high: Double, low: Double, close: Double) -> Value? {
        highs.append(high)
        lows.append(low)
        if highs.count > kPeriod {
            highs.removeFirst()
            lows.removeFirst()
        }
        guard highs.count == kPeriod else { return nil }
        let fast = Self.fastK(close: close, highest: highs.max()!, lowest: lows.min()!)
        guard let slowK = kAverage.update(fast), let slowD = dAverage.update(slowK) else { return nil }
        return Value(slowK: slowK, slowD: slowD)
    }

    /// Both lines over a whole series.
    public struct Series: Equatable, Sendable {
        public var slowK: IndicatorSeries
        public var slowD: IndicatorSeries
    }

    public static func values(high: [Double], low: [Double], close: [Double], kPeriod: Int = 14, slowK: Int = 3,
                              slowD: Int = 3) -> Series {
        precondition(kPeriod > 0 && slowK > 0 && slowD > 0, "periods are at least 1")
        let count = min(high.count, low.count, close.count)
        let first = kPeriod + slowK + slowD - 3
        guard count > first else { return Series(slowK: .empty(count), slowD: .empty(count)) }
        var fast = [Double](repeating: 0, count: count)
        // The window's extremes are kept with their rows and looked for again only when they leave the window (as
        // TA-Lib does), so a bar costs one comparison, not `kPeriod`.
        var highestRow = -1, lowestRow = -1
        var highest = 0.0, lowest = 0.0
        for index in (kPeriod - 1)..<count {
            let start = index - kPeriod + 1
            if highestRow < start {
                highestRow = start
                highest = high[start]
                for row in (start + 1)...index where high[row] >= highest {
                    highest = high[row]
                    highestRow = row
                }
            } else if high[index] >= highest {
                highest = high[index]
                highestRow = index
            }
            if lowestRow < start {
                lowestRow = start
                lowest = low[start]
                for row in (start + 1)...index where low[row] <= lowest {
                    lowest = low[row]
                    lowestRow = row
                }
            } else if low[index] <= lowest {
                lowest = low[index]
                lowestRow = index
            }
            fast[index] = fastK(close: close[index], highest: highest, lowest: lowest)
        }
        // Slow %K over fast %K (from row kPeriod − 1), slow %D over slow %K, both kept from row `first`.
        let slowKValues = SMA.values(Array(fast[(kPeriod - 1)...]), period: slowK)
        let slowDValues = SMA.values(slowKValues.values, period: slowD)
        let kOffset = first - (kPeriod - 1) - slowKValues.firstRow
        return Series(slowK: IndicatorSeries(count: count, firstRow: first, values: Array(slowKValues.values[kOffset...])),
                      slowD: IndicatorSeries(count: count, firstRow: first, values: slowDValues.values))
    }
}
