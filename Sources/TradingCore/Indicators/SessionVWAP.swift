import Foundation

/// The volume-weighted average price of the IST trading day so far: Σ typical price · volume / Σ volume, with the
/// typical price (high + low + close) / 3, starting afresh with each IST day. No value until the day has volume.
public struct SessionVWAP: Sendable {
    private var day: Date?
    private var weighted = 0.0
    private var volume = 0.0

    public init() {}

    public mutating func update(_ bar: IndicatorBar) -> Double? {
        let barDay = CandleInterval.oneDay.bucketStart(for: bar.time)
        if barDay != day {
            day = barDay
            weighted = 0
            volume = 0
        }
        weighted += (bar.high + bar.low + bar.close) / 3 * bar.volume
        volume += bar.volume
        return volume > 0 ? weighted / volume : nil
    }

    /// The whole series: the streaming form run over it (its state is two sums, its work per bar the same).
    public static func values(_ bars: [IndicatorBar]) -> [Double?] {
        var vwap = SessionVWAP()
        return bars.map { vwap.update($0) }
    }
}
