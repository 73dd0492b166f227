/// On-balance volume, as TA-Lib: starts at the first bar's volume, then adds the volume of a bar that closed up and
/// subtracts that of one that closed down. A value on every row.
public struct OBV: Sendable {
    private var previousClose: Double?
    private var total = 0.0

    public init() {}

    public mutating func update(close: Double, volume: Double) -> Double {
        defer { previousClose = close }
        guard let previousClose else {
            total = volume
            return total
        }
        if close > previousClose { total += volume } else if close < previousClose { total -= volume }
        return total
    }

    public static func values(close: [Double], volume: [Double]) -> IndicatorSeries {
        let count = min(close.count, volume.count)
        guard count > 0 else { return .empty(0) }
        return .build(count: count, firstRow: 0) { output in
            close.withUnsafeBufferPointer { c in
                volume.withUnsafeBufferPointer { v in
                    var total = v[0]
                    output[0] = total
                    for index in 1..<max(1, count) {
                        if c[index] > c[index - 1] { total += v[index] } else if c[index] < c[index - 1] { total -= v[index] }
                        output[index] = total
                    }
                }
            }
        }
    }
}
