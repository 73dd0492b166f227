import Foundation
import MarketData
import TradingCore

/// Builds instants from Indian Standard Time wall-clock fields, the way NSE timetables are written.
enum IST {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 19_800)!
        return calendar
    }()

    static func date(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0,
                     _ second: Int = 0) -> Date {
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return calendar.date(from: components)!
    }

    /// Seconds since IST midnight of the instant's IST day.
    static func secondsIntoDay(_ time: Date) -> Int {
        let components = calendar.dateComponents([.hour, .minute, .second], from: time)
        return components.hour! * 3_600 + components.minute! * 60 + components.second!
    }

    /// 1 = Sunday … 7 = Saturday, in IST.
    static func weekday(_ time: Date) -> Int {
        calendar.component(.weekday, from: time)
    }
}

/// The real wall clock, for tests that exercise the live feed in real time.
struct WallClock: TimeSource {
    func now() -> Date { Date() }
}

/// Catalogue entries by symbol, for terse fixtures.
func catalogued(_ symbols: Symbol...) -> [StockInfo] {
    symbols.map { NiftyCatalogue.stock(for: $0)! }
}

extension Candle {
    /// Whether the bar's extremes bracket its open and close and its prices are positive and on the ₹0.05 grid.
    var isWellFormed: Bool {
        let prices = [open, high, low, close]
        return high >= max(open, close) && low <= min(open, close) && low > .zero
            && prices.allSatisfy(\.isOnTickGrid) && volume >= 0
    }
}

/// An exact rupee amount from a literal (`Money(rupees:)` is ambiguous for integer literals: Double or Decimal).
func rs(_ rupees: Double) -> Money {
    Money(rupees: rupees)!
}
