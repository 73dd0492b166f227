import TradingCore

/// An equity curve for charts, thinned as it grows: every point until it holds `limit`, then every second point,
/// then every fourth, and so on, always keeping the newest; a chart of a 40-year minute backtest stays a few
/// thousand points. The figures are computed on every point (`EquityStatistics`), not on this curve.
struct EquityCurve: Sendable {
    private(set) var kept: [EquityPoint] = []
    private var newest: EquityPoint?
    private var stride = 1
    /// Points to skip before the next one is kept (a countdown: no division per point).
    private var skip = 0
    let limit: Int

    init(limit: Int = 5_000) { self.limit = limit }

    mutating func add(_ point: EquityPoint) {
        newest = point
        guard skip == 0 else {
            skip -= 1
            return
        }
        skip = stride - 1
        kept.append(point)
        if kept.count >= 2 * limit {
            // Kept points sit every `stride` points from the first; every second one of them sits every
            // `2 · stride`. The one just kept (an odd place) goes, and the next due, `stride` on, is on the new grid.
            kept = kept.enumerated().compactMap { $0.offset % 2 == 0 ? $0.element : nil }
            stride *= 2
        }
    }

    /// The kept points and the newest one.
    var points: [EquityPoint] {
        guard let newest, kept.last != newest else { return kept }
        return kept + [newest]
    }
}
