import Fluent
import Foundation
import Persistence
import Synchronization
import Testing
import TestSupport
import TradingCore

@Suite("Rule store")
struct RuleStoreTests {
    @Test("live rules load a batch at a time, each exactly once, without the paused ones", arguments: TestDatabase.enabled)
    func liveRulesInPages(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            var live: Set<RuleID> = []
            for index in 0..<25 {
                let rule = try await Fixtures.rule(db, owner: owner, mode: index % 2 == 0 ? .once : .rearm)
                if index % 5 == 4 {
                    _ = try await RuleStore(database: db).update(rule.id, owner: owner, edit: RuleEdit(active: false),
                                                                 now: Fixtures.start)
                } else {
                    live.insert(rule.id)
                }
            }
            let pages = Mutex<[[PriceRule]]>([])
            try await RuleStore(database: db).liveRules(batchSize: 7) { page in pages.withLock { $0.append(page) } }
            let loaded = pages.withLock { $0 }
            #expect(loaded.map(\.count) == [7, 7, 6])
            let ids = loaded.flatMap { $0.map(\.id) }
            #expect(Set(ids) == live && ids.count == live.count)
            #expect(loaded.flatMap { $0 }.allSatisfy { $0.state.isLive && $0.owner == owner })
        }
    }
}
