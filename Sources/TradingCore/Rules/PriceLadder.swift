import Foundation

/// A sorted sequence of (price, slot) pairs kept in blocks of at most `blockCapacity`, for `RuleBook`: it walks the
/// pairs between two prices in order, reading neighbouring memory, and inserts in O(log n + blockCapacity).
///
/// Blocks live side by side, each `blockCapacity` pairs long and filled from its start; `order` lists them in key
/// order and `firstKeys` holds each one's smallest key (in the same order) for the binary search. The keys and the
/// slots are kept in two parallel arrays, so finding a place reads only keys (eight to a cache line) and an insertion
/// moves each half with one `memmove`. Pairs with equal keys keep their insertion order. Nothing is ever removed one
/// by one: `rebuild(keeping:)` drops pairs in bulk.
///
/// A `Position` is a place between pairs: block `block` (in key order), before its pair number `offset`. An offset
/// equal to the block's count is the same place as the start of the next block.
struct PriceLadder: Sendable {
    struct Position: Equatable, Sendable {
        var block: Int
        var offset: Int
    }

    /// A position and the keys on either side of it, so a caller can tell that a move passes no key without
    /// touching the ladder's storage.
    struct Cursor: Equatable, Sendable {
        var position: Position
        /// The key of the pair just after `position`, or `Int64.max` when there is none.
        var above: Int64
        /// The key of the pair just before `position`, or `Int64.min` when there is none.
        var below: Int64
    }

    static let blockCapacity = 128
    /// How full `rebuild` leaves each block, so the next insertions do not split at once.
    static let rebuildFill = 96

    /// Where the owner's last walk stopped. A rebuild clears it, and so does `insert(key:slot:)`; the insertion that is
    /// told the cursor's price moves it instead. Declared first, so that it lies next to the owner's other per-tick
    /// fields.
    private(set) var cursor: Cursor?
    private var keys: [Int64] = []
    private var slots: [Int32] = []
    private var counts: [Int32] = []
    private var order: [Int32] = []
    private var firstKeys: [Int64] = []
    private(set) var count = 0

    init() {}

    // MARK: - finding

    /// The place before the first pair whose key is at least `key` (`strictlyAbove: false`) or above it (`true`).
    func position(of key: Int64, strictlyAbove: Bool) -> Position {
        // The first block whose first key is past `key` (≥, or > when strictly above): the place is in the block
        // before it, or at that block's start.
        var low = 0, high = firstKeys.count
        while low < high {
            let mid = (low + high) >> 1
            let first = firstKeys[mid]
            if strictlyAbove ? first > key : first >= key { high = mid } else { low = mid + 1 }
        }
        guard low > 0 else { return Position(block: 0, offset: 0) }
        let block = low - 1
        let base = Int(order[block]) &* Self.blockCapacity
        var lowOffset = 0, highOffset = Int(counts[Int(order[block])])
        while lowOffset < highOffset {
            let mid = (lowOffset + highOffset) >> 1
            let pairKey = keys[base + mid]
            if strictlyAbove ? pairKey > key : pairKey >= key { highOffset = mid } else { lowOffset = mid + 1 }
        }
        return Position(block: block, offset: lowOffset)
    }

    /// `position` with the keys on either side of it.
    func cursor(at position: Position) -> Cursor {
        var above = Int64.max, below = Int64.min
        var block = position.block, offset = position.offset
        if block < order.count, offset == Int(counts[Int(order[block])]) {
            block += 1
            offset = 0
        }
        if block < order.count {
            above = keys[Int(order[block]) * Self.blockCapacity + offset]
        }
        if offset > 0 {
            below = keys[Int(order[block]) * Self.blockCapacity + offset - 1]
        } else if block > 0 {
            let previous = Int(order[block - 1])
            let filled = Int(counts[previous])
            if filled > 0 { below = keys[previous * Self.blockCapacity + filled - 1] }
        }
        return Cursor(position: position, above: above, below: below)
    }

    /// The cursor for `price` (kept from the last walk, or found and kept now): the place before the first key
    /// at least `price` (`strictlyAbove: false`) or above it (`true`). Mutating only so that calling it on a
    /// ladder stored in another value copies nothing.
    mutating func cursor(for price: Int64, strictlyAbove: Bool) -> Cursor {
        if let cursor { return cursor }
        let found = cursor(at: position(of: price, strictlyAbove: strictlyAbove))
        cursor = found
        return found
    }

    /// `ascending`, then keeps the place it stopped as the cursor.
    @inline(__always)
    mutating func walkUp(from start: Position, to limit: Int64, inclusive: Bool, _ visit: (Int32) -> Void) {
        cursor = cursor(at: ascending(from: start, to: limit, inclusive: inclusive, visit))
    }

    /// `descending`, then keeps the place it stopped as the cursor.
    @inline(__always)
    mutating func walkDown(from start: Position, to limit: Int64, inclusive: Bool, _ visit: (Int32) -> Void) {
        cursor = cursor(at: descending(from: start, to: limit, inclusive: inclusive, visit))
    }

    // MARK: - walking

    /// Visits, in ascending key order from `start`, the slots of the pairs whose key is below `limit` (or at most
    /// `limit` when `inclusive`); returns the place before the first pair it did not visit.
    @inline(__always)
    func ascending(from start: Position, to limit: Int64, inclusive: Bool, _ visit: (Int32) -> Void) -> Position {
        var block = start.block
        var offset = start.offset
        let blocks = order.count
        while block < blocks {
            let physical = Int(order[block])
            let base = physical &* Self.blockCapacity
            let count = Int(counts[physical])
            while offset < count {
                let key = keys[base &+ offset]
                if inclusive ? key > limit : key >= limit {
                    return Position(block: block, offset: offset)
                }
                visit(slots[base &+ offset])
                offset &+= 1
            }
            block &+= 1
            offset = 0
        }
        return Position(block: blocks, offset: 0)
    }

    /// Visits, in descending key order from the pair before `start`, the slots of the pairs whose key is above
    /// `limit` (or at least `limit` when `inclusive`); returns the place after the last pair it visited (before the
    /// first it did not).
    @inline(__always)
    func descending(from start: Position, to limit: Int64, inclusive: Bool, _ visit: (Int32) -> Void) -> Position {
        var block = start.block
        var offset = start.offset
        while true {
            if offset == 0 {
                guard block > 0 else { return Position(block: 0, offset: 0) }
                block &-= 1
                offset = Int(counts[Int(order[block])])
                continue
            }
            let base = Int(order[block]) &* Self.blockCapacity
            while offset > 0 {
                let key = keys[base &+ offset &- 1]
                if inclusive ? key < limit : key <= limit {
                    return Position(block: block, offset: offset)
                }
                visit(slots[base &+ offset &- 1])
                offset &-= 1
            }
        }
    }

    // MARK: - changing

    /// Adds a pair after any pairs with the same key, and clears the cursor.
    mutating func insert(key: Int64, slot: Int32) {
        cursor = nil
        insert(key: key, slot: slot, cursorAt: 0, strictlyAbove: false)
    }

    /// Adds a pair after any pairs with the same key and keeps the cursor, which stands for `price` (the place
    /// before the first key at least `price`, or above it when `strictlyAbove`), pointing at the same place: so the
    /// next move needs no search, however many rules were added since the last one.
    mutating func insert(key: Int64, slot: Int32, cursorAt price: Int64, strictlyAbove: Bool) {
        var kept = cursor
        cursor = nil
        count += 1
        if order.isEmpty {
            // One empty block to insert into; the cursor of an empty ladder is already at its start.
            appendBlock()
            order.append(0)
            firstKeys.append(key)
        }
        // The last block whose first key is at most `key`, or the first block when `key` is below them all.
        var low = 0, high = firstKeys.count
        while low < high {
            let mid = (low + high) >> 1
            if firstKeys[mid] > key { high = mid } else { low = mid + 1 }
        }
        var block = Swift.max(low - 1, 0)
        if Int(counts[Int(order[block])]) == Self.blockCapacity {
            let full = block
            split(full)
            if key >= firstKeys[full + 1] { block += 1 }
            // The split moved the upper half of block `full` into a new block right after it.
            if let place = kept?.position {
                let half = Self.blockCapacity / 2
                if place.block > full {
                    kept?.position.block += 1
                } else if place.block == full, place.offset > half {
                    kept?.position = Position(block: full + 1, offset: place.offset - half)
                }
            }
        }
        let physical = Int(order[block])
        let base = physical * Self.blockCapacity
        let filled = Int(counts[physical])
        // The place after any equal keys, by binary search (few cache lines read); then each array moves its tail
        // with one `memmove`.
        let at = keys.withUnsafeMutableBufferPointer { keys in
            let block = keys.baseAddress! + base
            var at = 0, high = filled
            while at < high {
                let middle = (at &+ high) &>> 1
                if block[middle] > key { high = middle } else { at = middle &+ 1 }
            }
            memmove(block + at + 1, block + at, (filled - at) * MemoryLayout<Int64>.stride)
            block[at] = key
            return at
        }
        slots.withUnsafeMutableBufferPointer { slots in
            let block = slots.baseAddress! + base
            memmove(block + at + 1, block + at, (filled - at) * MemoryLayout<Int32>.stride)
            block[at] = slot
        }
        counts[physical] += 1
        if at == 0 { firstKeys[block] = key }
        guard var kept else { return }
        // Keys before the cursor's price lie before the cursor, the others after it.
        if strictlyAbove ? key <= price : key < price {
            kept.below = Swift.max(kept.below, key)
            // In the cursor's block the new pair is at or before its offset, which therefore moves on by one.
            if block == kept.position.block { kept.position.offset += 1 }
        } else {
            kept.above = Swift.min(kept.above, key)
            // A cursor at the start of a block is also the end of the block before; a pair appended to that block
            // lies after the cursor, so the cursor now names the place before the pair.
            if block == kept.position.block - 1, kept.position.offset == 0, at == filled {
                kept.position = Position(block: block, offset: at)
            }
        }
        cursor = kept
    }

    /// Keeps only the pairs whose slot `keep` accepts, packed into fresh blocks.
    mutating func rebuild(keeping keep: (Int32) -> Bool) {
        var keptKeys: [Int64] = [], keptSlots: [Int32] = []
        keptKeys.reserveCapacity(count)
        keptSlots.reserveCapacity(count)
        for block in order.indices {
            let physical = Int(order[block])
            let base = physical * Self.blockCapacity
            for offset in 0..<Int(counts[physical]) where keep(slots[base + offset]) {
                keptKeys.append(keys[base + offset])
                keptSlots.append(slots[base + offset])
            }
        }
        let blocks = (keptKeys.count + Self.rebuildFill - 1) / Self.rebuildFill
        keys = Array(repeating: 0, count: blocks * Self.blockCapacity)
        slots = Array(repeating: -1, count: blocks * Self.blockCapacity)
        counts = []
        counts.reserveCapacity(blocks)
        order = []
        order.reserveCapacity(blocks)
        firstKeys = []
        firstKeys.reserveCapacity(blocks)
        for block in 0..<blocks {
            let first = block * Self.rebuildFill
            let filled = Swift.min(Self.rebuildFill, keptKeys.count - first)
            for offset in 0..<filled {
                keys[block * Self.blockCapacity + offset] = keptKeys[first + offset]
                slots[block * Self.blockCapacity + offset] = keptSlots[first + offset]
            }
            counts.append(Int32(filled))
            order.append(Int32(block))
            firstKeys.append(keptKeys[first])
        }
        count = keptKeys.count
        cursor = nil
    }

    /// Every pair's slot in key order (tests and diagnostics).
    var slotsInOrder: [Int32] {
        var result: [Int32] = []
        _ = ascending(from: Position(block: 0, offset: 0), to: .max, inclusive: true) { result.append($0) }
        return result
    }

    /// Every pair's key in key order (tests and diagnostics).
    var keysInOrder: [Int64] {
        order.flatMap { physical in
            let base = Int(physical) * Self.blockCapacity
            return Array(keys[base..<base + Int(counts[Int(physical)])])
        }
    }

    private mutating func appendBlock() {
        keys.append(contentsOf: repeatElement(0, count: Self.blockCapacity))
        slots.append(contentsOf: repeatElement(-1, count: Self.blockCapacity))
        counts.append(0)
    }

    /// Moves the upper half of a full block into a new block placed right after it.
    private mutating func split(_ block: Int) {
        let physical = Int(order[block])
        let fresh = counts.count
        appendBlock()
        let half = Self.blockCapacity / 2
        let moving = Self.blockCapacity - half
        for offset in 0..<moving {
            keys[fresh * Self.blockCapacity + offset] = keys[physical * Self.blockCapacity + half + offset]
            slots[fresh * Self.blockCapacity + offset] = slots[physical * Self.blockCapacity + half + offset]
        }
        counts[physical] = Int32(half)
        counts[fresh] = Int32(moving)
        order.insert(Int32(fresh), at: block + 1)
        firstKeys.insert(keys[fresh * Self.blockCapacity], at: block + 1)
    }
}
