import Testing
@testable import TradingCore

/// A ladder and the same pairs in a plain array sorted by key (equal keys in insertion order), to compare against.
private struct LadderAndModel {
    var ladder = PriceLadder()
    var model: [(key: Int64, slot: Int32)] = []

    mutating func insert(_ key: Int64, _ slot: Int32) {
        ladder.insert(key: key, slot: slot)
        let at = model.firstIndex { $0.key > key } ?? model.count
        model.insert((key, slot), at: at)
    }

    func flatIndex(_ position: PriceLadder.Position) -> Int { ladder.flatIndex(position) }
}

extension PriceLadder {
    /// The number of pairs before `position`, so positions compare as places (the end of one block and the start of
    /// the next are the same place).
    func flatIndex(_ position: Position) -> Int {
        var after = 0
        _ = ascending(from: position, to: .max, inclusive: true) { _ in after += 1 }
        return count - after
    }
}

@Suite("PriceLadder")
struct PriceLadderTests {
    @Test("insertions keep the pairs sorted, equal keys in insertion order, across many block splits",
          arguments: [1, 2, 3] as [UInt64])
    func insertKeepsOrder(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var both = LadderAndModel()
        // Few distinct keys, so long runs of equal keys cross block boundaries.
        for slot in 0..<3_000 {
            both.insert(Int64.random(in: 0...40, using: &random) * 5, Int32(slot))
        }
        #expect(both.ladder.count == 3_000)
        #expect(both.ladder.keysInOrder == both.model.map(\.key))
        #expect(both.ladder.slotsInOrder == both.model.map(\.slot))
    }

    @Test("position(of:) is the first key at least, or above, the price")
    func positions() {
        var random = SeededGenerator(seed: 11)
        var both = LadderAndModel()
        for slot in 0..<1_000 { both.insert(Int64.random(in: 100...400, using: &random), Int32(slot)) }
        for key in Int64(90)...410 {
            let atLeast = both.model.firstIndex { $0.key >= key } ?? both.model.count
            let above = both.model.firstIndex { $0.key > key } ?? both.model.count
            #expect(both.flatIndex(both.ladder.position(of: key, strictlyAbove: false)) == atLeast)
            #expect(both.flatIndex(both.ladder.position(of: key, strictlyAbove: true)) == above)
        }
    }

    @Test("walks visit exactly the pairs a move passes, in order, and stop at the new price's place")
    func walks() {
        var random = SeededGenerator(seed: 5)
        var both = LadderAndModel()
        for slot in 0..<700 { both.insert(Int64.random(in: 0...300, using: &random), Int32(slot)) }
        let keys = both.model.map(\.key)
        func firstIndex(atLeast key: Int64) -> Int { keys.firstIndex { $0 >= key } ?? keys.count }
        func firstIndex(above key: Int64) -> Int { keys.firstIndex { $0 > key } ?? keys.count }
        func slots(_ include: (Int64) -> Bool) -> [Int32] { both.model.filter { include($0.key) }.map(\.slot) }
        for _ in 0..<400 {
            let a = Int64.random(in: -10...310, using: &random)
            let b = Int64.random(in: -10...310, using: &random)
            guard a != b else { continue }
            let (low, high) = (min(a, b), max(a, b))
            // The four walks of `RuleBook`: up from `low` to `high` over the maxima (low ≤ key < high) and the
            // minima (low < key ≤ high), then down from `high` to `low` over the minima and the maxima.
            var visited: [Int32] = []
            var end = both.ladder.ascending(from: both.ladder.position(of: low, strictlyAbove: false), to: high,
                                            inclusive: false) { visited.append($0) }
            #expect(visited == slots { low <= $0 && $0 < high })
            #expect(both.flatIndex(end) == firstIndex(atLeast: high))

            visited = []
            end = both.ladder.ascending(from: both.ladder.position(of: low, strictlyAbove: true), to: high,
                                        inclusive: true) { visited.append($0) }
            #expect(visited == slots { low < $0 && $0 <= high })
            #expect(both.flatIndex(end) == firstIndex(above: high))

            visited = []
            end = both.ladder.descending(from: both.ladder.position(of: high, strictlyAbove: true), to: low,
                                         inclusive: false) { visited.append($0) }
            #expect(visited == slots { low < $0 && $0 <= high }.reversed())
            #expect(both.flatIndex(end) == firstIndex(above: low))

            visited = []
            end = both.ladder.descending(from: both.ladder.position(of: high, strictlyAbove: false), to: low,
                                         inclusive: true) { visited.append($0) }
            #expect(visited == slots { low <= $0 && $0 < high }.reversed())
            #expect(both.flatIndex(end) == firstIndex(atLeast: low))
        }
    }

    @Test("a cursor knows the keys on either side of its place")
    func cursorNeighbours() {
        var both = LadderAndModel()
        #expect(both.ladder.cursor(at: both.ladder.position(of: 10, strictlyAbove: false))
            == PriceLadder.Cursor(position: .init(block: 0, offset: 0), above: .max, below: .min))
        for slot in 0..<500 { both.insert(Int64(slot / 3) * 2, Int32(slot)) }  // 0, 0, 0, 2, 2, 2, …, 332
        for key in Int64(-1)...340 {
            for strictlyAbove in [false, true] {
                let cursor = both.ladder.cursor(at: both.ladder.position(of: key, strictlyAbove: strictlyAbove))
                let next = both.model.first { strictlyAbove ? $0.key > key : $0.key >= key }?.key ?? .max
                let previous = both.model.last { strictlyAbove ? $0.key <= key : $0.key < key }?.key ?? .min
                #expect(cursor.above == next)
                #expect(cursor.below == previous)
            }
        }
    }

    @Test("an insertion told the cursor's price keeps the cursor where a fresh search would put it",
          arguments: [false, true])
    func insertKeepsCursor(strictlyAbove: Bool) {
        var random = SeededGenerator(seed: strictlyAbove ? 31 : 32)
        var ladder = PriceLadder()
        var price: Int64 = 200
        // Few distinct keys around the price, so equal keys, keys equal to the price, block splits and cursors at
        // block boundaries all occur many times.
        for slot in 0..<6_000 {
            if slot % 50 == 0 {
                // A new price: forget the cursor (a rebuild does), and search one for the new price below.
                price = Int64.random(in: 150...250, using: &random)
                ladder.rebuild { _ in true }
            }
            _ = ladder.cursor(for: price, strictlyAbove: strictlyAbove)
            let key = Int64.random(in: 140...260, using: &random)
            ladder.insert(key: key, slot: Int32(slot), cursorAt: price, strictlyAbove: strictlyAbove)
            let kept = ladder.cursor
            let fresh = ladder.cursor(at: ladder.position(of: price, strictlyAbove: strictlyAbove))
            #expect(kept != nil)
            // Equal as places: positions may differ only as the end of one block versus the start of the next.
            #expect(kept?.above == fresh.above)
            #expect(kept?.below == fresh.below)
            #expect(kept.map { ladder.flatIndex($0.position) } == ladder.flatIndex(fresh.position))
            // Forget it now and then, so the next insertion also starts from a freshly searched cursor.
            if slot % 7 == 0 { ladder.rebuild { _ in true } }
        }
        #expect(ladder.count == 6_000)
    }

    @Test("rebuild keeps only the accepted pairs, in order, and the ladder stays usable")
    func rebuild() {
        var random = SeededGenerator(seed: 21)
        var both = LadderAndModel()
        for slot in 0..<2_000 { both.insert(Int64.random(in: 0...500, using: &random), Int32(slot)) }
        _ = both.ladder.cursor(for: 250, strictlyAbove: false)
        both.ladder.rebuild { $0 % 3 != 0 }
        both.model.removeAll { $0.slot % 3 == 0 }
        #expect(both.ladder.cursor == nil)
        #expect(both.ladder.count == both.model.count)
        #expect(both.ladder.slotsInOrder == both.model.map(\.slot))
        _ = both.ladder.cursor(for: 250, strictlyAbove: false)
        for slot in 2_000..<2_600 { both.insert(Int64.random(in: 0...500, using: &random), Int32(slot)) }
        #expect(both.ladder.cursor == nil)  // an insertion moves positions
        #expect(both.ladder.keysInOrder == both.model.map(\.key))
        #expect(both.ladder.slotsInOrder == both.model.map(\.slot))

        both.ladder.rebuild { _ in false }
        #expect(both.ladder.count == 0)
        #expect(both.ladder.slotsInOrder.isEmpty)
        both.insert(7, 1)
        #expect(both.ladder.slotsInOrder == [1])
    }
}
