import Engine
import Foundation
import Testing
import TradingCore

@Suite("Engine: trading hours")
struct EngineTradingHoursTests {
    @Test("outside NSE's session a fresh tick fires no rule and fills no order; inside it, the same price does")
    func closedMarketActsOnNothing() async throws {
        let h = EngineHarness(tradingHours: .nse)
        // 15:30 IST on Monday: the continuous session has just ended.
        h.clock.set(marketOpen.addingTimeInterval(6 * 3_600 + 15 * 60))
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        let order = try makeOrder(1, "INFY")
        try await h.submit(order)

        #expect(h.tick("INFY", "1510.00").isEmpty)
        #expect(h.broker.pendingCount == 1, "no fill after the close")
        #expect(h.tape.seen.count == 1, "the dashboard still sees the price")
        #expect(h.metrics.counts.outsideSessionTicks == 1)

        // Next morning, 09:15 IST Tuesday: the same price fires the rule and fills the order.
        h.clock.set(marketOpen.addingTimeInterval(86_400))
        #expect(h.tick("INFY", "1510.00").map(\.ruleID) == [rule.id])
        #expect(h.broker.pendingCount == 0)
        #expect(h.metrics.counts.outsideSessionTicks == 1)
        await h.stop()
        #expect(h.firings.recorded.count == 1)
    }

    @Test("the simulator's hours are always open, at night and at the weekend")
    func alwaysOpen() async throws {
        let h = EngineHarness(tradingHours: .always)
        // Sunday 03:00 IST.
        h.clock.set(marketOpen.addingTimeInterval(-(6 * 3_600 + 15 * 60) - 86_400))
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00"))
        #expect(h.tick("INFY", "1510.00").count == 1)
        #expect(h.metrics.counts.outsideSessionTicks == 0)
        await h.stop()
    }
}
