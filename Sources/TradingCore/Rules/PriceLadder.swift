/// A sorted sequence of (price, slot) pairs kept in blocks of at most `blockCapacity`, for `RuleBook`: it walks the
/// pairs between two prices in order, reading neighbouring memory, and inserts in O(log n + blockCapacity).
///
/// Blocks live side by side in one array, each `blockCapacity` pairs long and filled from its start; `order` lists
/// them in key order and `firstKeys` holds each one's smallest key (in the same order) for the binary search. Pairs
/// with equal keys keep their insertion order. Nothing is ever removed one by one: `rebuild(keeping:)` drops pairs in
/// bulk.
///
/// A `Position` is a place between pairs: block `block` (in key order), before its pair number `offset`. An offset
/// equal to the block's count is the same place as the start of the next block.
struct PriceLadder: Sendable {
    struct Pair: Sendable {
        var key: Int64
        var slot: Int32
    }

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
    private static let filler = Pair(key: 0, slot: -1)

    /// Where the owner's last walk stopped; any insertion or rebuild clears it, because positions move. Declared
    /// first, so that it lies next to the owner's other per-tick fields.
    var cursor: Cursor?
    private var pairs: [Pair] = []
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
            let pairKey = pairs[base + mid].key
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
            above = pairs[Int(order[block]) * Self.blockCapacity + offset].key
        }
        if offset > 0 {
            below = pairs[Int(order[block]) * Self.blockCapacity + offset - 1].key
        } else if block > 0 {
            let previous = Int(order[block - 1])
            let filled = Int(counts[previous])
            if filled > 0 { below = pairs[previous * Self.blockCapacity + filled - 1].key }
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
                let pair = pairs[base &+ offset]
                if inclusive ? pair.key > limit : pair.key >= limit {
                    return Position(block: block, offset: offset)
                }
                visit(pair.slot)
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
                let pair = pairs[base &+ offset &- 1]
                if inclusive ? pair.key < limit : pair.key <= limit {
                    return Position(block: block, offset: offset)
                }
                visit(pair.slot)
                offset &-= 1
            }
        }
    }

    // MARK: - changing

    /// Adds a pair after any pairs with the same key.
    mutating func insert(key: Int64, slot: Int32) {
        cursor = nil
        count += 1
        guard !order.isEmpty else {
            appendBlock()
            order.append(0)
            firstKeys.append(key)
            pairs[0] = Pair(key: key, slot: slot)
            counts[0] = 1
            return
        }
        // The last block whose first key is at most `key`, or the first block when `key` is below them all.
        var low = 0, high = firstKeys.count
        while low < high {
            let mid = (low + high) >> 1
            if firstKeys[mid] > key { high = mid } else { low = mid + 1 }
        }
        var block = Swift.max(low - 1, 0)
        if Int(counts[Int(order[block])]) == Self.blockCapacity {
            split(block)
            if key >= firstKeys[block + 1] { block += 1 }
        }
        let physical = Int(order[block])
        let base = physical * Self.blockCapacity
        let filled = Int(counts[physical])
        // One backward pass finds the place (after any equal keys) and shifts the pairs above it: it reads the
        // same neighbouring memory as the shift alone, without a binary search's scattered reads.
        let at = pairs.withUnsafeMutableBufferPointer { pairs in
            var index = base &+ filled
            while index > base, pairs[index &- 1].key > key {
                pairs[index] = pairs[index &- 1]
                index &-= 1
            }
            pairs[index] = Pair(key: key, slot: slot)
            return index &- base
        }
        counts[physical] += 1
        if at == 0 { firstKeys[block] = key }
    }

    /// Keeps only the pairs whose slot `keep` accepts, packed into fresh blocks.
    mutating func rebuild(keeping keep: (Int32) -> Bool) {
        var kept: [Pair] = []
        kept.reserveCapacity(count)
        for block in order.indices {
            let physical = Int(order[block])
            let base = physical * Self.blockCapacity
            for offset in 0..<Int(counts[physical]) where keep(pairs[base + offset].slot) {
                kept.append(pairs[base + offset])
            }
        }
        let blocks = (kept.count + Self.rebuildFill - 1) / Self.rebuildFill
        pairs = Array(repeating: Self.filler, count: blocks * Self.blockCapacity)
        counts = []
        counts.reserveCapacity(blocks)
        order = []
        order.reserveCapacity(blocks)
        firstKeys = []
        firstKeys.reserveCapacity(blocks)
        for block in 0..<blocks {
            let first = block * Self.rebuildFill
            let filled = Swift.min(Self.rebuildFill, kept.count - first)
            for offset in 0..<filled { pairs[block * Self.blockCapacity + offset] = kept[first + offset] }
            counts.append(Int32(filled))
            order.append(Int32(block))
            firstKeys.append(kept[first].key)
        }
        count = kept.count
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
            return pairs[base..<base + Int(counts[Int(physical)])].map(\.key)
        }
    }

    private mutating func appendBlock() {
        pairs.append(contentsOf: repeatElement(Self.filler, count: Self.blockCapacity))
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
            pairs[fresh * Self.blockCapacity + offset] = pairs[physical * Self.blockCapacity + half + offset]
        }
        counts[physical] = Int32(half)
        counts[fresh] = Int32(moving)
        order.insert(Int32(fresh), at: block + 1)
        firstKeys.insert(pairs[fresh * Self.blockCapacity].key, at: block + 1)
    }
}
