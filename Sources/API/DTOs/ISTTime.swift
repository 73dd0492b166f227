import Foundation
import TradingCore

/// Times as Indian traders and NSE's files write them: IST, `2024-03-15` or `2024-03-15 09:15:00`.
enum ISTTime {
    private static let dateFormatter = formatter("yyyy-MM-dd")
    private static let dateTimeFormatter = formatter("yyyy-MM-dd HH:mm:ss")

    static func text(_ time: Date, dateOnly: Bool) -> String {
        (dateOnly ? dateFormatter : dateTimeFormatter).string(from: time)
    }

    private static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = TimeZone(secondsFromGMT: Int(CandleInterval.istOffsetSeconds))
        formatter.dateFormat = format
        return formatter
    }
}
