/// The per-symbol matcher at the heart of the automation engine: given the next price of one symbol, it returns the
/// rules whose state changes, in O(log n + k) for k such rules, and in O(1) when nothing changes.
///
/// ## How it works
/// A rule is *armed* (waiting for the price to enter its range) or *inside* (a `rearm` rule that fired and waits for
/// the price to leave). The book keeps one invariant after every price it has seen: no armed rule contains the
/// current price, and every inside rule does. So when the price moves up from `p0` to `p1`, exactly the armed rules
/// with `p0 < min ≤ p1` have been entered (or jumped through), and exactly the inside rules with `max < p1` have been
/// left; moving down is the mirror image. Four binary heaps answer those questions by popping from their top:
///
/// - `armedAbove`: armed rules above the price, a min-heap on `min`;
/// - `armedBelow`: armed rules below the price, a max-heap on `max`;
/// - `insideByMax` / `insideByMin`: inside rules, min-heap on `max` and max-heap on `min`.
///
/// Removal is lazy: each rule carries an epoch, every heap entry the epoch it was pushed with, and an entry whose
/// epoch is no longer current is discarded when it reaches the top. Heaps are rebuilt when stale entries outnumber
/// live ones, so memory stays proportional to the live rules.
///
/// A rule added to the book is *pending* until the next price: then it fires at once if that price is inside its
/// range (so a rule created with the price already inside fires on the next tick), or joins the matching heap.
/// The book is a plain value with no clocks or I/O; the engine and the backtester drive it alike.
public struct RuleBook: Sendable {
    /// What the book knows of one rule.
    public struct Entry: Hashable, Sendable {
        public var id: RuleID
        public var range: PriceRange
        public var mode: RuleMode
        /// The rule's owner, carried so a firing needs no lookup.
        public var owner: UserID
        public init(id: RuleID, range: PriceRange, mode: RuleMode, owner: UserID) {
            self.id = id
            self.range = range
            self.mode = mode
            self.owner = owner
        }
    }

    /// A rule's state inside the book.
    public enum State: Hashable, Sendable {
        /// Added since the last price; placed on the next one.
        case pending(armed: Bool)
        /// Waiting for the price to enter the range.
        case armed
        /// A `rearm` rule that fired; waits for the price to leave the range.
        case inside
    }

    /// Storage for one rule. Heaps refer to rules by slot number, not by id: the hot path indexes an array instead
    /// of hashing a UUID. A freed slot is reused; the book-wide epoch keeps old heap entries from matching it.
    private struct Slot {
        var entry: Entry
        var state: State
        var epoch: UInt64
        var live: Bool
    }

    private var slots: [Slot] = []
    private var freeSlots: [Int32] = []
    private var index: [RuleID: Int32] = [:]
    private var pending: [Int32] = []
    private var armedAbove = BinaryHeap<HeapItem>(order: .ascending)
    private var armedBelow = BinaryHeap<HeapItem>(order: .descending)
    private var insideByMax = BinaryHeap<HeapItem>(order: .ascending)
    private var insideByMin = BinaryHeap<HeapItem>(order: .descending)
    private var staleEntries = 0
    /// Book-wide counter, so an entry pushed for an earlier occupant of a slot can never look current.
    private var nextEpoch: UInt64 = 0

    /// The last price the book has seen, nil before the first.
    public private(set) var lastPrice: Money?

    public init() {}

    /// Number of rules in the book (pending, armed and inside).
    public var count: Int { index.count }
    public var isEmpty: Bool { index.isEmpty }

    public func state(of id: RuleID) -> State? { index[id].map { slots[Int($0)].state } }
    public func contains(_ id: RuleID) -> Bool { index[id] != nil }

    /// Adds or replaces a rule. `armed: false` is for a `rearm` rule restored after it fired, which must see the price
    /// outside its range before it can fire again. The rule is evaluated against the next price.
    public mutating func upsert(_ entry: Entry, armed: Bool = true) {
        if index[entry.id] != nil { remove(entry.id) }
        let slot = Slot(entry: entry, state: .pending(armed: armed), epoch: takeEpoch(), live: true)
        let handle: Int32
        if let reused = freeSlots.popLast() {
            handle = reused
            slots[Int(handle)] = slot
        } else {
            handle = Int32(slots.count)
            slots.append(slot)
        }
        index[entry.id] = handle
        pending.append(handle)
    }

    /// Removes a rule; a no-op for an unknown id.
    public mutating func remove(_ id: RuleID) {
        guard let handle = index.removeValue(forKey: id) else { return }
        switch slots[Int(handle)].state {
        case .pending: pending.removeAll { $0 == handle }
        case .armed: staleEntries += 1
        case .inside: staleEntries += 2
        }
        release(handle)
        compactIfNeeded()
    }

    /// Moves the book to `price` and returns the rules that fired, in the order the price reached them.
    /// `once` rules that fire leave the book; `rearm` rules stay, inside the range or re-armed if the price is past it.
    public mutating func apply(price: Money) -> [Firing] {
        var fired: [Firing] = []
        if let previous = lastPrice, previous != price {
            if price > previous {
                moveUp(to: price.paise, fired: &fired)
            } else {
                moveDown(to: price.paise, fired: &fired)
            }
        }
        lastPrice = price
        if !pending.isEmpty { placePending(at: price, fired: &fired) }
        compactIfNeeded()
        return fired
    }

    /// One rule that fired, and whether it stays in the book.
    public struct Firing: Hashable, Sendable {
        public var entry: Entry
        public var price: Money
        /// True when a `rearm` rule remains in the book after firing.
        public var remains: Bool
    }

    // MARK: - movement

    private mutating func moveUp(to price: Int64, fired: inout [Firing]) {
        // Inside rules whose max is now below the price have been left: re-arm them below.
        while let top = insideByMax.peek, top.key < price {
            insideByMax.pop()
            guard isCurrent(top, state: .inside) else { continue }
            staleEntries += 1 // its twin in insideByMin
            arm(top.slot, below: true)
        }
        // Armed rules above whose min the price reached or passed have been entered.
        while let top = armedAbove.peek, top.key <= price {
            armedAbove.pop()
            guard isCurrent(top, state: .armed) else { continue }
            fire(top.slot, at: Money(paise: price), fired: &fired)
        }
    }

    private mutating func moveDown(to price: Int64, fired: inout [Firing]) {
        while let top = insideByMin.peek, top.key > price {
            insideByMin.pop()
            guard isCurrent(top, state: .inside) else { continue }
            staleEntries += 1 // its twin in insideByMax
            arm(top.slot, below: false)
        }
        while let top = armedBelow.peek, top.key >= price {
            armedBelow.pop()
            guard isCurrent(top, state: .armed) else { continue }
            fire(top.slot, at: Money(paise: price), fired: &fired)
        }
    }

    private mutating func placePending(at price: Money, fired: inout [Firing]) {
        let placing = pending
        pending.removeAll(keepingCapacity: true)
        for handle in placing {
            let slot = slots[Int(handle)]
            guard slot.live, case .pending(let armed) = slot.state else { continue }
            let range = slot.entry.range
            if range.contains(price) {
                if armed {
                    fire(handle, at: price, fired: &fired)
                } else {
                    enterInside(handle)
                }
            } else {
                arm(handle, below: range.max < price)
            }
        }
    }

    // MARK: - state changes

    private mutating func fire(_ handle: Int32, at price: Money, fired: inout [Firing]) {
        let entry = slots[Int(handle)].entry
        let remains = entry.mode == .rearm
        fired.append(Firing(entry: entry, price: price, remains: remains))
        guard remains else {
            index[entry.id] = nil
            release(handle)
            return
        }
        if entry.range.contains(price) {
            enterInside(handle)
        } else {
            // The price jumped through the whole range in one move: it has entered and left, so re-arm at once.
            arm(handle, below: entry.range.max < price)
        }
    }

    private mutating func arm(_ handle: Int32, below: Bool) {
        let epoch = takeEpoch()
        slots[Int(handle)].epoch = epoch
        slots[Int(handle)].state = .armed
        let range = slots[Int(handle)].entry.range
        if below {
            armedBelow.push(HeapItem(key: range.max.paise, slot: handle, epoch: epoch))
        } else {
            armedAbove.push(HeapItem(key: range.min.paise, slot: handle, epoch: epoch))
        }
    }

    private mutating func enterInside(_ handle: Int32) {
        let epoch = takeEpoch()
        slots[Int(handle)].epoch = epoch
        slots[Int(handle)].state = .inside
        let range = slots[Int(handle)].entry.range
        insideByMax.push(HeapItem(key: range.max.paise, slot: handle, epoch: epoch))
        insideByMin.push(HeapItem(key: range.min.paise, slot: handle, epoch: epoch))
    }

    private mutating func release(_ handle: Int32) {
        slots[Int(handle)].live = false
        slots[Int(handle)].epoch = takeEpoch()
        freeSlots.append(handle)
    }

    private mutating func takeEpoch() -> UInt64 {
        nextEpoch &+= 1
        return nextEpoch
    }

    private func isCurrent(_ item: HeapItem, state: State) -> Bool {
        Self.isCurrent(item, state: state, in: slots)
    }

    @inline(__always)
    private static func isCurrent(_ item: HeapItem, state: State, in slots: [Slot]) -> Bool {
        let slot = slots[Int(item.slot)]
        return slot.live && slot.epoch == item.epoch && slot.state == state
    }

    /// Rebuilds the heaps without stale entries once those outnumber the live rules (amortised O(1) per removal).
    private mutating func compactIfNeeded() {
        guard staleEntries > 64, staleEntries > index.count else { return }
        // The filters read the slots while a heap (part of `self`) is being mutated, so they must not capture `self`:
        // a local copy of the array (copy-on-write, nothing is copied) avoids the overlapping access.
        let live = slots
        armedAbove.removeAll { !Self.isCurrent($0, state: .armed, in: live) }
        armedBelow.removeAll { !Self.isCurrent($0, state: .armed, in: live) }
        insideByMax.removeAll { !Self.isCurrent($0, state: .inside, in: live) }
        insideByMin.removeAll { !Self.isCurrent($0, state: .inside, in: live) }
        staleEntries = 0
    }
}

/// A heap entry: the boundary price (paise) the heap is ordered on, and which slot at which epoch it stands for.
/// 24 bytes, compared on one integer.
struct HeapItem: Comparable, Sendable {
    var key: Int64
    var slot: Int32
    var epoch: UInt64
    static func < (lhs: HeapItem, rhs: HeapItem) -> Bool { lhs.key < rhs.key }
}
