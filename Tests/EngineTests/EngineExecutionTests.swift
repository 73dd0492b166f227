import Engine
import Foundation
import Testing
import TradingCore

@Suite("Engine: broker executions")
struct EngineExecutionTests {
    @Test("an execution is settled through the ExecutionRecorder and orderUpdated is published")
    func executionIsSettledAndPublished() async throws {
        let h = EngineHarness()
        let order = try makeOrder(1, "INFY", .buy, limit: "1500.00", quantity: 10)
        try await h.submit(order)
        #expect(h.tick("INFY", "1510.00").isEmpty)
        #expect(h.broker.pendingCount == 1, "above a BUY limit nothing fills")
        h.clock.advance(by: 3)
        let fill = h.makeTick("INFY", "1499.95")
        h.engine.process(fill)
        #expect(h.broker.pendingCount == 0)

        try #require(await eventually { h.sink.events.count == 1 })
        #expect(h.executions.settled == [Execution(orderID: order.id, price: rupees("1499.95"), time: fill.time)])
        guard case .orderUpdated(let published) = try #require(h.sink.events.first) else {
            Issue.record("expected orderUpdated, got \(h.sink.events)")
            return
        }
        #expect(published.id == order.id)
        #expect(published.status == .executed)
        #expect(published.fillPrice == rupees("1499.95"))
        #expect(published.executedAt == fill.time)
        #expect(published == h.executions.order(order.id))
        #expect(h.metrics.counts.ordersSettled == [.executed])
        await h.stop()
    }

    @Test("an execution the recorder no longer applies (order not pending) publishes nothing")
    func unknownOrderExecutionPublishesNothing() async throws {
        let h = EngineHarness()
        let order = try makeOrder(1, "INFY")
        try await h.broker.submit(order) // not in the "database": cancelled meanwhile
        h.tick("INFY", "1510.00")
        await h.stop()
        #expect(h.executions.attempts.map(\.orderID) == [order.id])
        #expect(h.sink.events.isEmpty)
        #expect(h.metrics.counts.ordersSettled.isEmpty)
    }

    @Test("a firing and an execution on the same tick publish in that order")
    func firingAndExecutionOnSameTick() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        let order = try makeOrder(1, "INFY", .sell, limit: "1505.00")
        try await h.submit(order)
        h.tick("INFY", "1510.00")
        await h.stop()
        #expect(h.journal.entries.filter { !$0.hasPrefix("record") } == [
            "ruleFired \(rule.id)", "cartAdded \(rule.id)", "orderUpdated \(order.id)",
        ])
    }

    @Test("a settlement that fails its in-line retries does not hold up later executions")
    func failingSettlementDoesNotStopTheEngine() async throws {
        let h = EngineHarness(settlementBackoff: SettlementBackoff(initial: .seconds(3600), maximum: .seconds(3600)))
        let first = try makeOrder(1, "INFY")
        let second = try makeOrder(2, "INFY")
        try await h.submit(first)
        h.executions.failNext(3)
        h.tick("INFY", "1510.00")
        try #require(await eventually { h.metrics.counts.commitFailures == 1 })
        #expect(h.sink.events.isEmpty)
        #expect(h.executions.attempts.count == 3)
        #expect(h.engine.unsettledCount == 1, "parked for a background retry")

        try await h.submit(second)
        h.tick("INFY", "1511.00")
        try #require(await eventually { h.sink.events.count == 1 })
        let settled = try #require(h.executions.order(second.id))
        #expect(settled.status == .executed)
        #expect(h.sink.events == [.orderUpdated(settled)])
        #expect(h.engine.unsettledCount == 1, "the parked order waits for its own retry")
        await h.stop()
    }

    @Test("orders on several symbols fill on their own symbol's ticks and each is published")
    func ordersOnSeveralSymbols() async throws {
        let h = EngineHarness()
        let infy = try makeOrder(1, "INFY")
        let tcs = try makeOrder(2, "TCS", .sell)
        try await h.submit(infy)
        try await h.submit(tcs)
        h.tick("TCS", "3950.00")
        #expect(h.broker.pendingCount == 1)
        h.tick("INFY", "1510.00")
        await h.stop()
        #expect(h.executions.settled.map(\.orderID) == [tcs.id, infy.id])
        #expect(h.executions.settled.map(\.price) == [rupees("3950.00"), rupees("1510.00")])
        #expect(h.sink.events.count == 2)
    }
}
