import HeapModule
import TradingCore

/// One symbol's orders waiting at the paper broker, arranged so that a tick reaches exactly the orders it fills.
///
/// A MARKET order fills at the next tick whatever its price. A LIMIT BUY fills at any price at or below its limit, so
/// the BUYs wait in a heap with the highest limit on top and a tick takes from the top while that limit is at or above
/// its price; the SELLs likewise with the lowest limit on top. A tick costs O(k log n) for the k orders it fills,
/// however many n still wait (the broker used to rebuild the whole list of waiting orders on every tick, under the
/// lock that order placement needs, so placing orders slowed down as resting orders piled up).
///
/// Cancelling only forgets the order in `waiting`; its heap entry is dropped when it surfaces, and the heaps are
/// rebuilt once such dead entries outnumber the live ones, so they never hold much more than twice what waits.
struct RestingOrderBook {
    /// An order as the book needs it: its limit in paise (0 for MARKET) and its arrival.
    struct Entry: Comparable {
        let limit: Int64
        let sequence: UInt64
        let id: OrderID

        static func < (left: Entry, right: Entry) -> Bool {
            (left.limit, left.sequence) < (right.limit, right.sequence)
        }
    }

    private var market: [Entry] = []
    private var buys = Heap<Entry>()
    private var sells = Heap<Entry>()
    /// The arrival number of every order still waiting: what the heaps hold beyond these is dead.
    private var waiting: [OrderID: UInt64] = [:]
    private var dead = 0

    var count: Int { waiting.count }
    var isEmpty: Bool { waiting.isEmpty }
    func contains(_ id: OrderID) -> Bool { waiting[id] != nil }

    /// Adds an order that arrived `sequence`-th at the broker.
    mutating func add(_ order: Order, sequence: UInt64) {
        let entry = Entry(limit: order.limitPrice?.paise ?? 0, sequence: sequence, id: order.id)
        waiting[order.id] = sequence
        switch (order.limitPrice, order.side) {
        case (nil, _): market.append(entry)
        case (.some, .buy): buys.insert(entry)
        case (.some, .sell): sells.insert(entry)
        }
    }

    /// Forgets a waiting order; false if the book does not hold it.
    mutating func remove(_ id: OrderID) -> Bool {
        guard waiting.removeValue(forKey: id) != nil else { return false }
        dead += 1
        if dead > waiting.count + 1_024 { compact() }
        return true
    }

    /// Takes out every order a tick at `price` fills, oldest first.
    mutating func fill(at price: Money) -> [OrderID] {
        var filled: [Entry] = []
        if !market.isEmpty {
            filled = market.filter { isLive($0) }
            dead -= market.count - filled.count
            market.removeAll(keepingCapacity: true)
        }
        while let top = buys.max, top.limit >= price.paise {
            _ = buys.popMax()
            if isLive(top) { filled.append(top) } else { dead -= 1 }
        }
        while let top = sells.min, top.limit <= price.paise {
            _ = sells.popMin()
            if isLive(top) { filled.append(top) } else { dead -= 1 }
        }
        for entry in filled { waiting[entry.id] = nil }
        return filled.sorted { $0.sequence < $1.sequence }.map(\.id)
    }

    /// Whether `entry` is the order still waiting (not a cancelled one's leftover).
    private func isLive(_ entry: Entry) -> Bool { waiting[entry.id] == entry.sequence }

    /// Drops the dead entries: O(n), after at least n cancellations.
    private mutating func compact() {
        market = market.filter { isLive($0) }
        buys = Heap(buys.unordered.filter { isLive($0) })
        sells = Heap(sells.unordered.filter { isLive($0) })
        dead = 0
    }
}
