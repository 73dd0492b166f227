import Foundation
import Testing
@testable import TradingCore

@Suite("RuleSlotIndex")
struct RuleSlotIndexTests {
    @Test("agrees with a Dictionary through random inserts, replacements and removals",
          arguments: [1, 2, 3] as [UInt64])
    func matchesDictionary(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var index = RuleSlotIndex()
        var model: [RuleID: Int32] = [:]
        // Few distinct ids, so the same ids are replaced and removed many times over, and the table grows through
        // several sizes while probe runs wrap around its end.
        let ids = (0..<600).map(ruleID) + (0..<600).map { _ in RuleID(UUID()) }
        for step in 0..<20_000 {
            let id = ids[Int.random(in: 0..<ids.count, using: &random)]
            if Int.random(in: 0..<3, using: &random) == 0 {
                #expect(index.removeValue(forKey: id) == model.removeValue(forKey: id))
            } else {
                let slot = Int32(step)
                #expect(index.exchange(id, slot: slot) == (model.updateValue(slot, forKey: id) ?? -1))
            }
            #expect(index.count == model.count)
        }
        for id in ids { #expect(index[id] == model[id]) }
    }

    @Test("filter keeps exactly the accepted mappings, and the index stays usable")
    func filterKeeps() {
        var index = RuleSlotIndex()
        for number in 0..<1_000 { _ = index.exchange(ruleID(number), slot: Int32(number)) }
        index.filter { _, slot in slot % 3 == 0 }
        #expect(index.count == 334)
        for number in 0..<1_000 {
            #expect(index[ruleID(number)] == (number % 3 == 0 ? Int32(number) : nil))
        }
        #expect(index.exchange(ruleID(1), slot: 7) == -1)
        #expect(index.exchange(ruleID(3), slot: 8) == 3)
        #expect(index[ruleID(1)] == 7)
        #expect(index[ruleID(3)] == 8)
        index.filter { _, _ in false }
        #expect(index.count == 0)
        #expect(index[ruleID(3)] == nil)
    }
}
