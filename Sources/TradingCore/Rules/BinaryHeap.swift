/// An array-backed binary heap: O(1) peek, O(log n) push and pop. `ascending` keeps the smallest element on top.
struct BinaryHeap<Element: Comparable>: Sendable where Element: Sendable {
    enum Order: Sendable { case ascending, descending }

    private var storage: [Element] = []
    private let order: Order

    init(order: Order) { self.order = order }

    var count: Int { storage.count }
    var peek: Element? { storage.first }

    mutating func push(_ element: Element) {
        storage.append(element)
        siftUp(from: storage.count - 1)
    }

    @discardableResult
    mutating func pop() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let top = storage.removeLast()
        if !storage.isEmpty { siftDown(from: 0) }
        return top
    }

    /// Drops every element matching `shouldRemove` and re-heapifies in O(n).
    mutating func removeAll(where shouldRemove: (Element) -> Bool) {
        storage.removeAll(where: shouldRemove)
        guard storage.count > 1 else { return }
        for index in stride(from: storage.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }

    @inline(__always)
    private func higher(_ a: Element, _ b: Element) -> Bool {
        order == .ascending ? a < b : b < a
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        let element = storage[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard higher(element, storage[parent]) else { break }
            storage[child] = storage[parent]
            child = parent
        }
        storage[child] = element
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let element = storage[parent]
        let count = storage.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            var best = left
            if right < count, higher(storage[right], storage[left]) { best = right }
            guard higher(storage[best], element) else { break }
            storage[parent] = storage[best]
            parent = best
        }
        storage[parent] = element
    }
}
