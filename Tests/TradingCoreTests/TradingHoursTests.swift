import Foundation
import Testing
import TradingCore

@Suite("Trading hours")
struct TradingHoursTests {
    /// 2025-01-06 00:00 IST, a Monday.
    static let mondayMidnightIST = Date(timeIntervalSince1970: 1_736_101_800)

    static func ist(dayOffset: Int, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Date {
        mondayMidnightIST.addingTimeInterval(TimeInterval(dayOffset * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    @Test("NSE is open from 09:15:00 up to, not including, 15:30:00 IST")
    func sessionEdges() {
        #expect(!TradingHours.nse.isOpen(at: Self.ist(dayOffset: 0, 9, 14, 59)))
        #expect(TradingHours.nse.isOpen(at: Self.ist(dayOffset: 0, 9, 15)))
        #expect(TradingHours.nse.isOpen(at: Self.ist(dayOffset: 0, 12, 0)))
        #expect(TradingHours.nse.isOpen(at: Self.ist(dayOffset: 0, 15, 29, 59)))
        #expect(!TradingHours.nse.isOpen(at: Self.ist(dayOffset: 0, 15, 30)))
        #expect(!TradingHours.nse.isOpen(at: Self.ist(dayOffset: 0, 23, 0)))
    }

    @Test("NSE is closed on Saturday and Sunday and open Monday to Friday", arguments: 0..<7)
    func weekdays(dayOffset: Int) {
        let open = TradingHours.nse.isOpen(at: Self.ist(dayOffset: dayOffset, 11, 0))
        // Offsets 0–4 are Monday–Friday, 5 and 6 the weekend.
        #expect(open == (dayOffset < 5), "day +\(dayOffset)")
    }

    @Test("the session is judged in IST whatever the UTC date: 04:00 UTC is 09:30 IST")
    func utcDateDiffers() {
        // Monday 2025-01-06 04:00 UTC.
        #expect(TradingHours.nse.isOpen(at: Date(timeIntervalSince1970: 1_736_136_000)))
        // Sunday 2025-01-05 22:00 UTC is Monday 03:30 IST: closed.
        #expect(!TradingHours.nse.isOpen(at: Date(timeIntervalSince1970: 1_736_114_400)))
    }

    @Test("always is open at every instant, including before 1970")
    func always() {
        for time in [Date(timeIntervalSince1970: -1), Self.ist(dayOffset: 5, 3, 0), Self.ist(dayOffset: 0, 16, 0)] {
            #expect(TradingHours.always.isOpen(at: time))
        }
        #expect(!TradingHours.nse.isOpen(at: Date(timeIntervalSince1970: -1)), "1969-12-31 is a Wednesday at 05:29 IST")
    }
}
