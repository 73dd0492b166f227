import Engine
import Foundation
import Testing
import TradingCore

@Suite("Backtester: the desk, the paper broker and the ledger over bars")
struct BacktesterTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000 - 19_800)  // an IST midnight

    /// Daily bars from (open, high, low, close) rupee strings.
    static func bars(_ rows: [(String, String, String, String)]) -> [Candle] {
        rows.enumerated().map { index, row in
            Candle(time: start.addingTimeInterval(Double(index) * 86_400), open: rupees(row.0), high: rupees(row.1),
                   low: rupees(row.2), close: rupees(row.3), volume: 1_000)
        }
    }

    static func flat(_ closes: [String], opens: [String]? = nil) -> [Candle] {
        bars(closes.enumerated().map { index, close in
            let open = opens?[index] ?? close
            let high = max(Double(open)!, Double(close)!), low = min(Double(open)!, Double(close)!)
            return (open, String(format: "%.2f", high), String(format: "%.2f", low), close)
        })
    }

    static func plan(_ exits: ExitRules = ExitRules()) -> StrategyPlan {
        StrategyPlan(id: StrategyID(UUID()), name: "t", recipe: .smaCross(fast: 1, slow: 2), timeframe: .oneDay,
                     watchlist: [], sizing: .percentOfEquity(100), exits: exits)
    }

    @Test("a signal on a bar's close fills at the next bar's open with floor(cash / open) shares")
    func fillsAtNextOpen() throws {
        // Closes 100, 99, 101 (cross up at row 2), 98 (cross down at row 3); opens differ from closes.
        let bars = Self.flat(["100.00", "99.00", "101.00", "98.00", "97.00"],
                             opens: ["100.00", "99.50", "100.50", "102.00", "96.00"])
        let report = Backtester(plan: Self.plan(), settings: BacktestSettings(cash: rupees("10000.00"), charges: nil))
            .run(symbol: "INFY", bars: bars)
        let trade = try #require(report.trades.first)
        #expect(report.trades.count == 1)
        #expect(trade.quantity == 98, "floor(10000 / 102)")
        #expect(trade.entryTime == bars[3].time && trade.entryPrice == rupees("102.00"))
        #expect(trade.exitTime == bars[4].time && trade.exitPrice == rupees("96.00"))
        #expect(trade.pnl == rupees("-588.00"))
        #expect(report.cash == rupees("9412.00") && report.finalValue == rupees("9412.00"))
        #expect(report.openPosition == nil)
        #expect(report.decisions.signals == 2 && report.decisions.approved == 2)
    }

    @Test("a signal on the last bar is ignored, and a position still held is valued at the last close")
    func lastBar() {
        let bars = Self.flat(["100.00", "99.00", "101.00", "103.00", "98.00"])
        let report = Backtester(plan: Self.plan(), settings: BacktestSettings(cash: rupees("10000.00"), charges: nil))
            .run(symbol: "INFY", bars: bars)
        #expect(report.trades.isEmpty)
        #expect(report.openPosition?.quantity == 97 && report.openPosition?.entryPrice == rupees("103.00"))
        let expected: Int64 = 1_000_000 - 10_300 * 97 + 9_800 * 97
        #expect(report.finalValue == Money(paise: expected))
        #expect(report.decisions.signals == 1, "the cross down on the last close has no next bar to act at")
    }

    @Test("with costs every fill pays the Indian delivery charges and cash covers them")
    func costs() throws {
        let bars = Self.flat(["100.00", "99.00", "101.00", "98.00", "97.00"],
                             opens: ["100.00", "99.50", "100.50", "102.00", "96.00"])
        let schedule = ChargeSchedule()
        let report = Backtester(plan: Self.plan(), settings: BacktestSettings(cash: rupees("10000.00")))
            .run(symbol: "INFY", bars: bars)
        let trade = try #require(report.trades.first)
        let buy = try schedule.charges(side: .buy, price: rupees("102.00"), quantity: trade.quantity)
        let sell = try schedule.charges(side: .sell, price: rupees("96.00"), quantity: trade.quantity)
        #expect(trade.quantity < 98, "resized to leave cash for the charges")
        #expect(try rupees("102.00").multiplied(by: trade.quantity) + buy.total <= rupees("10000.00"))
        #expect(trade.charges == buy.total + sell.total)
        #expect(report.charges == buy + sell)
        #expect(report.decisions.resized == 1)
        #expect(report.cash == rupees("10000.00") + trade.pnl)
    }

    @Test("a stop-loss reached inside a bar fills at the stop tick, the bar's low coming first when nearer")
    func stopInsideBar() throws {
        // Bought at 102 (row 3 open); row 3 dips to 95 (5% stop at 96.90) before closing at 101.
        let bars = Self.bars([("100.00", "100.00", "100.00", "100.00"), ("99.00", "99.00", "99.00", "99.00"),
                              ("101.00", "101.00", "101.00", "101.00"), ("102.00", "103.00", "95.00", "101.00"),
                              ("101.00", "101.00", "101.00", "101.00")])
        let report = Backtester(plan: Self.plan(ExitRules(stopLossPercent: 5)),
                                settings: BacktestSettings(cash: rupees("10000.00"), charges: nil))
            .run(symbol: "INFY", bars: bars)
        let trade = try #require(report.trades.first)
        #expect(report.exitTriggers == [.stopLoss])
        #expect(trade.entryPrice == rupees("102.00") && trade.exitPrice == rupees("95.00"))
        #expect(report.decisions.stops == 1)
    }

    @Test("the daily loss limit halts entries for the rest of the test")
    func dailyLossHalts() {
        let bars = Self.flat(["100.00", "99.00", "101.00", "60.00", "59.00", "58.00", "70.00", "80.00"],
                             opens: ["100.00", "99.00", "101.00", "101.00", "59.00", "58.00", "70.00", "80.00"])
        let settings = BacktestSettings(cash: rupees("10000.00"), charges: nil,
                                        limits: RiskLimits(maxDailyLoss: rupees("1000.00")))
        let report = Backtester(plan: Self.plan(), settings: settings).run(symbol: "INFY", bars: bars)
        #expect(report.halted?.contains("the daily loss limit (₹1,000.00) was reached") == true)
        #expect(report.decisions.denied >= 1, "the next cross up is denied by the tripped kill switch")
    }

    @Test("the equity curve starts at the cash and ends at the final value; progress reaches every bar")
    func equityAndProgress() {
        let bars = Self.flat((0..<300).map { String(format: "%.2f", 100 + 10 * sin(Double($0) / 5)) })
        let seen = Counter()
        let report = Backtester(plan: Self.plan(), settings: BacktestSettings(cash: rupees("10000.00"), charges: nil))
            .run(symbol: "INFY", bars: bars) { seen.last = $0 }
        #expect(seen.last == 300)
        #expect(report.equity.first?.equity == rupees("10000.00"))
        #expect(report.equity.last?.equity == report.finalValue)
        #expect(report.equity.count == 301, "the start and the close of each of the 300 days")
        #expect(report.metrics.trades == report.trades.count && report.trades.count > 5)
        #expect(report.metrics.exposurePercent > 0 && report.metrics.exposurePercent < 100)
    }
}

private final class Counter: @unchecked Sendable {
    var last = 0
}
