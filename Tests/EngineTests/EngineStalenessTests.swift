import Engine
import Foundation
import Testing
import TradingCore

@Suite("Engine: stale ticks")
struct EngineStalenessTests {
    @Test("a stale tick fires nothing and fills nothing; the next fresh tick fires a range crossed meanwhile")
    func staleTickIsIgnoredButTheNextFreshTickCatchesUp() async throws {
        let h = EngineHarness(staleAfter: 5)
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        #expect(h.tick("INFY", "1490.00").isEmpty)
        let order = try makeOrder(1, "INFY")
        try await h.submit(order)

        #expect(h.tick("INFY", "1510.00", age: 6).isEmpty, "a quote 6 s old is stale")
        #expect(h.broker.pendingCount == 1, "a stale tick fills no order")
        #expect(h.engine.ruleCount == 1)
        try await h.waitForCommits()
        #expect(h.firings.attempts.isEmpty)
        #expect(h.executions.attempts.count == 1, "only the barrier order executed")
        #expect(!h.executions.attempts.contains { $0.orderID == order.id })
        #expect(h.sink.events.isEmpty)

        // The book still stands at 1490, so 1490 → 1530 jumped through the range.
        let fresh = h.tick("INFY", "1530.00")
        #expect(fresh.map(\.ruleID) == [rule.id])
        #expect(fresh.first?.price == rupees("1530.00"))
        #expect(h.broker.pendingCount == 0)
        try #require(await eventually { h.sink.events.count == 3 })
        let updated = try #require(h.executions.order(order.id))
        #expect(updated.status == .executed)
        #expect(updated.fillPrice == rupees("1530.00"))
        #expect(h.sink.events.last == .orderUpdated(updated))
        #expect(h.metrics.counts.staleTicks == 1)
        await h.stop()
    }

    @Test("a tick exactly staleAfter old is still fresh; a moment older is stale")
    func staleBoundary() async throws {
        let h = EngineHarness(staleAfter: 5)
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00"))
        h.add(try makeRule(2, "TCS", "3900.00", "4000.00"))
        #expect(h.tick("INFY", "1510.00", age: 5).count == 1)
        #expect(h.tick("TCS", "3950.00", age: 5.001).isEmpty)
        #expect(h.metrics.counts.freshTicks == 1)
        #expect(h.metrics.counts.staleTicks == 1)
        await h.stop()
    }

    @Test("a tick stamped after the clock (clock skew) is not stale")
    func futureTickIsFresh() async throws {
        let h = EngineHarness(staleAfter: 5)
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00"))
        #expect(h.tick("INFY", "1510.00", age: -30).count == 1)
        await h.stop()
    }

    @Test("a stale tick does not fire a newly added rule; a fresh tick does")
    func staleTickLeavesPendingRulePending() async throws {
        let h = EngineHarness(staleAfter: 5)
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00"))
        #expect(h.tick("INFY", "1510.00", age: 60).isEmpty)
        #expect(h.engine.ruleCount == 1)
        #expect(h.tick("INFY", "1510.00").count == 1)
        await h.stop()
        #expect(h.firings.recorded.count == 1)
    }

    @Test("a stale tick outside the range does not count as the rearm rule leaving it")
    func staleTickDoesNotMoveTheBook() async throws {
        let h = EngineHarness(staleAfter: 5)
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm))
        #expect(h.tick("INFY", "1510.00").map(\.nextState) == [.inside])
        #expect(h.tick("INFY", "1600.00", age: 10).isEmpty)
        #expect(h.tick("INFY", "1511.00").isEmpty, "the price never left as far as fresh quotes show")
        #expect(h.tick("INFY", "1600.00").isEmpty)
        #expect(h.tick("INFY", "1511.00").count == 1)
        await h.stop()
    }

    @Test("stale ticks still reach the tick observers and count as received for readiness")
    func staleTickIsObservedAndRecorded() async throws {
        let h = EngineHarness(staleAfter: 5)
        #expect(h.engine.lastTickTime == nil)
        h.clock.advance(by: 120)
        let stale = h.makeTick("INFY", "1510.00", age: 30)
        #expect(h.engine.process(stale).isEmpty)
        #expect(h.tape.seen == [stale])
        #expect(h.engine.lastTickTime == h.clock.now(), "lastTickTime is when the engine received it")
        await h.stop()
    }
}
