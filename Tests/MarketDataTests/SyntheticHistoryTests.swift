import Foundation
import MarketData
import Testing
import TradingCore

@Suite("SyntheticHistory")
struct SyntheticHistoryTests {
    /// Wednesday 1 October 2025, 10:00 IST.
    private let now = IST.date(2025, 10, 1, 10, 0)

    @Test(arguments: NiftyCatalogue.all.prefix(10))
    func dailyBarsArePlausible(stock: StockInfo) {
        let bars = SyntheticHistory.dailyCandles(for: stock, seed: 7, endingBefore: now)
        #expect(bars.count == 250)
        #expect(bars.last?.close == stock.referencePrice)
        #expect(bars.last?.time == IST.date(2025, 9, 30))
        #expect(zip(bars, bars.dropFirst()).allSatisfy { $0.time < $1.time })
        for bar in bars {
            #expect(bar.isWellFormed, "\(bar)")
            #expect(bar.time == CandleInterval.oneDay.bucketStart(for: bar.time))
            #expect(bar.time < CandleInterval.oneDay.bucketStart(for: now))
            #expect(!(IST.weekday(bar.time) == 1 || IST.weekday(bar.time) == 7), "weekend bar \(bar.time)")
            #expect(bar.volume > 0)
        }
        // Overnight gaps stay small: nothing like a 10 % jump between one close and the next open.
        for (previous, next) in zip(bars, bars.dropFirst()) {
            let gap = abs(Double(next.open.paise) / Double(previous.close.paise) - 1)
            #expect(gap < 0.1, "gap \(gap) on \(next.time)")
        }
        let meanVolume = Double(bars.map(\.volume).reduce(0, +)) / Double(bars.count)
        let ratio = meanVolume / Double(stock.averageDailyVolume)
        #expect((0.8...1.25).contains(ratio), "mean volume ratio \(ratio)")
    }

    @Test func dailyBarsSkipWeekendsAcrossTheWholeRange() {
        let stock = NiftyCatalogue.all[0]
        let bars = SyntheticHistory.dailyCandles(for: stock, seed: 1, sessions: 10, endingBefore: now)
        // Ten weekdays back from Tuesday 30 Sep 2025 start on Wednesday 17 Sep.
        #expect(bars.map(\.time) == [17, 18, 19, 22, 23, 24, 25, 26, 29, 30].map { IST.date(2025, 9, $0) })
    }

    @Test func aWeekendStartEndsOnFriday() {
        let saturday = IST.date(2025, 10, 4, 12, 0)
        let stock = NiftyCatalogue.all[1]
        let bars = SyntheticHistory.dailyCandles(for: stock, seed: 1, sessions: 3, endingBefore: saturday)
        #expect(bars.map(\.time) == [IST.date(2025, 10, 1), IST.date(2025, 10, 2), IST.date(2025, 10, 3)])
        #expect(bars.last?.close == stock.referencePrice)
    }

    @Test func realisedDailyVolatilityIsClose() throws {
        let stock = try #require(NiftyCatalogue.stock(for: "INFY"))
        let bars = SyntheticHistory.dailyCandles(for: stock, seed: 3, sessions: 2_000, endingBefore: now)
        let returns = zip(bars, bars.dropFirst()).map { log(Double($1.close.paise) / Double($0.close.paise)) }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)
        let annualised = (variance * 252).squareRoot()
        #expect((0.8...1.25).contains(annualised / stock.annualVolatility), "realised \(annualised)")
    }

    @Test func historyIsDeterministicPerSeed() {
        let stock = NiftyCatalogue.all[5]
        let a = SyntheticHistory.dailyCandles(for: stock, seed: 11, endingBefore: now)
        let b = SyntheticHistory.dailyCandles(for: stock, seed: 11, endingBefore: now)
        let c = SyntheticHistory.dailyCandles(for: stock, seed: 12, endingBefore: now)
        #expect(a == b)
        #expect(a != c)
        #expect(SyntheticHistory.intradayCandles(for: stock, seed: 11, endingBefore: now)
            == SyntheticHistory.intradayCandles(for: stock, seed: 11, endingBefore: now))
        #expect(SyntheticHistory.intradayCandles(for: stock, seed: 11, endingBefore: now)
            != SyntheticHistory.intradayCandles(for: stock, seed: 12, endingBefore: now))
    }

    @Test func zeroSessionsGiveNoBars() {
        let stock = NiftyCatalogue.all[0]
        #expect(SyntheticHistory.dailyCandles(for: stock, seed: 1, sessions: 0, endingBefore: now).isEmpty)
        #expect(SyntheticHistory.intradayCandles(for: stock, seed: 1, sessions: 0, endingBefore: now).isEmpty)
    }

    @Test(arguments: NiftyCatalogue.all.suffix(8))
    func intradayHas375MinuteBarsPerSessionFrom0915(stock: StockInfo) throws {
        let bars = SyntheticHistory.intradayCandles(for: stock, seed: 21, endingBefore: now)
        #expect(bars.count == 2 * 375)
        #expect(bars.last?.close == stock.referencePrice)
        #expect(zip(bars, bars.dropFirst()).allSatisfy { $0.time < $1.time })
        let sessions = Dictionary(grouping: bars) { CandleInterval.oneDay.bucketStart(for: $0.time) }
        #expect(sessions.keys.sorted() == [IST.date(2025, 9, 29), IST.date(2025, 9, 30)])
        for (day, minutes) in sessions {
            #expect(minutes.count == 375)
            #expect(minutes.first?.time == day.addingTimeInterval(9 * 3_600 + 15 * 60))
            #expect(minutes.last?.time == day.addingTimeInterval(15 * 3_600 + 29 * 60))
            for (index, bar) in minutes.enumerated() {
                #expect(IST.secondsIntoDay(bar.time) == 33_300 + index * 60)
            }
            // Each minute opens where the previous one closed.
            #expect(zip(minutes, minutes.dropFirst()).allSatisfy { $0.close == $1.open })
        }
        #expect(bars.allSatisfy { $0.isWellFormed })
    }

    @Test func intradaySessionsAgreeWithTheDailyBars() throws {
        let stock = try #require(NiftyCatalogue.stock(for: "SBIN"))
        let daily = SyntheticHistory.dailyCandles(for: stock, seed: 5, endingBefore: now)
        let minutes = SyntheticHistory.intradayCandles(for: stock, seed: 5, sessions: 3, endingBefore: now)
        let sessions = Dictionary(grouping: minutes) { CandleInterval.oneDay.bucketStart(for: $0.time) }
        #expect(sessions.count == 3)
        for bar in daily.suffix(3) {
            let session = try #require(sessions[bar.time])
            #expect(session.first?.open == bar.open)
            #expect(session.last?.close == bar.close)
            #expect(session.map(\.volume).reduce(0, +) == bar.volume)
        }
    }
}
