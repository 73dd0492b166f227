import Foundation

/// The rule book's map from a rule's id to the slot that holds it: open addressing with linear probing over one flat
/// array of (id, slot) cells, so a lookup usually reads one cache line where `Dictionary` reads three (its bitmap,
/// key and value arrays) and runs SipHash over the 16 bytes.
///
/// The hash is a multiply-and-shift mix of the id's two 64-bit halves. Rule ids are UUIDs that the server makes, not
/// values a client chooses, so the table needs no protection against keys crafted to collide. Deletion shifts the
/// following cells back instead of leaving tombstones, so probe runs never grow with churn.
struct RuleSlotIndex: Sendable {
    private struct Cell: Sendable {
        var high: UInt64
        var low: UInt64
        /// The slot, or -1 when the cell is empty.
        var slot: Int32
    }

    private static let empty = Cell(high: 0, low: 0, slot: -1)
    private var cells: [Cell]
    private var mask: Int
    private(set) var count = 0

    init() {
        cells = Array(repeating: Self.empty, count: 16)
        mask = 15
    }

    // MARK: - reading

    /// The slot stored for `id`, nil when there is none.
    subscript(id: RuleID) -> Int32? {
        let (high, low) = Self.halves(id)
        return cells.withUnsafeBufferPointer { cells in
            var at = Self.hash(high, low) & mask
            while true {
                let cell = cells[at]
                if cell.slot < 0 { return nil }
                if cell.high == high, cell.low == low { return cell.slot }
                at = (at &+ 1) & mask
            }
        }
    }

    // MARK: - changing

    /// Stores `slot` for `id` and returns the slot it replaced, or -1 when `id` had none: one probe run for both.
    mutating func exchange(_ id: RuleID, slot: Int32) -> Int32 {
        precondition(slot >= 0, "slots are not negative")
        if (count + 1) * 3 > cells.count * 2 { grow() }
        let (high, low) = Self.halves(id)
        let mask = self.mask
        let replaced = cells.withUnsafeMutableBufferPointer { cells -> Int32 in
            var at = Self.hash(high, low) & mask
            while true {
                let cell = cells[at]
                if cell.slot < 0 {
                    cells[at] = Cell(high: high, low: low, slot: slot)
                    return -1
                }
                if cell.high == high, cell.low == low {
                    cells[at].slot = slot
                    return cell.slot
                }
                at = (at &+ 1) & mask
            }
        }
        if replaced < 0 { count += 1 }
        return replaced
    }

    /// Removes `id` and returns its slot, nil when there was none.
    @discardableResult
    mutating func removeValue(forKey id: RuleID) -> Int32? {
        let (high, low) = Self.halves(id)
        let mask = self.mask
        let removed = cells.withUnsafeMutableBufferPointer { cells -> Int32? in
            var hole = Self.hash(high, low) & mask
            while true {
                let cell = cells[hole]
                if cell.slot < 0 { return nil }
                if cell.high == high, cell.low == low { break }
                hole = (hole &+ 1) & mask
            }
            let slot = cells[hole].slot
            // Backward shift: every later cell of the run whose home is not between the hole and itself (cyclically)
            // would be unreachable past an empty cell, so it moves into the hole, which moves on to where it was.
            var next = hole
            while true {
                next = (next &+ 1) & mask
                let cell = cells[next]
                if cell.slot < 0 { break }
                let home = Self.hash(cell.high, cell.low) & mask
                let reachable = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
                if !reachable {
                    cells[hole] = cell
                    hole = next
                }
            }
            cells[hole] = Self.empty
            return slot
        }
        if removed != nil { count -= 1 }
        return removed
    }

    /// Keeps only the mappings that `keep` accepts, in a table sized for them.
    mutating func filter(_ keep: (RuleID, Int32) -> Bool) {
        var kept: [Cell] = []
        kept.reserveCapacity(count)
        for cell in cells where cell.slot >= 0 && keep(Self.id(cell), cell.slot) { kept.append(cell) }
        rehash(kept, capacity: Self.capacity(for: kept.count))
    }

    // MARK: - internals

    private mutating func grow() {
        rehash(cells.filter { $0.slot >= 0 }, capacity: cells.count * 2)
    }

    private mutating func rehash(_ occupied: [Cell], capacity: Int) {
        cells = Array(repeating: Self.empty, count: capacity)
        mask = capacity - 1
        count = occupied.count
        let mask = self.mask
        cells.withUnsafeMutableBufferPointer { cells in
            for cell in occupied {
                var at = Self.hash(cell.high, cell.low) & mask
                while cells[at].slot >= 0 { at = (at &+ 1) & mask }
                cells[at] = cell
            }
        }
    }

    /// The smallest power of two, at least 16, that holds `count` mappings at most two-thirds full: a miss (every
    /// new rule, and the engine asking each book for a rule) then probes about four cells, and a million rules
    /// take about 40 bytes each here rather than 80 at half full.
    private static func capacity(for count: Int) -> Int {
        var capacity = 16
        while capacity * 2 < count * 3 { capacity *= 2 }
        return capacity
    }

    @inline(__always)
    private static func halves(_ id: RuleID) -> (UInt64, UInt64) {
        withUnsafeBytes(of: id.rawValue.uuid) { bytes in
            (bytes.loadUnaligned(as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }

    private static func id(_ cell: Cell) -> RuleID {
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { bytes in
            bytes.storeBytes(of: cell.high, as: UInt64.self)
            bytes.storeBytes(of: cell.low, toByteOffset: 8, as: UInt64.self)
        }
        return RuleID(UUID(uuid: uuid))
    }

    /// Mixes all 128 bits, so ids that differ only in a few bytes (sequential test ids, say) still spread.
    @inline(__always)
    private static func hash(_ high: UInt64, _ low: UInt64) -> Int {
        var mixed = high ^ (low &* 0x9E37_79B9_7F4A_7C15)
        mixed ^= mixed &>> 32
        mixed &*= 0xD6E8_FEB8_6659_FD93
        mixed ^= mixed &>> 32
        return Int(truncatingIfNeeded: mixed)
    }
}
