import Engine
import Foundation
import Testing
import TradingCore

@Suite("Trading desk: signals, one order per lane, stops on every tick")
struct TradingDeskTests {
    static let strategy = StrategyID(UUID(uuidString: "00000000-0000-0000-0000-00000000005a")!)
    static let start = Date(timeIntervalSince1970: 1_750_000_000)

    static func plan(exits: ExitRules = ExitRules(), sizing: PositionSizing = .fixedQuantity(10),
                     watchlist: [Symbol] = ["INFY"]) -> StrategyPlan {
        StrategyPlan(id: strategy, name: "test", recipe: .smaCross(fast: 1, slow: 2), timeframe: .oneDay,
                     watchlist: watchlist, sizing: sizing, exits: exits)
    }

    static func bar(_ close: String, day: Int = 0) -> Candle {
        let price = rupees(close)
        return Candle(time: start.addingTimeInterval(Double(day) * 86_400), open: price, high: price, low: price,
                      close: price, volume: 1)
    }

    static let account = RiskAccount(cash: rupees("100000.00"), equity: rupees("100000.00"),
                                     dayStartEquity: rupees("100000.00"))

    /// Feeds closes to lane 0 and collects the decisions (prices at the close, for brevity).
    static func close(_ desk: inout TradingDesk, _ closes: [String], from day: Int = 0) -> [TradingDesk.Decision] {
        var decisions: [TradingDesk.Decision] = []
        for (offset, close) in closes.enumerated() {
            desk.barClosed(lane: 0, bar: bar(close, day: day + offset), price: rupees(close),
                           time: start.addingTimeInterval(Double(day + offset + 1) * 86_400), account: { account },
                           into: &decisions)
        }
        return decisions
    }

    @Test("a buy signal is sized and risk-checked; while its order works the lane decides nothing new")
    func buyThenWorking() throws {
        var desk = TradingDesk(plans: [Self.plan()], risk: RiskManager(charges: nil))
        #expect(desk.lanes(watching: "INFY") == [0] && desk.lane(strategy: Self.strategy, symbol: "INFY") == 0)
        let decisions = Self.close(&desk, ["100.00", "99.00", "101.00"])
        let buy = try #require(decisions.first)
        #expect(decisions.count == 1)
        #expect(buy.side == .buy && buy.trigger == .signal && buy.quantity == 10 && buy.risk.outcome == .approved)
        #expect(buy.signal?.reason == "SMA(1) crossed above SMA(2)" && buy.barTime == Self.bar("0", day: 2).time)
        #expect(desk.workingOrder(of: 0) == .buy)
        let blocked = Self.close(&desk, ["98.00", "102.00"], from: 3)
        #expect(blocked.map(\.risk.reason) == ["a BUY order for INFY is still working",
                                               "a BUY order for INFY is still working"])
        #expect(blocked.allSatisfy { $0.quantity == 0 })
    }

    @Test("a fill opens the position; the opposite signal sells all of it; an unfilled order frees the lane")
    func fillAndExit() throws {
        var desk = TradingDesk(plans: [Self.plan()], risk: RiskManager(charges: nil))
        _ = Self.close(&desk, ["100.00", "99.00", "101.00"])
        desk.filled(lane: 0, side: .buy, quantity: 10, price: rupees("101.50"), time: Self.start)
        #expect(desk.position(of: 0).quantity == 10 && desk.position(of: 0).entryPrice == rupees("101.50"))
        #expect(desk.workingOrder(of: 0) == nil)
        let again = Self.close(&desk, ["99.00", "102.00"], from: 3)
        #expect(again.map(\.side) == [.sell, .buy])
        #expect(again[0].quantity == 10, "the sell closes the whole position")
        #expect(again[1].risk.reason == "a SELL order for INFY is still working")
        desk.orderEnded(lane: 0)
        #expect(desk.workingOrder(of: 0) == nil && desk.position(of: 0).quantity == 10)
        let held = Self.close(&desk, ["103.00", "104.00", "101.00", "105.00"], from: 5)
        #expect(held.first?.side == .sell && held.first?.quantity == 10)
    }

    @Test("signals that cannot act are denied with the reason: no position to sell, exit on signal off")
    func deniedSignals() {
        var flat = TradingDesk(plans: [Self.plan()], risk: RiskManager(charges: nil))
        let sell = Self.close(&flat, ["100.00", "101.00", "99.00"])
        #expect(sell.map(\.risk.reason) == ["no INFY position to sell"])
        var stopsOnly = TradingDesk(plans: [Self.plan(exits: ExitRules(stopLossPercent: 5, onOppositeSignal: false))],
                                    risk: RiskManager(charges: nil))
        _ = Self.close(&stopsOnly, ["100.00", "99.00", "101.00"])
        stopsOnly.filled(lane: 0, side: .buy, quantity: 10, price: rupees("101.00"), time: Self.start)
        let exit = Self.close(&stopsOnly, ["100.00"], from: 3)
        #expect(exit.map(\.risk.reason) == ["exit on the opposite signal is off; the stops close this position"])
    }

    @Test("stop-loss, take-profit and trailing stop fire on the tick that reaches them")
    func stops() {
        func opened(_ exits: ExitRules) -> TradingDesk {
            var desk = TradingDesk(plans: [Self.plan(exits: exits)], risk: RiskManager(charges: nil))
            _ = Self.close(&desk, ["100.00", "99.00", "101.00"])
            desk.filled(lane: 0, side: .buy, quantity: 10, price: rupees("100.00"), time: Self.start)
            return desk
        }
        func ticks(_ desk: inout TradingDesk, _ prices: [String]) -> [TradingDesk.Decision] {
            var decisions: [TradingDesk.Decision] = []
            for price in prices {
                desk.priceMoved(lane: 0, price: rupees(price), time: Self.start, into: &decisions)
            }
            return decisions
        }
        var stopLoss = opened(ExitRules(stopLossPercent: 5))
        #expect(stopLoss.watchesPrice(0))
        let lost = ticks(&stopLoss, ["96.00", "95.05", "95.00", "94.00"])
        #expect(lost.map(\.trigger) == [.stopLoss] && lost[0].price == rupees("95.00") && lost[0].quantity == 10)
        #expect(!stopLoss.watchesPrice(0), "the exit is working: no second one")

        var target = opened(ExitRules(takeProfitPercent: 10))
        #expect(ticks(&target, ["109.95", "110.00"]).map(\.trigger) == [.takeProfit])

        var trailing = opened(ExitRules(trailingStopPercent: 10))
        // The high climbs to 120; 10% below it is 108.
        let trailed = ticks(&trailing, ["110.00", "120.00", "109.00", "108.00"])
        #expect(trailed.map(\.trigger) == [.trailingStop] && trailed[0].price == rupees("108.00"))

        var none = opened(ExitRules())
        #expect(!none.watchesPrice(0) && ticks(&none, ["1.00"]).isEmpty)
    }

    @Test("the kill switch denies entries; the stops of an open position still sell it")
    func killSwitch() {
        var desk = TradingDesk(plans: [Self.plan(exits: ExitRules(stopLossPercent: 5), watchlist: ["INFY", "TCS"])],
                               risk: RiskManager(charges: nil))
        _ = Self.close(&desk, ["100.00", "99.00", "101.00"])
        desk.filled(lane: 0, side: .buy, quantity: 10, price: rupees("101.00"), time: Self.start)
        desk.risk.trip("tripped by the user")
        var decisions: [TradingDesk.Decision] = []
        for (day, close) in ["50.00", "49.00", "51.00"].enumerated() {
            desk.barClosed(lane: 1, bar: Self.bar(close, day: day), price: rupees(close), time: Self.start,
                           account: { Self.account }, into: &decisions)
        }
        #expect(decisions.map(\.risk.reason) == ["kill switch tripped: tripped by the user"])
        decisions.removeAll()
        desk.priceMoved(lane: 0, price: rupees("95.00"), time: Self.start, into: &decisions)
        #expect(decisions.count == 1 && decisions[0].trigger == .stopLoss && decisions[0].risk.outcome == .approved)
    }

    @Test("ATR sizing waits for the average true range")
    func atrSizing() {
        var desk = TradingDesk(plans: [Self.plan(sizing: .atrRisk(riskPercent: 1, atrMultiple: 2))],
                               risk: RiskManager(charges: nil))
        let early = Self.close(&desk, ["100.00", "99.00", "101.00"])
        #expect(early.first?.risk.outcome == .denied, "no ATR yet after three bars")
    }
}
