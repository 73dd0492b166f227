import Fluent
import Foundation
import Persistence
import SQLKit
import Testing
import TestSupport
import TradingCore

/// The running figures (`accounts.reserved_paise`, `positions.reserved_quantity`, `accounts.rule_count`) always equal
/// a full recount of the rows they summarise, whatever mix of placements, fills, failures, cancellations, checkouts and
/// rule changes came before, one at a time or concurrently.
@Suite("Running totals equal a full recount")
struct RunningTotalsTests {
    static let charges = ChargeSchedule(brokerage: .flat(Money(paise: 20_00)))
    static let symbols: [Symbol] = ["INFY", "TCS", "ITC"]

    /// The figures as stored, and as recounted from the rows, for every user and position.
    static func mismatches(_ db: any Database) async throws -> [String] {
        let sql = try #require(db as? any SQLDatabase)
        var found: [String] = []
        let accounts = try await sql.raw("""
            SELECT a.user_id AS user_id, a.reserved_paise AS reserved, a.rule_count AS rules,
                COALESCE((SELECT SUM(o.reserved_paise) FROM orders o
                          WHERE o.user_id = a.user_id AND o.status = 'PENDING'), 0) AS recounted_reserved,
                (SELECT COUNT(*) FROM rules r WHERE r.user_id = a.user_id) AS recounted_rules
            FROM accounts a
            """).all()
        for row in accounts {
            let reserved = try row.decode(column: "reserved", as: Int64.self)
            let recounted = try Self.integer(row, "recounted_reserved")
            let rules = try row.decode(column: "rules", as: Int64.self)
            let recountedRules = try Self.integer(row, "recounted_rules")
            if reserved != recounted { found.append("reserved_paise \(reserved), recount \(recounted)") }
            if rules != recountedRules { found.append("rule_count \(rules), recount \(recountedRules)") }
        }
        let positions = try await sql.raw("""
            SELECT p.symbol AS symbol, p.reserved_quantity AS reserved, p.quantity AS held,
                COALESCE((SELECT SUM(o.quantity) FROM orders o WHERE o.user_id = p.user_id AND o.symbol = p.symbol
                          AND o.side = 'SELL' AND o.status = 'PENDING'), 0) AS recounted
            FROM positions p
            """).all()
        for row in positions {
            let symbol = try row.decode(column: "symbol", as: String.self)
            let reserved = try row.decode(column: "reserved", as: Int64.self)
            let recounted = try Self.integer(row, "recounted")
            let held = try row.decode(column: "held", as: Int64.self)
            if reserved != recounted { found.append("\(symbol) reserved_quantity \(reserved), recount \(recounted)") }
            if reserved > held { found.append("\(symbol) reserves \(reserved) of \(held) held") }
        }
        return found
    }

    /// PostgreSQL answers SUM over bigint as numeric, which decodes as a Decimal or a String; SQLite as an integer.
    static func integer(_ row: any SQLRow, _ column: String) throws -> Int64 {
        if let value = try? row.decode(column: column, as: Int64.self) { return value }
        if let value = try? row.decode(column: column, as: Decimal.self) { return NSDecimalNumber(decimal: value).int64Value }
        let text = try row.decode(column: column, as: String.self)
        guard let value = Int64(text) else { throw PersistenceError.corruptRow(table: column, id: nil) }
        return value
    }

    struct Operations: Sendable {
        let db: any Database
        let users: [UserID]
        var store: OrderStore { OrderStore(database: db, charges: RunningTotalsTests.charges) }
        var recorder: DatabaseExecutionRecorder { DatabaseExecutionRecorder(database: db, charges: RunningTotalsTests.charges) }

        func pending() async throws -> [Order] { try await store.pending() }

        /// One random operation; refusals (not enough cash or shares, an order no longer pending) are part of it.
        func step(_ seed: UInt64) async throws {
            var random = TestRandom(seed: seed)
            let owner = users.randomElement(using: &random)!
            let symbol = RunningTotalsTests.symbols.randomElement(using: &random)!
            let price = Money(paise: Int64.random(in: 100_00...2_000_00, using: &random) / 5 * 5)
            let time = Fixtures.start.addingTimeInterval(Double(seed % 100_000))
            switch Int.random(in: 0..<10, using: &random) {
            case 0...2: // a BUY, MARKET or LIMIT
                let limit = Bool.random(using: &random) ? price : nil
                let order = try Order(id: OrderID(UUID()), owner: owner, symbol: symbol, side: .buy,
                                      type: limit == nil ? .market : .limit,
                                      quantity: Int64.random(in: 1...40, using: &random), limitPrice: limit,
                                      createdAt: time)
                _ = try? await store.place(.init(order: order, estimatePrice: price), idempotencyKey: nil)
            case 3...4: // a SELL of what may or may not be held
                let order = try Order(id: OrderID(UUID()), owner: owner, symbol: symbol, side: .sell, type: .market,
                                      quantity: Int64.random(in: 1...15, using: &random), limitPrice: nil,
                                      createdAt: time)
                _ = try? await store.place(.init(order: order, estimatePrice: price), idempotencyKey: nil)
            case 5...6: // a fill (or, for a BUY dearer than the cash, a failure) of a pending order
                if let order = try await pending().randomElement(using: &random) {
                    _ = try await recorder.settle(Execution(orderID: order.id, price: price, time: time))
                }
            case 7: // a cancellation
                if let order = try await pending().randomElement(using: &random) {
                    _ = try? await store.cancel(order.id, owner: order.owner, now: time)
                }
            case 8: // a rule
                let rule = PriceRule(id: RuleID(UUID()), owner: owner, symbol: symbol,
                                     range: try PriceRange(min: price, max: price), mode: .once, state: .watching,
                                     fireCount: 0, createdAt: time, updatedAt: time, lastFiredAt: nil)
                _ = try await RuleStore(database: db).create(rule, limit: 8)
            default: // a rule deleted
                if let rule = try await RuleStore(database: db).list(owner: owner, limit: 1_000).items.randomElement(using: &random) {
                    _ = try await RuleStore(database: db).delete(rule.id, owner: owner)
                }
            }
        }
    }

    @Test("random placements, fills, failures, cancellations and rule changes, one at a time",
          arguments: TestDatabase.enabled)
    func sequential(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let users = [try await Fixtures.user(db, cash: Money(paise: 2_00_000_00)),
                         try await Fixtures.user(db, cash: Money(paise: 50_000_00))]
            let operations = Operations(db: db, users: users)
            for step in 0..<300 {
                try await operations.step(UInt64(step))
                if step % 25 == 24 {
                    let found = try await Self.mismatches(db)
                    #expect(found.isEmpty, "after step \(step): \(found)")
                    if !found.isEmpty { return }
                }
            }
            #expect(try await Self.mismatches(db).isEmpty)
            // The run exercised every kind of change.
            let orders = try await OrderModel.query(on: db).all()
            let statuses = Set(orders.map(\.status))
            #expect(statuses.isSuperset(of: ["PENDING", "EXECUTED", "CANCELLED"]), "\(statuses)")
            #expect(orders.contains { $0.side == "SELL" && $0.status == "EXECUTED" })
        }
    }

    @Test("the same, four at a time", arguments: TestDatabase.enabled)
    func concurrent(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let users = [try await Fixtures.user(db, cash: Money(paise: 2_00_000_00)),
                         try await Fixtures.user(db, cash: Money(paise: 50_000_00))]
            let operations = Operations(db: db, users: users)
            // Four at a time: as many as the pool has connections per event loop (see FiringRecorderTests).
            for batch in 0..<60 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for lane in 0..<4 { group.addTask { try await operations.step(UInt64(10_000 + batch * 4 + lane)) } }
                    try await group.waitForAll()
                }
            }
            let found = try await Self.mismatches(db)
            #expect(found.isEmpty, "\(found)")
        }
    }

    @Test("a checkout reserves, and its fills release, through the same figures", arguments: TestDatabase.enabled)
    func checkout(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            var lines: [OrderStore.CheckoutLine] = []
            for symbol in Self.symbols {
                let item = CartItem(id: UUID(), owner: owner, symbol: symbol, quantity: 3,
                                    priceWhenAdded: Money(paise: 500_00), autoAdded: false, ruleID: nil,
                                    fireNumber: nil, addedAt: Fixtures.start)
                try await CartStore(database: db).add(item)
                lines.append(.init(cartItemID: item.id, quantity: nil))
            }
            let store = OrderStore(database: db, charges: Self.charges)
            let placed = try await store.checkout(owner: owner, idempotencyKey: "k", fingerprint: "f", lines: lines,
                                                  price: { _ in Money(paise: 500_00) }, now: Fixtures.start)
            #expect(placed.orders.count == 3)
            #expect(try await PortfolioStore(database: db).snapshot(owner: owner).reserved > Money(paise: 4_500_00))
            #expect(try await Self.mismatches(db).isEmpty)
            let recorder = DatabaseExecutionRecorder(database: db, charges: Self.charges)
            for order in placed.orders {
                _ = try await recorder.settle(Execution(orderID: order.id, price: Money(paise: 490_00),
                                                        time: Fixtures.start))
            }
            #expect(try await PortfolioStore(database: db).snapshot(owner: owner).reserved == .zero)
            #expect(try await Self.mismatches(db).isEmpty)
        }
    }
}
