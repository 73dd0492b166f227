import Fluent
import Foundation
import Persistence
import Testing
import TestSupport
import TradingCore

@Suite("Orders, reservations and settlement")
struct OrderStoreTests {
    static let charges = ChargeSchedule(brokerage: .flat(Money(paise: 20_00)))

    @Test("pending BUYs reserve cash so two orders cannot spend the same rupee", arguments: TestDatabase.enabled)
    func reservations(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db, cash: Money(paise: 1_00_000_00)) // ₹1,00,000
            let store = OrderStore(database: db, charges: Self.charges)
            let price = Money(paise: 1_000_00)
            // 60 shares at ₹1,000 ≈ ₹60,100 with charges: the first fits, the second does not.
            _ = try await store.place(.init(order: try Fixtures.order(owner, quantity: 60), estimatePrice: price),
                                      idempotencyKey: nil)
            await #expect(throws: FundsError.self) {
                _ = try await store.place(.init(order: try Fixtures.order(owner, quantity: 60), estimatePrice: price),
                                          idempotencyKey: nil)
            }
            let snapshot = try await PortfolioStore(database: db).snapshot(owner: owner)
            #expect(snapshot.cash == Money(paise: 1_00_000_00))
            #expect(snapshot.reserved > Money(paise: 60_000_00))
        }
    }

    @Test("concurrent placements never over-commit cash", arguments: TestDatabase.enabled)
    func concurrentPlacements(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db, cash: Money(paise: 1_00_000_00))
            let store = OrderStore(database: db, charges: Self.charges)
            let accepted = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        guard let order = try? Fixtures.order(owner, quantity: 30) else { return false }
                        return (try? await store.place(.init(order: order, estimatePrice: Money(paise: 1_000_00)),
                                                       idempotencyKey: nil)) != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            // 30 × ₹1,000 + charges ≈ ₹30,060 each: exactly three fit in ₹1,00,000.
            #expect(accepted == 3)
            let snapshot = try await PortfolioStore(database: db).snapshot(owner: owner)
            #expect(snapshot.reserved <= snapshot.cash)
        }
    }

    @Test("settling a BUY moves cash, holding and the trade row in one go", arguments: TestDatabase.enabled)
    func settleBuy(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let store = OrderStore(database: db, charges: Self.charges)
            let placed = try await store.place(.init(order: try Fixtures.order(owner, quantity: 100),
                                                     estimatePrice: Money(paise: 1_000_00)), idempotencyKey: nil)
            let recorder = DatabaseExecutionRecorder(database: db, charges: Self.charges)
            let execution = Execution(orderID: placed.order.id, price: Money(paise: 1_000_00),
                                      time: Fixtures.start.addingTimeInterval(5))
            let settled = try #require(try await recorder.settle(execution))
            #expect(settled.status == .executed)
            #expect(settled.charges?.total == Money(paise: 142_22)) // the reference worked example
            #expect(try await recorder.settle(execution) == nil)   // a second settlement is refused
            let snapshot = try await PortfolioStore(database: db).snapshot(owner: owner)
            #expect(snapshot.cash == Money(paise: 10_00_000_00 - 1_00_000_00 - 142_22))
            #expect(snapshot.reserved == .zero)
            #expect(snapshot.holdings.first?.quantity == 100)
            #expect(snapshot.holdings.first?.averagePrice == Money(paise: 1_000_00))
            #expect(try await TradeModel.query(on: db).count() == 1)
        }
    }

    @Test("a fill the cash cannot cover fails the order and changes nothing else", arguments: TestDatabase.enabled)
    func settleFails(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db, cash: Money(paise: 10_000_00))
            let store = OrderStore(database: db, charges: Self.charges)
            let placed = try await store.place(.init(order: try Fixtures.order(owner, quantity: 9),
                                                     estimatePrice: Money(paise: 1_000_00)), idempotencyKey: nil)
            let settled = try #require(try await DatabaseExecutionRecorder(database: db, charges: Self.charges)
                .settle(Execution(orderID: placed.order.id, price: Money(paise: 1_200_00), time: Fixtures.start)))
            #expect(settled.status == .failed)
            #expect(settled.reason?.contains("insufficient cash") == true)
            let snapshot = try await PortfolioStore(database: db).snapshot(owner: owner)
            #expect(snapshot.cash == Money(paise: 10_000_00))
            #expect(snapshot.reserved == .zero)
            #expect(snapshot.holdings.isEmpty)
            #expect(try await TradeModel.query(on: db).count() == 0)
        }
    }

    @Test("a cancelled order cannot be settled, and a settled one cannot be cancelled", arguments: TestDatabase.enabled)
    func cancelRaces(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let store = OrderStore(database: db, charges: Self.charges)
            let recorder = DatabaseExecutionRecorder(database: db, charges: Self.charges)
            let first = try await store.place(.init(order: try Fixtures.order(owner), estimatePrice: Money(paise: 100_00)),
                                              idempotencyKey: nil).order
            #expect(try await store.cancel(first.id, owner: owner, now: Fixtures.start)?.status == .cancelled)
            #expect(try await recorder.settle(Execution(orderID: first.id, price: Money(paise: 100_00),
                                                        time: Fixtures.start)) == nil)
            let second = try await store.place(.init(order: try Fixtures.order(owner), estimatePrice: Money(paise: 100_00)),
                                               idempotencyKey: nil).order
            _ = try await recorder.settle(Execution(orderID: second.id, price: Money(paise: 100_00), time: Fixtures.start))
            await #expect(throws: OrderTransitionError.self) {
                _ = try await store.cancel(second.id, owner: owner, now: Fixtures.start)
            }
            let other = try await Fixtures.user(db)
            #expect(try await store.cancel(second.id, owner: other, now: Fixtures.start) == nil)
        }
    }

    @Test("checkout is idempotent per key and refuses a reused key with another body", arguments: TestDatabase.enabled)
    func checkout(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let item = CartItem(id: UUID(), owner: owner, symbol: "INFY", quantity: 1, priceWhenAdded: Money(paise: 100),
                                autoAdded: false, ruleID: nil, fireNumber: nil, addedAt: Fixtures.start)
            try await CartStore(database: db).add(item)
            let store = OrderStore(database: db, charges: Self.charges)
            let lines = [OrderStore.CheckoutLine(cartItemID: item.id, quantity: 4)]
            let first = try await store.checkout(owner: owner, idempotencyKey: "k", fingerprint: "f", lines: lines,
                                                 price: { _ in Money(paise: 1_500_00) }, now: Fixtures.start)
            let again = try await store.checkout(owner: owner, idempotencyKey: "k", fingerprint: "f", lines: lines,
                                                 price: { _ in Money(paise: 1_500_00) }, now: Fixtures.start)
            #expect(!first.replayed && again.replayed)
            #expect(first.orders.map(\.id) == again.orders.map(\.id))
            #expect(first.orders.first?.quantity == 4)
            #expect(try await CartStore(database: db).count(owner: owner) == 0)
            await #expect(throws: CheckoutError.keyReusedWithDifferentRequest) {
                _ = try await store.checkout(owner: owner, idempotencyKey: "k", fingerprint: "other", lines: lines,
                                             price: { _ in Money(paise: 1_500_00) }, now: Fixtures.start)
            }
            #expect(try await store.list(owner: owner).items.count == 1)
        }
    }
}
