import Fluent
import Foundation
import Persistence
import Testing
import TestSupport
import TradingCore

@Suite("Firing recorder: one firing, exactly one cart item")
struct FiringRecorderTests {
    @Test("a firing commits the rule's new state and one cart item together", arguments: TestDatabase.enabled)
    func records(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let rule = try await Fixtures.rule(db, owner: owner)
            let record = try #require(try await FluentFiringRecorder(database: db).record(
                Fixtures.firing(rule, price: 2_800_50)))
            #expect(record.rule.state == .fired)
            #expect(record.rule.fireCount == 1)
            #expect(record.cartItem.autoAdded)
            #expect(record.cartItem.ruleID == rule.id)
            #expect(record.cartItem.fireNumber == 1)
            #expect(record.cartItem.priceWhenAdded == Money(paise: 2_800_50))
            let stored = try #require(try await RuleStore(database: db).get(rule.id, owner: owner))
            #expect(stored.state == .fired && stored.fireCount == 1 && stored.lastFiredAt != nil)
            #expect(try await CartStore(database: db).list(owner: owner).map(\.id) == [record.cartItem.id])
        }
    }

    @Test("replaying the same firing (a retry, a restart) adds nothing", arguments: TestDatabase.enabled)
    func replay(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let rule = try await Fixtures.rule(db, owner: owner)
            let recorder = FluentFiringRecorder(database: db)
            let firing = Fixtures.firing(rule, price: 2_800_00)
            #expect(try await recorder.record(firing) != nil)
            #expect(try await recorder.record(firing) == nil) // the once-rule is fired: not live any more
            #expect(try await CartStore(database: db).count(owner: owner) == 1)
        }
    }

    @Test("concurrent writers of one firing produce exactly one cart item", arguments: TestDatabase.enabled)
    func concurrent(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let rule = try await Fixtures.rule(db, owner: owner, mode: .rearm)
            let recorder = FluentFiringRecorder(database: db)
            let firing = Fixtures.firing(rule, price: 2_800_00, next: .inside)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                // As many writers as the pool has connections per event loop (4): they race on the row and the key,
                // not on the pool, whose 10 s wait can expire on a loaded CI machine.
                for _ in 0..<4 { group.addTask { try await recorder.record(firing) != nil } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // A rearm rule stays live, so only the unique key can stop the duplicates; the fire count decides the
            // fire number, so racing writers either see the new count (and make firing 2, 3…) or collide.
            let items = try await CartStore(database: db).list(owner: owner)
            let stored = try #require(try await RuleStore(database: db).get(rule.id, owner: owner))
            #expect(items.count == results.filter { $0 }.count)
            #expect(items.count == stored.fireCount)
            #expect(Set(items.compactMap(\.fireNumber)).count == items.count)
        }
    }

    @Test("the database refuses a second cart item for the same rule firing", arguments: TestDatabase.enabled)
    func uniqueKey(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let rule = try await Fixtures.rule(db, owner: owner)
            func item() -> CartItem {
                CartItem(id: UUID(), owner: owner, symbol: rule.symbol, quantity: 1, priceWhenAdded: Money(paise: 100),
                         autoAdded: true, ruleID: rule.id, fireNumber: 1, addedAt: Fixtures.start)
            }
            try await CartStore(database: db).add(item())
            await #expect(throws: (any Error).self) { try await CartStore(database: db).add(item()) }
            #expect(try await CartStore(database: db).count(owner: owner) == 1)
        }
    }

    @Test("a paused, edited or deleted rule records nothing", arguments: TestDatabase.enabled)
    func stale(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let store = RuleStore(database: db)
            let recorder = FluentFiringRecorder(database: db)

            var paused = try await Fixtures.rule(db, owner: owner)
            paused.state = .paused
            _ = try await store.update(paused)
            #expect(try await recorder.record(Fixtures.firing(paused, price: 2_800_00)) == nil)

            let edited = try await Fixtures.rule(db, owner: owner)
            var changed = edited
            changed.range = try PriceRange(min: Money(paise: 100_00), max: Money(paise: 200_00))
            _ = try await store.update(changed)
            #expect(try await recorder.record(Fixtures.firing(edited, price: 2_800_00)) == nil)

            let deleted = try await Fixtures.rule(db, owner: owner)
            #expect(try await store.delete(deleted.id, owner: owner))
            #expect(try await recorder.record(Fixtures.firing(deleted, price: 2_800_00)) == nil)

            #expect(try await CartStore(database: db).count(owner: owner) == 0)
        }
    }
}
