/// The sum of the last `period` prices in paise, exact: crossovers compare two averages, and integer sums decide
/// ties and near-ties the same way on every machine and in every run (a running `Double` sum drifts).
struct ExactMovingSum: Sendable {
    let period: Int
    private var window: [Int64]
    private var next = 0
    private var filled = 0
    private(set) var total: Int64 = 0

    init(period: Int) {
        self.period = period
        window = Array(repeating: 0, count: period)
    }

    /// Adds a price; true once `period` prices are in the window.
    @inline(__always)
    mutating func add(_ paise: Int64) -> Bool {
        total &+= paise
        if filled == period { total &-= window[next] } else { filled += 1 }
        window[next] = paise
        next += 1
        if next == period { next = 0 }
        return filled == period
    }

    var mean: Double { Double(total) / Double(period) / 100 }
}
