import Testing
@testable import TradingCore

@Suite("BinaryHeap")
struct BinaryHeapTests {
    @Test("pops in ascending or descending order", arguments: [BinaryHeap<Int>.Order.ascending, .descending])
    func popsInOrder(order: BinaryHeap<Int>.Order) {
        var random = SeededGenerator(seed: 7)
        var heap = BinaryHeap<Int>(order: order)
        let values = (0..<2_000).map { _ in Int.random(in: -500...500, using: &random) }
        for value in values { heap.push(value) }
        #expect(heap.count == values.count)
        var popped: [Int] = []
        while let value = heap.pop() { popped.append(value) }
        #expect(popped == (order == .ascending ? values.sorted() : values.sorted(by: >)))
        #expect(heap.count == 0)
        #expect(heap.peek == nil)
        #expect(heap.pop() == nil)
    }

    @Test("peek is the top without removing it")
    func peek() {
        var heap = BinaryHeap<Int>(order: .ascending)
        for value in [5, 3, 8, 3] { heap.push(value) }
        #expect(heap.peek == 3)
        #expect(heap.count == 4)
    }

    @Test("removeAll(where:) keeps the heap order for what remains", arguments: 0..<5)
    func removeAll(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        for order in [BinaryHeap<Int>.Order.ascending, .descending] {
            var heap = BinaryHeap<Int>(order: order)
            let count = Int.random(in: 0...300, using: &random)
            let values = (0..<count).map { _ in Int.random(in: 0...1_000, using: &random) }
            for value in values { heap.push(value) }
            // Interleave: pop a few, remove a residue class, push more, then drain.
            var model = values.sorted(by: order == .ascending ? (<) : (>))
            for _ in 0..<min(5, model.count) {
                #expect(heap.pop() == model.removeFirst())
            }
            let modulus = Int.random(in: 2...5, using: &random)
            heap.removeAll { $0 % modulus == 0 }
            model.removeAll { $0 % modulus == 0 }
            #expect(heap.count == model.count)
            for value in [1, 999, 500] {
                heap.push(value)
                model.append(value)
            }
            model.sort(by: order == .ascending ? (<) : (>))
            var drained: [Int] = []
            while let value = heap.pop() { drained.append(value) }
            #expect(drained == model)
        }
    }
}
