import AngelOne
import FakeVenues
import Foundation
import Synchronization
import Testing
import TradingCore

/// The live broker against the fake SmartAPI (REST and order-update socket) over loopback: one placement per order,
/// fills priced from the trade book, rejections and cancellations with the broker's words, a lost placement answer
/// settled from the order book, updates missed while disconnected or stopped recovered by reconciliation.
@Suite("Angel One broker: placement, order updates, trade-book fills, reconciliation", .serialized)
struct AngelOneBrokerTests {
    static let account = FakeSmartAPI.Account(apiKey: "key-9", clientCode: "B900", pin: "9753",
                                              totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    static let reliance = Instrument(token: "2885", tradingSymbol: "RELIANCE-EQ", name: "RELIANCE", exchange: "NSE",
                                     instrumentType: "", lotSize: 1, tickSizePaise: 5)
    static let owner = UserID(UUID())

    /// Collects what the broker reports.
    final class Reports: Sendable {
        let all = Mutex<[BrokerReport]>([])
        var list: [BrokerReport] { all.withLock { $0 } }
        func closure(_ id: OrderID) -> OrderClosure? {
            list.lazy.compactMap { if case .closed(let closure) = $0, closure.orderID == id { closure } else { nil } }.first
        }
        func execution(_ id: OrderID) -> Execution? {
            list.lazy.compactMap { if case .executed(let execution) = $0, execution.orderID == id { execution } else { nil } }
                .first
        }
    }

    final class Made: Sendable {
        let brokers = Mutex<[AngelOneBroker]>([])
        func add(_ broker: AngelOneBroker) { brokers.withLock { $0.append(broker) } }
        var all: [AngelOneBroker] { brokers.withLock { $0 } }
    }

    struct Harness {
        let fake: FakeSmartAPI
        let session: AngelOneSession
        let reports: Reports
        /// Every broker made, stopped before the fake shuts down (an open socket would hold its shutdown).
        let made = Made()

        func broker(timeout: Duration = .seconds(7), instruments: [Symbol: Instrument] = ["RELIANCE": reliance])
            -> AngelOneBroker {
            let client = SmartAPIClient(http: .shared, configuration: .init(
                baseURL: fake.baseURL, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                              + timeout.components.attoseconds / 1_000_000_000)))
            let session = session
            let broker = AngelOneBroker(
                client: client,
                orderStream: .init(url: fake.orderStreamURL, initialBackoff: .milliseconds(50),
                                   maxBackoff: .milliseconds(200)),
                sessions: { $0 == AngelOneBrokerTests.owner ? session : nil }, instruments: { instruments[$0] },
                patience: .init(confirmationAttempts: 20, confirmationInterval: .milliseconds(300),
                                tradeBookAttempts: 3, tradeBookInterval: .milliseconds(100)))
            let reports = reports
            Task { for await report in broker.reports! { reports.all.withLock { $0.append(report) } } }
            made.add(broker)
            return broker
        }
    }

    func withHarness(_ body: (Harness) async throws -> Void) async throws {
        let fake = try await FakeSmartAPI.start(accounts: [Self.account], loginInterval: nil,
                                                instruments: [.init(symbol: "RELIANCE", token: "2885")])
        let session = AngelOneSession(
            credentials: AngelOneCredentials(apiKey: Self.account.apiKey, clientCode: Self.account.clientCode,
                                             pin: Self.account.pin, totp: try TOTP(base32Secret: Self.account.totpSecret)),
            client: SmartAPIClient(http: .shared, configuration: .init(baseURL: fake.baseURL)))
        await session.connect()
        let harness = Harness(fake: fake, session: session, reports: Reports())
        func finish() async {
            for broker in harness.made.all { broker.stop() }
            _ = await eventually { fake.desk.openSockets == 0 }
            await fake.shutdown()
        }
        do {
            try await body(harness)
        } catch {
            await finish()
            throw error
        }
        await finish()
    }

    static func order(_ side: OrderSide = .buy, quantity: Int64 = 10, limit: Int64? = nil) throws -> Order {
        try Order(id: OrderID(UUID()), owner: owner, symbol: "RELIANCE", side: side, type: limit == nil ? .market : .limit,
                  quantity: quantity, limitPrice: limit.map { Money(paise: $0) }, createdAt: Date())
    }

    /// Up to a minute by default: the whole suite runs in parallel on two cores, where the broker's reconnection
    /// and reconciliation tasks can wait many seconds for a thread (a CI run once needed more than 15 s).
    func eventually(timeout: Duration = .seconds(60), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    @Test("an order is placed once, tagged, as an NSE DELIVERY order; its fills are priced from the trade book")
    func placesAndFills() async throws {
        try await withHarness { h in
            let broker = h.broker()
            let order = try Self.order(limit: 2_760_00)
            try await broker.submit(order)
            let placed = try #require(h.fake.desk.orders.first)
            #expect(h.fake.desk.orders.count == 1)
            #expect(placed.tag == OrderTag.of(order.id) && placed.tag.count == 19)
            #expect(placed.tradingSymbol == "RELIANCE-EQ" && placed.token == "2885")
            #expect(placed.side == "BUY" && placed.orderType == "LIMIT" && placed.price == "2760.00")
            #expect(placed.quantity == 10)
            #expect(await eventually { h.fake.desk.openSockets == 1 }, "the owner's order-update socket is open")

            h.fake.desk.fill(placed.orderID, paise: 2_750_00, size: 4)
            try await Task.sleep(for: .milliseconds(200))
            #expect(h.reports.list.isEmpty, "a partial fill leaves the order pending")
            h.fake.desk.fill(placed.orderID, paise: 2_751_00)
            #expect(await eventually { h.reports.execution(order.id) != nil })
            // (4 × 2750.00 + 6 × 2751.00) / 10 = 2750.60
            #expect(h.reports.execution(order.id)?.price == Money(paise: 2_750_60))
            #expect(broker.trackedCount == 0)
            broker.stop()
        }
    }

    @Test("a rejection closes the order FAILED with the exchange's reason")
    func rejection() async throws {
        try await withHarness { h in
            let broker = h.broker()
            let order = try Self.order()
            try await broker.submit(order)
            #expect(await eventually { h.fake.desk.openSockets == 1 })
            h.fake.desk.reject(try #require(h.fake.desk.orders.first).orderID, reason: "RMS: Margin Exceeds")
            #expect(await eventually { h.reports.closure(order.id) != nil })
            let closure = try #require(h.reports.closure(order.id))
            #expect(closure.status == .failed)
            #expect(closure.reason.contains("RMS: Margin Exceeds"))
            broker.stop()
        }
    }

    @Test("a placement SmartAPI refuses (an unknown token) closes the order at once with its code")
    func refusedPlacement() async throws {
        try await withHarness { h in
            let unknown = Instrument(token: "99999", tradingSymbol: "RELIANCE-EQ", name: "RELIANCE", exchange: "NSE",
                                     instrumentType: "", lotSize: 1, tickSizePaise: 5)
            let broker = h.broker(instruments: ["RELIANCE": unknown])
            let order = try Self.order()
            try await broker.submit(order)
            #expect(await eventually { h.reports.closure(order.id) != nil })
            let closure = try #require(h.reports.closure(order.id))
            #expect(closure.status == .failed && closure.reason.contains("AB1009"), "\(closure.reason)")
            #expect(h.fake.desk.orders.isEmpty)
            broker.stop()
        }
    }

    @Test("a placement whose answer times out is found in the order book by its tag, never placed twice, then fills")
    func timeoutConfirmedFromOrderBook() async throws {
        try await withHarness { h in
            // A generous timeout (a loaded machine's book reads must not time out too), a longer delay.
            let broker = h.broker(timeout: .seconds(2))
            h.fake.desk.delayPlacements(.seconds(5))
            let order = try Self.order()
            try await broker.submit(order)
            #expect(h.reports.list.isEmpty, "no verdict from a timeout")
            let placed = try #require(h.fake.desk.orders.first)
            #expect(await eventually { h.fake.calls("/rest/secure/angelbroking/order/v1/getOrderBook") >= 1 })
            h.fake.desk.fill(placed.orderID, paise: 2_749_95)
            #expect(await eventually(timeout: .seconds(40)) { h.reports.execution(order.id) != nil }, "\(h.reports.list)")
            #expect(h.reports.execution(order.id)?.price == Money(paise: 2_749_95))
            #expect(h.fake.desk.orders.count == 1, "placed exactly once")
            broker.stop()
        }
    }

    @Test("a fill while the order-update socket is down is recovered by the reconciliation after reconnecting")
    func missedUpdateRecovered() async throws {
        try await withHarness { h in
            let broker = h.broker()
            let order = try Self.order()
            try await broker.submit(order)
            #expect(await eventually { h.fake.desk.openSockets == 1 })
            let placed = try #require(h.fake.desk.orders.first)
            h.fake.desk.dropSockets()
            #expect(await eventually { h.fake.desk.openSockets == 0 })
            h.fake.desk.fill(placed.orderID, paise: 2_752_00)
            #expect(await eventually { h.reports.execution(order.id) != nil })
            #expect(h.reports.execution(order.id)?.price == Money(paise: 2_752_00))
            broker.stop()
        }
    }

    @Test("after a restart, a pending order that filled meanwhile settles, and one never placed is closed, not placed")
    func restartReconciles() async throws {
        try await withHarness { h in
            let first = h.broker()
            let filled = try Self.order()
            try await first.submit(filled)
            first.stop()
            h.fake.desk.fill(try #require(h.fake.desk.orders.first).orderID, paise: 2_748_00)

            let restarted = h.broker()
            let neverPlaced = try Self.order(quantity: 3)
            try await restarted.resume(filled)
            try await restarted.resume(neverPlaced)
            #expect(await eventually { h.reports.execution(filled.id) != nil && h.reports.closure(neverPlaced.id) != nil })
            #expect(h.reports.execution(filled.id)?.price == Money(paise: 2_748_00))
            #expect(h.reports.closure(neverPlaced.id)?.status == .failed)
            #expect(h.fake.desk.orders.count == 1, "resuming places nothing")
            restarted.stop()
        }
    }

    @Test("cancelling withdraws the order at the broker and closes it CANCELLED; a partial fill is named")
    func cancellation() async throws {
        try await withHarness { h in
            let broker = h.broker()
            let order = try Self.order(limit: 2_700_00)
            try await broker.submit(order)
            #expect(await eventually { h.fake.desk.openSockets == 1 })
            #expect(await broker.cancel(order.id))
            #expect(await eventually { h.reports.closure(order.id) != nil })
            #expect(h.reports.closure(order.id)?.status == .cancelled)
            #expect(await broker.cancel(order.id) == false, "nothing left to cancel")

            let partial = try Self.order(limit: 2_700_00)
            try await broker.submit(partial)
            let row = try #require(h.fake.desk.order(tagged: OrderTag.of(partial.id)))
            h.fake.desk.fill(row.orderID, paise: 2_700_00, size: 4)
            h.fake.desk.expire(row.orderID)
            #expect(await eventually { h.reports.closure(partial.id) != nil })
            #expect(h.reports.closure(partial.id)?.reason.contains("4 of 10 shares filled") == true)
            broker.stop()
        }
    }

    @Test("twelve placements in a burst stay under SmartAPI's 9 a second: none meets its rate limit")
    func pacing() async throws {
        try await withHarness { h in
            let broker = h.broker()
            let started = ContinuousClock.now
            for _ in 0..<12 { try await broker.submit(try Self.order(quantity: 1)) }
            #expect(h.fake.desk.orders.count == 12)
            try await Task.sleep(for: .milliseconds(100))
            #expect(h.reports.list.isEmpty, "no placement was refused")
            #expect(ContinuousClock.now - started >= .seconds(1), "the tenth had to wait for the window")
            broker.stop()
        }
    }

    @Test("orders are refused up front, with what to do, without an account or with a session needing reconnect")
    func refusals() async throws {
        try await withHarness { h in
            let broker = h.broker()
            #expect(await broker.refusal(for: Self.owner) == nil)
            #expect(await broker.refusal(for: UserID(UUID()))?.contains("PUT /api/broker") == true)
            h.fake.expireSessions()
            // A call that finds the session gone logs in again; make that fail too.
            await h.session.disconnect()
            let refusal = await broker.refusal(for: Self.owner)
            #expect(refusal?.contains("POST /api/broker/reconnect") == true, "\(String(describing: refusal))")
            broker.stop()
        }
    }
}
