import Fluent
import SQLKit
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
            let record = try #require(try await DatabaseFiringRecorder(database: db).record(
                Fixtures.firing(rule, price: 2_800_50)).record)
            #expect(record.rule.state == .fired)
            #expect(record.rule.fireCount == 1)
            #expect(record.cartItem.autoAdded)
            #expect(record.cartItem.ruleID == rule.id)
            #expect(record.cartItem.fireNumber == 1)
            #expect(record.cartItem.priceWhenAdded == Money(paise: 2_800_50))
            let stored = try #require(try await RuleStore(database: db).get(rule.id, owner: owner))
            #expect(stored.state == .fired && stored.fireCount == 1 && stored.lastFiredAt != nil)
            #expect(try await CartStore(database: db).list(owner: owner, limit: 1_000).items.map(\.id) == [record.cartItem.id])
        }
    }

    @Test("replaying the same firing (a retry, a restart) adds nothing", arguments: TestDatabase.enabled)
    func replay(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let rule = try await Fixtures.rule(db, owner: owner)
            let recorder = DatabaseFiringRecorder(database: db)
            let firing = Fixtures.firing(rule, price: 2_800_00)
            #expect(try await recorder.record(firing).record != nil)
            #expect(try await recorder.record(firing).record == nil) // the once-rule is fired: not live any more
            #expect(try await CartStore(database: db).count(owner: owner) == 1)
        }
    }

    @Test("concurrent writers of one firing produce exactly one cart item", arguments: TestDatabase.enabled)
    func concurrent(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let rule = try await Fixtures.rule(db, owner: owner, mode: .rearm)
            let recorder = DatabaseFiringRecorder(database: db)
            let firing = Fixtures.firing(rule, price: 2_800_00, next: .inside)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                // As many writers as the pool has connections per event loop (4): they race on the row and the key,
                // not on the pool, whose 10 s wait can expire on a loaded CI machine.
                for _ in 0..<4 { group.addTask { try await recorder.record(firing).record != nil } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // A rearm rule stays live, so only the unique key can stop the duplicates; the fire count decides the
            // fire number, so racing writers either see the new count (and make firing 2, 3…) or collide.
            let items = try await CartStore(database: db).list(owner: owner, limit: 1_000).items
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
            let recorder = DatabaseFiringRecorder(database: db)

            let paused = try await Fixtures.rule(db, owner: owner)
            _ = try await store.update(paused.id, owner: owner, edit: RuleEdit(active: false), now: Fixtures.start)
            #expect(try await recorder.record(Fixtures.firing(paused, price: 2_800_00)) == .superseded)

            let edited = try await Fixtures.rule(db, owner: owner)
            _ = try await store.update(edited.id, owner: owner,
                                       edit: RuleEdit(min: Money(paise: 100_00), max: Money(paise: 200_00)),
                                       now: Fixtures.start)
            #expect(try await recorder.record(Fixtures.firing(edited, price: 2_800_00)) == .superseded)

            let deleted = try await Fixtures.rule(db, owner: owner)
            #expect(try await store.delete(deleted.id, owner: owner) != nil)
            #expect(try await recorder.record(Fixtures.firing(deleted, price: 2_800_00)) == .superseded)

            #expect(try await CartStore(database: db).count(owner: owner) == 0)
        }
    }

    @Test("a retried firing whose first attempt committed is recognised and adds nothing", arguments: TestDatabase.enabled)
    func retryAfterCommit(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let rule = try await Fixtures.rule(db, owner: owner, mode: .rearm)
            let recorder = DatabaseFiringRecorder(database: db)
            let firing = Fixtures.firing(rule, price: 2_800_00, next: .watching)
            #expect(try await recorder.record(firing).record?.cartItem.fireNumber == 1)
            // A rearm rule that jumped through its range is armed again, so only the firing's time tells a retry.
            #expect(try await recorder.record(firing) == .alreadyRecorded)
            var later = firing
            later.time = firing.time.addingTimeInterval(1)
            #expect(try await recorder.record(later).record?.cartItem.fireNumber == 2)
            #expect(try await CartStore(database: db).count(owner: owner) == 2)
        }
    }

    @Test("a fire count that fell behind its cart items is repaired, and the firing recorded after them",
          arguments: TestDatabase.enabled)
    func reconcile(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let rule = try await Fixtures.rule(db, owner: owner, mode: .rearm)
            let recorder = DatabaseFiringRecorder(database: db)
            let first = Fixtures.firing(rule, price: 2_800_00, next: .inside)
            _ = try await recorder.record(first)
            // What the lost update of an edit used to leave behind: the count and time of the firing overwritten.
            let sql = try #require(db as? any SQLDatabase)
            try await sql.update(RuleModel.schema).set("fire_count", to: 0).set("last_fired_at", to: SQLLiteral.null)
                .set("state", to: "watching").run()

            var second = first
            second.time = first.time.addingTimeInterval(5)
            guard case let .reconciled(record, repairedFrom) = try await recorder.record(second) else {
                Issue.record("the firing was not reconciled")
                return
            }
            #expect(repairedFrom == 0)
            #expect(record.cartItem.fireNumber == 2 && record.rule.fireCount == 2)
            let stored = try #require(try await RuleStore(database: db).get(rule.id, owner: owner))
            #expect(stored.fireCount == 2 && stored.state == .inside)
            #expect(Set(try await CartStore(database: db).list(owner: owner, limit: 1_000).items.compactMap(\.fireNumber)) == [1, 2])

            // The second firing again (a retry), with the rule's record of it gone: its cart item still tells.
            try await sql.update(RuleModel.schema).set("fire_count", to: 0).set("last_fired_at", to: SQLLiteral.null)
                .run()
            #expect(try await recorder.record(second) == .alreadyRecorded)
            #expect(try await CartStore(database: db).count(owner: owner) == 2)
        }
    }

    @Test("edits and firings racing on one rule keep its fire count equal to its cart items",
          arguments: TestDatabase.enabled)
    func editsRacingFirings(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let rule = try await Fixtures.rule(db, owner: owner, mode: .rearm)
            let store = RuleStore(database: db)
            let recorder = DatabaseFiringRecorder(database: db)
            // Two engines firing (each retrying until three of its firings are recorded) against two users pausing
            // and re-activating the rule, each ending with it active: four writers, as many as the pool has
            // connections per event loop, so they race on the row and not for connections (whose 10 s wait can
            // expire on a loaded machine).
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<2 {
                    group.addTask {
                        var recorded = 0
                        for attempt in 0..<400 where recorded < 3 {
                            guard let current = try await store.get(rule.id, owner: owner) else { return }
                            if current.state.isLive {
                                // A firing of the rule as the engine last saw it; an edit in between supersedes it.
                                var firing = Fixtures.firing(current, price: 2_800_00, next: .inside)
                                firing.time = Fixtures.start.addingTimeInterval(Double(task * 1_000 + attempt))
                                if try await recorder.record(firing).record != nil { recorded += 1 }
                            }
                            try await Task.sleep(for: .milliseconds(1))
                        }
                    }
                    group.addTask {
                        for edit in 0..<12 {
                            _ = try await store.update(rule.id, owner: owner, edit: RuleEdit(active: edit % 2 == 1),
                                                       now: Fixtures.start)
                        }
                    }
                }
                try await group.waitForAll()
            }
            // One more firing after the race, at whatever revision the rule ended on.
            _ = try await store.update(rule.id, owner: owner, edit: RuleEdit(active: true), now: Fixtures.start)
            let current = try #require(try await store.get(rule.id, owner: owner))
            var last = Fixtures.firing(current, price: 2_800_00, next: .inside)
            last.time = Fixtures.start.addingTimeInterval(100_000)
            #expect(try await recorder.record(last).record != nil)

            let stored = try #require(try await store.get(rule.id, owner: owner))
            let numbers = try await CartStore(database: db).list(owner: owner, limit: 1_000).items.compactMap(\.fireNumber).sorted()
            #expect(stored.fireCount == numbers.count)
            #expect(numbers == Array(1...max(1, numbers.count)), "\(numbers)")
            #expect(numbers.count >= 2, "no firing was recorded during the race: \(numbers)")
        }
    }
}
