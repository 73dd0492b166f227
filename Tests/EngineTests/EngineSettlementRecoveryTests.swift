import Engine
import Foundation
import Testing
import TradingCore

/// A fill whose settlement fails past the engine's in-line retries must settle once the recorder recovers, without
/// a restart, exactly once, at the price and time of the original fill.
@Suite("Engine: settlement recovery")
struct EngineSettlementRecoveryTests {
    @Test("a settlement failing more than the in-line retries settles once the recorder recovers, at the fill's price")
    func settlesAfterRecovery() async throws {
        let h = EngineHarness()
        let order = try makeOrder(1, "INFY", .buy, quantity: 10)
        try await h.submit(order)
        h.executions.failNext(7) // 3 in-line attempts, then 4 background ones fail before the "database" is back
        let fill = h.makeTick("INFY", "1510.00")
        h.engine.process(fill)
        #expect(h.broker.pendingCount == 0)
        // Later ticks at other prices: the order is not filled again, its original execution is what settles.
        h.clock.advance(by: 1)
        h.tick("INFY", "1525.00")
        h.tick("INFY", "1490.00")

        try #require(await eventually { h.sink.events.count == 1 }, "the order never settled without a restart")
        let expected = Execution(orderID: order.id, price: rupees("1510.00"), time: fill.time)
        #expect(h.executions.settled == [expected])
        #expect(h.executions.attempts.count == 8)
        #expect(Set(h.executions.attempts) == [expected], "every attempt is the same execution")
        let stored = try #require(h.executions.order(order.id))
        #expect(stored.status == .executed)
        #expect(stored.fillPrice == rupees("1510.00"))
        #expect(h.sink.events == [.orderUpdated(stored)])
        #expect(h.metrics.counts.ordersSettled == [.executed])
        #expect(h.metrics.counts.commitFailures == 1, "counted once, when the in-line retries gave up")
        #expect(h.engine.unsettledCount == 0)
        #expect(h.broker.pendingCount == 0)

        await h.stop()
        #expect(h.executions.settled == [expected], "shutdown settles nothing a second time")
        #expect(h.sink.events.count == 1)
    }

    @Test("a background retry of an order no longer pending settles and publishes nothing")
    func retryOfSettledOrderChangesNothing() async throws {
        let h = EngineHarness()
        let order = try makeOrder(1, "INFY")
        try await h.submit(order)
        h.executions.failNext(3)
        h.tick("INFY", "1510.00")
        try #require(await eventually { h.sink.events.count == 1 })
        // The order is EXECUTED now; another execution of it (as a retry after a lost commit reply would be) must
        // change nothing, and must not stay parked.
        h.executions.failNext(3)
        try await h.broker.submit(order)
        h.tick("INFY", "1400.00")
        try #require(await eventually { h.executions.attempts.count == 8 && h.engine.unsettledCount == 0 })
        #expect(h.executions.settled.map(\.price) == [rupees("1510.00")])
        #expect(h.sink.events.count == 1)
        #expect(h.metrics.counts.ordersSettled == [.executed])
        await h.stop()
    }

    @Test("shutdown gives a parked settlement one last attempt", .timeLimit(.minutes(1)))
    func shutdownMakesLastAttempt() async throws {
        // Background retries far in the future: only the shutdown attempt can settle it.
        let h = EngineHarness(settlementBackoff: SettlementBackoff(initial: .seconds(3600), maximum: .seconds(3600)))
        let order = try makeOrder(1, "INFY")
        try await h.submit(order)
        h.executions.failNext(3)
        h.tick("INFY", "1510.00")
        try #require(await eventually { h.engine.unsettledCount == 1 })
        #expect(h.sink.events.isEmpty)
        await h.stop()
        #expect(h.executions.settled.map(\.orderID) == [order.id])
        #expect(h.executions.order(order.id)?.status == .executed)
        #expect(h.sink.events.count == 1)
        #expect(h.engine.unsettledCount == 0)
    }

    @Test("shutdown while the recorder still fails returns and leaves the order pending", .timeLimit(.minutes(1)))
    func shutdownDuringOutageReturns() async throws {
        let h = EngineHarness()
        let order = try makeOrder(1, "INFY")
        try await h.submit(order)
        h.executions.failNext(.max)
        h.tick("INFY", "1510.00")
        try #require(await eventually { h.executions.attempts.count > 5 }, "background retries keep going")
        await h.stop()
        let attempts = h.executions.attempts.count
        #expect(h.executions.settled.isEmpty)
        #expect(h.executions.order(order.id)?.status == .pending, "the next start hands it back to the broker")
        #expect(h.sink.events.isEmpty)
        #expect(h.engine.unsettledCount == 0, "no retrier outlives run()")
        #expect(attempts > 5)
    }
}
