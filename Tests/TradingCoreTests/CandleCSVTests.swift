import Foundation
import Testing
import TradingCore

@Suite("Candle CSV")
struct CandleCSVTests {
    @Test("daily rows become bars at IST midnight, paise exact; intraday rows become one-minute bars")
    func layouts() throws {
        let daily = try CandleCSV.parse("date,open,high,low,close,volume\n2020-10-01,1020.6,1026.5,1011.75,1017.65,5563432\n")
        #expect(daily.interval == .oneDay)
        #expect(daily.candles == [Candle(time: Date(timeIntervalSince1970: 1_601_490_600), open: Money(paise: 1_020_60),
                                         high: Money(paise: 1_026_50), low: Money(paise: 1_011_75),
                                         close: Money(paise: 1_017_65), volume: 5_563_432)])
        let intraday = try CandleCSV.parse("datetime,open,high,low,close,volume\n2021-07-28 09:15:00,2057.95,2057.95,2048.05,2051.05,130383\n"
                                           + "2021-07-28 09:16,2051,2052,2050,2051.5,1000.0\n\n")
        #expect(intraday.interval == .oneMinute)
        #expect(intraday.candles.map(\.time) == [Date(timeIntervalSince1970: 1_627_443_900),
                                                 Date(timeIntervalSince1970: 1_627_443_960)])
    }

    @Test("the first bad line is named with what is wrong", arguments: [
        ("", 1, "empty"),
        ("symbol,open,high,low,close,volume\n", 1, "header"),
        ("date,open,high,low,close,volume\n", 2, "no rows"),
        ("date,open,high,low,close,volume\n2020-10-01,1,2,0.5,1.5\n", 2, "6 fields"),
        ("date,open,high,low,close,volume\n2020-13-01,1,2,0.5,1.5,1\n", 2, "not a date"),
        ("date,open,high,low,close,volume\n2020-02-30,1,2,0.5,1.5,1\n", 2, "not a date"),
        ("date,open,high,low,close,volume\n2020-10-01,1,2,0.5,1.5,1\n2020-10-02,1,2,0.5,-1,1\n", 3, "close '-1'"),
        ("date,open,high,low,close,volume\n2020-10-01,1.001,2,0.5,1.5,1\n", 2, "two decimals"),
        ("date,open,high,low,close,volume\n2020-10-01,1,2,0.5,1.5,many\n", 2, "volume"),
        ("date,open,high,low,close,volume\n2020-10-01,1,1.2,0.5,1.5,1\n", 2, "high must be"),
        ("date,open,high,low,close,volume\n2020-10-02,1,2,0.5,1.5,1\n2020-10-01,1,2,0.5,1.5,1\n", 3, "time order"),
        ("datetime,open,high,low,close,volume\n2021-07-28,1,2,0.5,1.5,1\n", 2, "not a time"),
    ] as [(String, Int, String)])
    func refusals(text: String, line: Int, reason: String) {
        do {
            _ = try CandleCSV.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.reason.contains(reason), "\(error)")
        }
    }
}
