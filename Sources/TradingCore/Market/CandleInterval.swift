import Foundation

/// A chart bar width. Bars are aligned to the Indian Standard Time day (UTC+05:30), as NSE charts are, so a daily
/// bar starts at 00:00 IST and a 1h bar at the top of an IST hour.
public enum CandleInterval: String, CaseIterable, Sendable {
    case oneMinute = "1m"
    case fiveMinutes = "5m"
    case fifteenMinutes = "15m"
    case oneHour = "1h"
    case oneDay = "1d"

    public var seconds: Int64 {
        switch self {
        case .oneMinute: 60
        case .fiveMinutes: 300
        case .fifteenMinutes: 900
        case .oneHour: 3_600
        case .oneDay: 86_400
        }
    }

    /// IST is UTC+05:30 all year (India has no daylight saving).
    public static let istOffsetSeconds: Int64 = 19_800

    /// The start of the bar that contains `time`.
    public func bucketStart(for time: Date) -> Date {
        let epoch = Int64(time.timeIntervalSince1970.rounded(.down))
        let local = epoch + Self.istOffsetSeconds
        let start = local - ((local % seconds) + seconds) % seconds
        return Date(timeIntervalSince1970: TimeInterval(start - Self.istOffsetSeconds))
    }
}
