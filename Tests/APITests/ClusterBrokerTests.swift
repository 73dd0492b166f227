@testable import API
import Brokers
import Foundation
import Logging
import Persistence
import Testing
import TradingCore
import Vapor

/// Two instances' paper brokers on one database, joined by the in-process notifications (PostgreSQL's `NOTIFY` is
/// exercised by the process tests): an order reaches the book of the instance that runs its symbol, and comes back to
/// it after a cancellation that went unanswered or a listening connection that dropped.
@Suite("Cluster broker: orders routed to the instance that runs their symbol")
struct ClusterBrokerTests {
    struct Pair {
        let here: ClusterBroker
        let there: ClusterBroker
        let herePaper: PaperBroker
        let therePaper: PaperBroker
    }

    /// "here" runs nothing; "there" runs TITAN.
    func pair(_ app: TestApp, cancelTimeout: Duration = .seconds(5)) throws -> Pair {
        let notifications = try ClusterNotifications(target: .sqliteMemory, database: app.app.db,
                                                     logger: Logger(label: "test.cluster"))
        let orders = OrderStore(database: app.app.db, charges: app.services.charges)
        let hereOwns = SymbolOwnership.leased()
        let thereOwns = SymbolOwnership.leased()
        thereOwns.add([Symbol("TITAN")])
        let herePaper = PaperBroker()
        let therePaper = PaperBroker()
        let logger = Logger(label: "test.cluster")
        return Pair(
            here: ClusterBroker(base: herePaper, ownership: hereOwns, notifications: notifications, orders: orders,
                                hasPeers: { true }, cancelTimeout: cancelTimeout, logger: logger),
            there: ClusterBroker(base: therePaper, ownership: thereOwns, notifications: notifications, orders: orders,
                                 hasPeers: { true }, cancelTimeout: cancelTimeout, logger: logger),
            herePaper: herePaper, therePaper: therePaper)
    }

    /// A LIMIT buy far below the market: stored PENDING by the app, held by none of the pair's books yet.
    func pendingOrder(_ app: TestApp) async throws -> Order {
        let (token, _) = try await app.register()
        let placed = try await app.send(.POST, "/api/orders", token: token, json: [
            "symbol": "TITAN", "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": 1])
        try #require(placed.status == .created, "\(placed.text)")
        let id = try #require((placed["id"] as? String).flatMap(UUID.init(uuidString:)))
        return try #require(try await OrderStore(database: app.app.db, charges: app.services.charges)
            .find(OrderID(id)))
    }

    @Test("an order placed on an instance that does not run its symbol lands in the owner's book only; a cancellation through it withdraws it there")
    func placeAndCancelThroughAnotherInstance() async throws {
        try await withTestApp { app in
            let brokers = try pair(app)
            let order = try await pendingOrder(app)
            try await brokers.here.submit(order)
            #expect(await eventually { brokers.therePaper.holds(order) })
            #expect(!brokers.herePaper.holds(order))
            #expect(brokers.therePaper.pendingCount == 1)

            #expect(await brokers.here.cancel(order.id))
            #expect(!brokers.therePaper.holds(order))
            #expect(brokers.therePaper.pendingCount == 0)
        }
    }

    @Test("a cancellation that gets no answer in time says so, and the order goes back into its owner's book")
    func unansweredCancellationPutsTheOrderBack() async throws {
        try await withTestApp { app in
            let brokers = try pair(app, cancelTimeout: .milliseconds(200))
            let order = try await pendingOrder(app)
            try await brokers.here.submit(order)
            #expect(await eventually { brokers.therePaper.holds(order) })
            // The owner withdrew it but its answer never arrived (the requester stopped waiting): PENDING, unheld.
            #expect(await brokers.therePaper.cancel(order.id))

            let started = ContinuousClock.now
            #expect(await brokers.here.cancel(order.id) == false)
            #expect(ContinuousClock.now - started >= .milliseconds(200))
            #expect(await eventually { brokers.therePaper.holds(order) })
            #expect(brokers.therePaper.pendingCount == 1)
            #expect(!brokers.herePaper.holds(order))
        }
    }

    @Test("announcing an order the owner already holds again neither adds it twice nor costs it its place in time")
    func announcedTwice() async throws {
        try await withTestApp { app in
            let brokers = try pair(app)
            let first = try await pendingOrder(app)
            let second = try await pendingOrder(app)
            try await brokers.here.submit(first)
            #expect(await eventually { brokers.therePaper.holds(first) })
            try await brokers.here.submit(second)
            #expect(await eventually { brokers.therePaper.holds(second) })
            try await brokers.here.submit(first) // announced again (a re-announcement after a cancellation's timeout)
            #expect(brokers.therePaper.pendingCount == 2)
            // Both limits are ₹1: a tick there fills both, the one that arrived first first.
            let fills = brokers.therePaper.onTick(Tick(symbol: Symbol("TITAN"), price: Money(paise: 100), volume: 1,
                                                       time: Date()))
            #expect(fills.map(\.orderID) == [first.id, second.id])
        }
    }

    @Test("after its listening connection comes back an instance takes the pending orders of its symbols it lacks, once")
    func reloadAfterReconnect() async throws {
        try await withTestApp { app in
            let brokers = try pair(app)
            let order = try await pendingOrder(app) // stored, announced to no one
            await brokers.here.reloadPending()
            #expect(!brokers.herePaper.holds(order)) // not its symbol
            await brokers.there.reloadPending()
            #expect(brokers.therePaper.holds(order))
            await brokers.there.reloadPending()
            #expect(brokers.therePaper.pendingCount == 1)

            // Once it is no longer PENDING, a reload does not bring it back.
            #expect(await brokers.therePaper.cancel(order.id))
            _ = try await OrderStore(database: app.app.db, charges: app.services.charges)
                .cancel(order.id, owner: order.owner, now: Date())
            await brokers.there.reloadPending()
            #expect(!brokers.therePaper.holds(order))
        }
    }
}
