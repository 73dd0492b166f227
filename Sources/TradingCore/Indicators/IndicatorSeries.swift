/// An indicator's values over a series of bars, compactly: none before `firstRow` (the indicator's warm-up), then one
/// `Double` per row. Read as a collection of `Double?`, one per bar. Every indicator StockCart compares with TA-Lib
/// has values on every row from its first on, so this holds them in 8 bytes a row rather than an optional's 16.
public struct IndicatorSeries: Equatable, Sendable, RandomAccessCollection {
    /// Rows in all (the number of bars).
    public let count: Int
    /// The first row with a value (`count` when none has one).
    public let firstRow: Int
    /// The values of rows `firstRow ..< count`.
    public let values: [Double]

    public init(count: Int, firstRow: Int, values: [Double]) {
        precondition(firstRow >= 0 && values.count == Swift.max(0, count - firstRow), "one value per row from firstRow")
        self.count = count
        self.firstRow = firstRow
        self.values = values
    }

    /// A series of `count` rows without values.
    public static func empty(_ count: Int) -> IndicatorSeries { IndicatorSeries(count: count, firstRow: count, values: []) }

    /// Builds the values of rows `firstRow ..< count` in one pass: `fill` is handed a buffer to initialise whole.
    static func build(count: Int, firstRow: Int, _ fill: (UnsafeMutableBufferPointer<Double>) -> Void) -> IndicatorSeries {
        let length = Swift.max(0, count - firstRow)
        let values = [Double](unsafeUninitializedCapacity: length) { buffer, initialized in
            HugePages.advise(buffer)
            fill(buffer)
            initialized = length
        }
        return IndicatorSeries(count: count, firstRow: Swift.min(firstRow, count), values: values)
    }

    /// Builds two or three lines of the same rows in one pass (MACD, Bollinger, the stochastic): `fill` is handed one
    /// buffer per line to initialise whole; the second or third is unused for two lines.
    static func build(lines: Int, count: Int, firstRow: Int,
                      _ fill: (UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>,
                               UnsafeMutableBufferPointer<Double>) -> Void) -> [IndicatorSeries] {
        let length = Swift.max(0, count - firstRow)
        var second: [Double] = [], third: [Double] = []
        let first = [Double](unsafeUninitializedCapacity: length) { a, aCount in
            second = [Double](unsafeUninitializedCapacity: length) { b, bCount in
                third = [Double](unsafeUninitializedCapacity: lines == 3 ? length : 0) { c, cCount in
                    HugePages.advise(a)
                    HugePages.advise(b)
                    HugePages.advise(c)
                    fill(a, b, c)
                    cCount = lines == 3 ? length : 0
                }
                bCount = length
            }
            aCount = length
        }
        let row = Swift.min(firstRow, count)
        return [first, second, third].prefix(lines).map { IndicatorSeries(count: count, firstRow: row, values: $0) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(row: Int) -> Double? { row >= firstRow ? values[row - firstRow] : nil }
}
