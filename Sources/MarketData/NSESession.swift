import Foundation
import TradingCore

/// The NSE cash-market timetable as the simulator and the synthetic history model it: weekday sessions from
/// 09:15 to 15:30 IST. Exchange holidays and special weekend sessions are deliberately not modelled; the data is
/// synthetic and a calendar would only add dates to maintain.
enum NSESession {
    /// Trading sessions per year, the usual convention for annualising NSE volatility.
    static let sessionsPerYear = 252.0
    /// 09:15 to 15:30 is 6 h 15 min.
    static let secondsPerSession = 22_500.0
    /// Continuous-trading seconds in a year, the time base that converts annual volatility to a per-step one.
    static let secondsPerYear = sessionsPerYear * secondsPerSession
    /// Minutes in one session, hence 1-minute bars per session.
    static let minutesPerSession = 375
    /// The session opens 09:15 after IST midnight.
    static let openOffsetSeconds: TimeInterval = 9 * 3_600 + 15 * 60

    /// The start (IST midnight) of the IST day containing `time`.
    static func istDayStart(of time: Date) -> Date {
        CandleInterval.oneDay.bucketStart(for: time)
    }

    /// Whether the IST day starting at `dayStart` is Monday–Friday.
    static func isWeekday(_ dayStart: Date) -> Bool {
        // Whole IST days since 1970-01-01, which was a Thursday; with Sunday as 0 that day is 4.
        let istSeconds = Int64(dayStart.timeIntervalSince1970.rounded(.down)) + CandleInterval.istOffsetSeconds
        let dayNumber = istSeconds >= 0 ? istSeconds / 86_400 : (istSeconds - 86_399) / 86_400
        let weekday = ((dayNumber + 4) % 7 + 7) % 7
        return weekday != 0 && weekday != 6
    }

    /// The IST-midnight starts of the last `count` weekdays strictly before the IST day containing `time`, ascending.
    static func weekdays(count: Int, before time: Date) -> [Date] {
        guard count > 0 else { return [] }
        var days: [Date] = []
        days.reserveCapacity(count)
        var day = istDayStart(of: time)
        while days.count < count {
            // Stepping whole days is exact: IST has no daylight saving, so every IST day is 86,400 s long.
            day = day.addingTimeInterval(-86_400)
            if isWeekday(day) { days.append(day) }
        }
        return days.reversed()
    }
}
