import Foundation
import Testing
@testable import TradingCore

@Suite("Performance figures on hand-checked examples")
struct PerformanceMetricsTests {
    static func day(_ number: Int) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + Double(number) * 86_400) }

    static func curve(_ rupeeValues: [Int]) -> [EquityPoint] {
        rupeeValues.enumerated().map { EquityPoint(time: day($0.offset), equity: Money(paise: Int64($0.element) * 100)) }
    }

    static func trade(_ pnl: String, charges: String = "0.00") -> ClosedTrade {
        // Bought 1 share at ₹1,000; sold at 1,000 + pnl + charges, so the net P&L is `pnl`.
        let exit = rupees("1000.00") + rupees(pnl) + rupees(charges)
        return ClosedTrade(symbol: "INFY", quantity: 1, entryTime: day(0), entryPrice: rupees("1000.00"),
                           exitTime: day(1), exitPrice: exit, charges: rupees(charges))
    }

    @Test("trade figures: win rate, averages, profit factor, expectancy")
    func tradeFigures() {
        let trades = [Self.trade("10.00"), Self.trade("-5.00", charges: "1.00"), Self.trade("20.00"),
                      Self.trade("-5.00")]
        let metrics = PerformanceMetrics(daily: Self.curve([1000, 1020]), trades: trades)
        #expect(metrics.trades == 4 && metrics.wins == 2 && metrics.losses == 2)
        #expect(metrics.winRatePercent == 50)
        #expect(metrics.averageWin == rupees("15.00") && metrics.averageLoss == rupees("-5.00"))
        #expect(metrics.profitFactor == 3)
        #expect(metrics.expectancy == rupees("5.00") && metrics.realisedPnL == rupees("20.00"))
        #expect(trades[1].grossPnL == rupees("-4.00") && trades[1].pnl == rupees("-5.00"))
        #expect(metrics.totalReturnPercent == 2)
    }

    @Test("no losing trade leaves the profit factor undefined; no trade leaves the trade figures undefined")
    func undefined() {
        let winners = PerformanceMetrics(daily: Self.curve([1000, 1010]), trades: [Self.trade("10.00")])
        #expect(winners.profitFactor == nil && winners.averageLoss == nil && winners.winRatePercent == 100)
        let none = PerformanceMetrics(daily: Self.curve([1000]), trades: [])
        #expect(none.winRatePercent == nil && none.expectancy == nil && none.sharpe == nil && none.sortino == nil)
    }

    @Test("the deepest drawdown in money, with its peak, trough and recovery dates")
    func drawdown() {
        // 1100 → 900 (−200, 18.18%) recovered at 1200 on day 3; 1200 → 1080 (−120) is shallower.
        let metrics = PerformanceMetrics(daily: Self.curve([1000, 1100, 900, 1200, 1080, 1260]), trades: [])
        #expect(metrics.maxDrawdown == rupees("200.00"))
        #expect(abs(metrics.maxDrawdownPercent - 200.0 / 1100 * 100) < 1e-12)
        #expect(metrics.drawdownPeakTime == Self.day(1) && metrics.drawdownTroughTime == Self.day(2))
        #expect(metrics.drawdownRecoveryTime == Self.day(3))
        let unrecovered = PerformanceMetrics(daily: Self.curve([1000, 1100, 900, 1000]), trades: [])
        #expect(unrecovered.drawdownRecoveryTime == nil)
        let rising = PerformanceMetrics(daily: Self.curve([1000, 1001, 1002]), trades: [])
        #expect(rising.maxDrawdown == .zero && rising.drawdownPeakTime == nil)
    }

    @Test("Sharpe and Sortino on daily returns, annualised over 252 days, with and without a risk-free rate")
    func ratios() throws {
        // Reference values from Python's statistics module over the same five returns.
        let daily = Self.curve([1000, 1100, 900, 1200, 1080, 1260])
        let plain = PerformanceMetrics(daily: daily, trades: [])
        #expect(abs(try #require(plain.sharpe) - 4.875868485299246) < 1e-9)
        #expect(abs(try #require(plain.sortino) - 10.885902768199568) < 1e-9)
        let withRate = PerformanceMetrics(daily: daily, trades: [], riskFreeRatePercent: 6.5)
        #expect(abs(try #require(withRate.sharpe) - 4.856105186166655) < 1e-9)
        #expect(abs(try #require(withRate.sortino) - 10.82350529525707) < 1e-9)
        #expect(withRate.riskFreeRatePercent == 6.5)
        let flat = PerformanceMetrics(daily: Self.curve([1000, 1000, 1000]), trades: [])
        #expect(flat.sharpe == nil && flat.sortino == nil, "no variation, no ratio")
    }
}
