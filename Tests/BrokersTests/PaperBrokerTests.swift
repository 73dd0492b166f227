import Brokers
import Foundation
import Testing
import TradingCore

@Suite("PaperBroker: market orders")
struct PaperBrokerMarketTests {
    @Test("it is the paper broker")
    func name() {
        #expect(PaperBroker().name == "paper")
    }

    @Test("a MARKET order fills at the first tick of its symbol after submission", arguments: OrderSide.allCases)
    func marketOrderFillsAtFirstTickOfItsSymbol(side: OrderSide) async throws {
        let broker = PaperBroker()
        #expect(broker.onTick(tick("INFY", "1490.00", at: 0)).isEmpty, "nothing pending yet")
        let order = try makeOrder(1, "INFY", side)
        try await broker.submit(order)
        #expect(broker.pendingCount == 1)

        #expect(broker.onTick(tick("TCS", "3950.00", at: 1)).isEmpty, "another symbol's tick fills nothing")
        #expect(broker.onTick(tick("WIPRO", "301.00", at: 2)).isEmpty)
        #expect(broker.pendingCount == 1)

        let fill = tick("INFY", "1510.05", at: 3)
        #expect(broker.onTick(fill) == [Execution(orderID: order.id, price: rupees("1510.05"), time: fill.time)])
        #expect(broker.pendingCount == 0)
        #expect(broker.onTick(tick("INFY", "1511.00", at: 4)).isEmpty, "an order fills once")
    }

    @Test("a tick seen before the order was submitted does not fill it")
    func tickBeforeSubmissionDoesNotFill() async throws {
        let broker = PaperBroker()
        #expect(broker.onTick(tick("INFY", "1500.00", at: 0)).isEmpty)
        let order = try makeOrder(1, "INFY")
        try await broker.submit(order)
        #expect(broker.pendingCount == 1)
        #expect(broker.onTick(tick("INFY", "1502.00", at: 1)).map(\.price) == [rupees("1502.00")])
    }
}

@Suite("PaperBroker: limit orders")
struct PaperBrokerLimitTests {
    @Test("a LIMIT BUY fills only at a tick at or below its limit, at the tick's price", arguments: [
        // (tick prices in order, the price it fills at or nil)
        (["1500.05", "1510.00"], nil),
        (["1500.05", "1500.00"], "1500.00"),
        (["1520.00", "1499.95"], "1499.95"),
        (["1400.00"], "1400.00"),
    ])
    func limitBuy(prices: [String], fillsAt expected: String?) async throws {
        let broker = PaperBroker()
        let order = try makeOrder(1, "INFY", .buy, limit: "1500.00")
        try await broker.submit(order)
        var executions: [Execution] = []
        for (index, price) in prices.enumerated() {
            executions += broker.onTick(tick("INFY", price, at: TimeInterval(index + 1)))
        }
        #expect(executions.map(\.price) == [expected].compactMap { $0.map(rupees) })
        #expect(executions.allSatisfy { $0.orderID == order.id })
        #expect(broker.pendingCount == (expected == nil ? 1 : 0))
    }

    @Test("a LIMIT SELL fills only at a tick at or above its limit, at the tick's price", arguments: [
        (["1499.95", "1490.00"], nil),
        (["1499.95", "1500.00"], "1500.00"),
        (["1480.00", "1500.05"], "1500.05"),
        (["1600.00"], "1600.00"),
    ])
    func limitSell(prices: [String], fillsAt expected: String?) async throws {
        let broker = PaperBroker()
        let order = try makeOrder(1, "INFY", .sell, limit: "1500.00")
        try await broker.submit(order)
        var executions: [Execution] = []
        for (index, price) in prices.enumerated() {
            executions += broker.onTick(tick("INFY", price, at: TimeInterval(index + 1)))
        }
        #expect(executions.map(\.price) == [expected].compactMap { $0.map(rupees) })
        #expect(broker.pendingCount == (expected == nil ? 1 : 0))
    }

    @Test("the execution carries the time of the tick that filled it")
    func executionTime() async throws {
        let broker = PaperBroker()
        let order = try makeOrder(1, "INFY", .buy, limit: "1500.00")
        try await broker.submit(order)
        #expect(broker.onTick(tick("INFY", "1501.00", at: 10)).isEmpty)
        let fill = tick("INFY", "1499.00", at: 20)
        #expect(broker.onTick(fill) == [Execution(orderID: order.id, price: rupees("1499.00"), time: fill.time)])
    }
}

@Suite("PaperBroker: cancelling and bookkeeping")
struct PaperBrokerBookkeepingTests {
    @Test("cancelling before the tick prevents the fill and answers true")
    func cancelBeforeTick() async throws {
        let broker = PaperBroker()
        let order = try makeOrder(1, "INFY")
        let kept = try makeOrder(2, "INFY")
        try await broker.submit(order)
        try await broker.submit(kept)
        #expect(await broker.cancel(order.id))
        #expect(broker.pendingCount == 1)
        #expect(broker.onTick(tick("INFY", "1500.00")).map(\.orderID) == [kept.id])
        #expect(await broker.cancel(order.id) == false, "a cancelled order is no longer held")
    }

    @Test("cancelling an unknown or already filled order answers false")
    func cancelUnknownOrFilled() async throws {
        let broker = PaperBroker()
        #expect(await broker.cancel(orderID(99)) == false)
        let order = try makeOrder(1, "INFY")
        try await broker.submit(order)
        #expect(broker.onTick(tick("INFY", "1500.00")).count == 1)
        #expect(await broker.cancel(order.id) == false)
        #expect(broker.pendingCount == 0)
    }

    @Test("several orders on one symbol fill on the same tick, oldest first; the rest wait")
    func severalOrdersFillOnOneTick() async throws {
        let broker = PaperBroker()
        let market = try makeOrder(1, "INFY", .buy)
        let buyLimit = try makeOrder(2, "INFY", .buy, limit: "1500.00")
        let sellLimit = try makeOrder(3, "INFY", .sell, limit: "1490.00")
        let farBuy = try makeOrder(4, "INFY", .buy, limit: "1400.00")
        let farSell = try makeOrder(5, "INFY", .sell, limit: "1600.00")
        let other = try makeOrder(6, "TCS", .buy)
        for order in [market, buyLimit, sellLimit, farBuy, farSell, other] { try await broker.submit(order) }
        #expect(broker.pendingCount == 6)

        let fill = tick("INFY", "1495.00")
        let executions = broker.onTick(fill)
        #expect(executions.map(\.orderID) == [market.id, buyLimit.id, sellLimit.id])
        #expect(executions.allSatisfy { $0.price == rupees("1495.00") && $0.time == fill.time })
        #expect(broker.pendingCount == 3)

        #expect(broker.onTick(tick("INFY", "1650.00", at: 2)).map(\.orderID) == [farSell.id])
        #expect(broker.onTick(tick("INFY", "1399.00", at: 3)).map(\.orderID) == [farBuy.id])
        #expect(broker.onTick(tick("TCS", "3900.00", at: 4)).map(\.orderID) == [other.id])
        #expect(broker.pendingCount == 0)
    }

    @Test("pendingCount counts waiting orders across symbols")
    func pendingCountAcrossSymbols() async throws {
        let broker = PaperBroker()
        #expect(broker.pendingCount == 0)
        try await broker.submit(try makeOrder(1, "INFY"))
        try await broker.submit(try makeOrder(2, "TCS", .sell, limit: "5000.00"))
        try await broker.submit(try makeOrder(3, "TCS"))
        #expect(broker.pendingCount == 3)
        _ = broker.onTick(tick("TCS", "3950.00"))
        #expect(broker.pendingCount == 2)
        #expect(await broker.cancel(orderID(1)))
        #expect(broker.pendingCount == 1)
    }

    @Test("orders submitted concurrently are all held and all fill")
    func concurrentSubmissions() async throws {
        let broker = PaperBroker()
        let orders = try (1...200).map { try makeOrder($0, $0.isMultiple(of: 2) ? "INFY" : "TCS") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for order in orders { group.addTask { try await broker.submit(order) } }
            try await group.waitForAll()
        }
        #expect(broker.pendingCount == 200)
        let filled = broker.onTick(tick("INFY", "1500.00")) + broker.onTick(tick("TCS", "3900.00"))
        #expect(Set(filled.map(\.orderID)) == Set(orders.map(\.id)))
        #expect(filled.count == 200)
        #expect(broker.pendingCount == 0)
    }
}
