import Brokers
import Engine
import Foundation
import Synchronization
import Testing
import TradingCore

/// The live engine and the backtester make the same trades over the same bars: a scripted replay of history (the
/// real NSE file when `../shared/data` is present, else a seeded synthetic series) goes tick by tick through
/// `AutomationEngine.process` with a user's auto-trader running, into the real `PaperBroker`; the backtester runs the
/// same plan over the same bars. Both must buy and sell the same quantities at the same prices on the same days.
@Suite("Auto-trader: the live engine trades as the backtester does")
struct AutoTraderParityTests {
    static let owner = UserID(UUID(uuidString: "00000000-0000-0000-0000-0000000000a1")!)

    /// RELIANCE's daily history from ../shared/data, or nil when the folder is absent.
    static func realBars() -> [Candle]? {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../shared/data/nse-daily/RELIANCE.csv").standardizedFileURL
        guard let data = FileManager.default.contents(atPath: file.path),
              let parsed = try? CandleCSV.parse(String(decoding: data, as: UTF8.self)) else { return nil }
        return parsed.candles
    }

    /// 600 daily bars of a seeded walk on the ₹0.05 grid, each starting at IST midnight.
    static func syntheticBars() -> [Candle] {
        var state: UInt64 = 0x5EED
        func next(_ range: ClosedRange<Int64>) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + Int64((state >> 33) % UInt64(range.upperBound - range.lowerBound + 1))
        }
        var price: Int64 = 150_000
        let start = Date(timeIntervalSince1970: TimeInterval(1_600_041_600 - 19_800))  // an IST midnight
        return (0..<600).map { day in
            let open = max(10_000, price + next(-200...200) * 5)
            let close = max(10_000, open + next(-600...600) * 5)
            let high = max(open, close) + next(0...300) * 5
            let low = min(open, close) - next(0...300) * 5
            price = close
            return Candle(time: start.addingTimeInterval(Double(day) * 86_400), open: Money(paise: open),
                          high: Money(paise: high), low: Money(paise: low), close: Money(paise: close), volume: 1_000)
        }
    }

    /// Each bar as the ticks a live feed gives, in the backtester's order: open, the nearer of low and high, the
    /// other, close; stamped from 09:15 IST on the bar's day.
    static func ticks(_ bars: [Candle]) -> [Tick] {
        bars.flatMap { bar -> [Tick] in
            let lowFirst = bar.open.paise - bar.low.paise <= bar.high.paise - bar.open.paise
            let prices = [bar.open, lowFirst ? bar.low : bar.high, lowFirst ? bar.high : bar.low, bar.close]
            return prices.enumerated().map { index, price in
                Tick(symbol: "RELIANCE", price: price, volume: 10,
                     time: bar.time.addingTimeInterval(33_300 + Double(index) * 3_600))
            }
        }
    }

    /// Stores each decision as the database would, registering its order so its fill settles.
    final class Recorder: SignalRecorder {
        let executions: FakeExecutionRecorder
        let stored = Mutex<[SignalRecord]>([])
        init(executions: FakeExecutionRecorder) { self.executions = executions }

        func record(_ signal: SignalRecord, order: Order?) async throws -> SignalRecord? {
            if let order { executions.register(order) }
            stored.withLock { $0.append(signal) }
            return signal
        }
    }

    struct Trade: Equatable, CustomStringConvertible {
        let quantity: Int64
        let entryDay: Int64
        let entryPrice: Money
        let exitDay: Int64
        let exitPrice: Money
        var description: String { "\(quantity)@\(entryPrice)[\(entryDay)]→\(exitPrice)[\(exitDay)]" }
    }

    static func day(_ time: Date) -> Int64 {
        (Int64(time.timeIntervalSince1970) + CandleInterval.istOffsetSeconds) / 86_400
    }

    static func plan() -> StrategyPlan {
        StrategyPlan(id: StrategyID(UUID(uuidString: "00000000-0000-0000-0000-0000000000b2")!), name: "parity",
                     recipe: .smaCross(fast: 10, slow: 30), timeframe: .oneDay, watchlist: ["RELIANCE"],
                     sizing: .fixedQuantity(100),
                     exits: ExitRules(stopLossPercent: 8, trailingStopPercent: 12, onOppositeSignal: true))
    }

    @Test("over a seeded synthetic series, the live engine makes exactly the backtester's trades")
    func synthetic() async throws {
        try await compare(Self.syntheticBars())
    }

    @Test("over RELIANCE's real daily history, the live engine makes exactly the backtester's trades",
          .enabled(if: realBars() != nil, "../shared/data is absent: the real-history replay is skipped"))
    func realHistory() async throws {
        try await compare(try #require(Self.realBars()))
    }

    func compare(_ bars: [Candle]) async throws {
        let cash = Money(paise: 1_000_000_000_00)

        let backtest = Backtester(plan: Self.plan(), settings: BacktestSettings(cash: cash, charges: nil))
            .run(symbol: "RELIANCE", bars: bars)
        let expected = backtest.trades.map {
            Trade(quantity: $0.quantity, entryDay: Self.day($0.entryTime), entryPrice: $0.entryPrice,
                  exitDay: Self.day($0.exitTime), exitPrice: $0.exitPrice)
        }

        let executions = FakeExecutionRecorder()
        let recorder = Recorder(executions: executions)
        let clock = SettableClock(bars[0].time)
        let feed = ScriptedFeed()
        let autoTrader = AutoTrader(charges: nil)
        let engine = AutomationEngine(feed: feed, broker: PaperBroker(), firings: FakeFiringRecorder(journal: Journal()),
                                      executions: executions, events: RecordingEventSink(journal: Journal()),
                                      clock: clock, staleAfter: 5, autoTrader: autoTrader, autoTrades: recorder)
        let running = Task { await engine.run() }
        autoTrader.activate(owner: Self.owner, plans: [Self.plan()], risk: RiskManager(charges: nil),
                            account: RiskAccount(cash: cash, equity: cash, dayStartEquity: cash), lanes: [:]) { _, _ in
            ([], nil)
        }
        for tick in Self.ticks(bars) {
            clock.set(tick.time)
            engine.process(tick)
        }
        feed.finish()
        await running.value

        let fills = recorder.stored.withLock { $0 }.compactMap { signal -> (SignalRecord, Order)? in
            guard let id = signal.orderID, let order = executions.order(id), order.status == .executed else { return nil }
            return (signal, order)
        }
        var live: [Trade] = []
        var open: Order?
        for (_, order) in fills {
            if order.side == .buy {
                open = order
            } else if let entry = open, let entryPrice = entry.fillPrice, let entryTime = entry.executedAt,
                      let exitPrice = order.fillPrice, let exitTime = order.executedAt {
                live.append(Trade(quantity: order.quantity, entryDay: Self.day(entryTime), entryPrice: entryPrice,
                                  exitDay: Self.day(exitTime), exitPrice: exitPrice))
                open = nil
            }
        }
        #expect(expected.count >= 5, "the history crosses often enough to compare something")
        #expect(live == expected)
        let stops = recorder.stored.withLock { $0 }.filter { $0.trigger != .signal }.count
        #expect(stops == backtest.decisions.stops, "the same stops fired")
        #expect(backtest.exitTriggers.contains { $0 != .signal }, "the stops are exercised, not only the signals")
        let decisions = recorder.stored.withLock { $0 }
        #expect(Set(decisions.compactMap(\.orderID)).count == decisions.compactMap(\.orderID).count)
    }
}
