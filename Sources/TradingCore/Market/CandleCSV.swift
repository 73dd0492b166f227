import Foundation

/// Reads OHLCV history from CSV text: `date,open,high,low,close,volume` (daily bars, dates in IST) or
/// `datetime,open,high,low,close,volume` (`YYYY-MM-DD HH:MM[:SS]` in IST, one-minute bars), the layouts of NSE's
/// daily and intraday files. Every row is checked; the first bad one is refused with its line number and what is
/// wrong, so a file is taken whole or not at all.
public enum CandleCSV {
    /// A file's bars and the interval its layout implies.
    public struct Parsed: Equatable, Sendable {
        public var interval: CandleInterval
        public var candles: [Candle]
    }

    /// The first thing wrong with a file: its line (1 is the header) and what.
    public struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public static func parse(_ text: String) throws(Invalid) -> Parsed {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        guard let header = lines.first?.trimmingCharacters(in: .whitespaces).lowercased() else {
            throw Invalid(line: 1, reason: "the file is empty")
        }
        let interval: CandleInterval
        switch header.replacingOccurrences(of: " ", with: "") {
        case "date,open,high,low,close,volume": interval = .oneDay
        case "datetime,open,high,low,close,volume": interval = .oneMinute
        default:
            throw Invalid(line: 1, reason: "the header must be date,open,high,low,close,volume (daily) or "
                              + "datetime,open,high,low,close,volume (intraday)")
        }
        var candles: [Candle] = []
        candles.reserveCapacity(lines.count)
        for (offset, raw) in lines.enumerated().dropFirst() {
            let line = offset + 1
            let fields = raw.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 6 else { throw Invalid(line: line, reason: "expected 6 fields, found \(fields.count)") }
            guard let time = Self.time(fields[0], interval: interval) else {
                throw Invalid(line: line, reason: interval == .oneDay
                                  ? "'\(fields[0])' is not a date (YYYY-MM-DD)"
                                  : "'\(fields[0])' is not a time (YYYY-MM-DD HH:MM[:SS])")
            }
            var prices: [Money] = []
            for (name, field) in zip(["open", "high", "low", "close"], fields[1...4]) {
                guard let rupees = Decimal(string: field, locale: Locale(identifier: "en_US_POSIX")),
                      field.allSatisfy({ $0.isNumber || $0 == "." }), rupees > 0 else {
                    throw Invalid(line: line, reason: "\(name) '\(field)' is not a price above 0")
                }
                var scaled = rupees * 100, rounded = Decimal()
                NSDecimalRound(&rounded, &scaled, 0, .plain)
                guard rounded == rupees * 100, rounded < 1_000_000_000_00 else {
                    throw Invalid(line: line, reason: "\(name) '\(field)' has more than two decimals or is too large")
                }
                prices.append(Money(paise: NSDecimalNumber(decimal: rounded).int64Value))
            }
            let (open, high, low, close) = (prices[0], prices[1], prices[2], prices[3])
            guard let volume = Int64(fields[5].hasSuffix(".0") ? String(fields[5].dropLast(2)) : fields[5]),
                  volume >= 0 else {
                throw Invalid(line: line, reason: "volume '\(fields[5])' is not a whole number ≥ 0")
            }
            guard high >= max(open, close), low <= min(open, close) else {
                throw Invalid(line: line, reason: "high must be at least open and close, and low at most both")
            }
            if let previous = candles.last, time <= previous.time {
                throw Invalid(line: line, reason: "rows must be in time order, without repeats")
            }
            candles.append(Candle(time: time, open: open, high: high, low: low, close: close, volume: volume))
        }
        guard !candles.isEmpty else { throw Invalid(line: 2, reason: "the file has no rows") }
        return Parsed(interval: interval, candles: candles)
    }

    /// The bar's start: IST midnight of a date, or the IST minute of a time.
    static func time(_ text: String, interval: CandleInterval) -> Date? {
        let parts = text.split(separator: " ")
        let date = parts.first.map { $0.split(separator: "-").compactMap { Int($0) } } ?? []
        guard date.count == 3, (1...12).contains(date[1]), (1...31).contains(date[2]), date[0] >= 1900 else { return nil }
        var hour = 0, minute = 0, second = 0
        switch (interval, parts.count) {
        case (.oneDay, 1): break
        case (.oneMinute, 2):
            let clock = parts[1].split(separator: ":").compactMap { Int($0) }
            guard (2...3).contains(clock.count), (0..<24).contains(clock[0]), (0..<60).contains(clock[1]) else {
                return nil
            }
            hour = clock[0]
            minute = clock[1]
            second = clock.count == 3 ? clock[2] : 0
            guard (0..<60).contains(second) else { return nil }
        default: return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: Int(CandleInterval.istOffsetSeconds))!
        let components = DateComponents(year: date[0], month: date[1], day: date[2], hour: hour, minute: minute,
                                        second: second)
        guard let instant = calendar.date(from: components),
              calendar.component(.day, from: instant) == date[2] else { return nil }
        return interval == .oneMinute ? CandleInterval.oneMinute.bucketStart(for: instant) : instant
    }
}
