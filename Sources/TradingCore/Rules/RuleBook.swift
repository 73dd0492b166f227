/// The per-symbol matcher at the heart of the automation engine: given the next price of one symbol, it returns the
/// rules that fire, in O(k) for the k range bounds the move passes, and in O(1) when it passes none (plus one
/// O(log n) search on the first move after the ladders were rebuilt: placing rules keeps the cursors).
///
/// ## How it works
/// A rule fires when the price enters its range from outside, or jumps over it between two prices. Leaving needs no
/// bookkeeping: a rule outside its range is armed by definition, and a rule inside it (a `rearm` rule that fired, or
/// one placed inside) can fire again only after the price has left and come back through a bound. So the book keeps
/// one invariant after every price it has seen: every placed rule that contains the price has already fired or was
/// placed inside, and every other one is armed. When the price moves up from `p0` to `p1`, the rules that fire are
/// exactly those with `p0 < min ≤ p1`: they were below their range and have entered it (or jumped over it). Moving
/// down, exactly those with `p1 ≤ max < p0`. Two ladders answer those questions: the `min` of every placed rule and
/// its `max`, each kept sorted (`PriceLadder`). A move up walks the `min` ladder from the old price to the new one
/// and fires every rule it passes that is still in the book; the `max` ladder's cursor only follows the price
/// (comparing keys, touching no rule). A move down is the mirror image. A rule's state is not stored at all, so a
/// rule that leaves its range costs nothing.
///
/// Removal is lazy: a removed (or fired `once`) rule's slot is marked free and its ladder entries are skipped. The
/// slot is reused only after the ladders are rebuilt without those entries, which happens once such slots outnumber
/// the live rules (amortised O(1) per removal), so memory stays proportional to the live rules. A fired `once`
/// rule's id also stays in the id index, stale (recognised because its slot no longer holds that rule), so a firing
/// looks nothing up; stale ids are purged in bulk once they outnumber the live rules.
///
/// A rule added to the book is *pending* until the next price: then it fires at once if that price is inside its
/// range (so a rule created with the price already inside fires on the next tick), or joins the ladders.
/// The book is a plain value with no clocks or I/O; the engine and the backtester drive it alike.
public struct RuleBook: Sendable {
    /// What the book knows of one rule.
    public struct Entry: Hashable, Sendable {
        public var id: RuleID
        public var range: PriceRange
        public var mode: RuleMode
        /// The rule's owner, carried so a firing needs no lookup.
        public var owner: UserID
        /// The stored revision of the rule this entry was made from (`PriceRule.revision`), carried so a firing
        /// needs no lookup either.
        public var revision: Int64
        public init(id: RuleID, range: PriceRange, mode: RuleMode, owner: UserID, revision: Int64 = 1) {
            self.id = id
            self.range = range
            self.mode = mode
            self.owner = owner
            self.revision = revision
        }
    }

    /// A rule's state inside the book.
    public enum State: Hashable, Sendable {
        /// Added since the last price; placed on the next one.
        case pending(armed: Bool)
        /// Waiting for the price to enter the range.
        case armed
        /// A `rearm` rule that fired (or was placed inside its range unarmed); waits for the price to leave.
        case inside
    }

    /// A slot's state in one byte: free, pending (armed or not) or placed, and in the top bit whether the rule is a
    /// `once` rule, so a firing decides everything from this byte alone.
    private struct Phase: Equatable {
        private var raw: UInt8
        private init(raw: UInt8) { self.raw = raw }

        static let free = Phase(raw: 0)
        static let pendingArmed = Phase(raw: 1)
        static let pendingDisarmed = Phase(raw: 2)
        static let placed = Phase(raw: 3)
        private static let onceBit: UInt8 = 0x80

        /// The phase of a rule just added in `mode`.
        static func pending(armed: Bool, mode: RuleMode) -> Phase {
            Phase(raw: (armed ? pendingArmed : pendingDisarmed).raw | (mode == .once ? onceBit : 0))
        }

        /// The state without the mode.
        var state: Phase { Phase(raw: raw & ~Self.onceBit) }
        var isOnce: Bool { raw & Self.onceBit != 0 }
        var isPending: Bool { state == .pendingArmed || state == .pendingDisarmed }
        /// `state` (a plain state such as `.placed`) for the same rule.
        func with(_ state: Phase) -> Phase { Phase(raw: (raw & Self.onceBit) | state.raw) }
    }

    // Stored properties in the order a tick reads them: a tick that passes no bound reads only the first four
    // (`lastPrice`, `hasPending` and the two ladders' cursors), which lie next to each other in the book's own
    // storage, e.g. an element of an array of books, and touches no array.

    /// The last price the book has seen, nil before the first.
    public private(set) var lastPrice: Money?
    /// Whether `pending` holds any rule, kept here so a tick need not read the array to know.
    private var hasPending = false
    private var byMin = PriceLadder()
    private var byMax = PriceLadder()
    /// Rules live in numbered slots; the ladders refer to slots, so the hot path indexes arrays instead of hashing
    /// a UUID. A slot whose rule left the book is not reused until the ladders no longer mention it.
    private var phases: [Phase] = []
    private var entries: [Entry] = []
    /// The slots whose bound the current move passed, in the order the price reached them; kept for its capacity.
    private var passed: [Int32] = []
    /// The slots fired by the current `apply`, in order; kept between calls for its capacity.
    private var fired: [Int32] = []
    private var pending: [Int32] = []
    /// Slots that no ladder mentions, ready for new rules.
    private var freeSlots: [Int32] = []
    /// Slots whose rule left the book after it was placed: their ladder entries are still there, skipped.
    private var retiredSlots: [Int32] = []
    /// Each rule's slot. A `once` rule that fires keeps its (now stale) mapping, so a firing looks nothing up: a
    /// mapping counts only while its slot is in use by that rule (`slot(of:)`), and stale mappings are purged in
    /// bulk once they outnumber the live rules (amortised O(1) per firing).
    private var index = RuleSlotIndex()
    /// Written by `apply` so its loop that warms the cache is not optimised away.
    private var touch: UInt8 = 0
    /// Number of rules in the book; the index may also hold stale mappings.
    private var live = 0
    /// Number of stale mappings in `index`.
    private var stale = 0

    /// Placing at least this many pending rules at once packs the ladders afterwards.
    static let bulkPlacement = 1_024

    public init() {}

    /// Number of rules in the book (pending, armed and inside).
    public var count: Int { live }
    public var isEmpty: Bool { live == 0 }

    /// Whether `slot`, found in the index for `id`, holds that rule (it is stale once the rule left the book).
    @inline(__always)
    private func holds(_ slot: Int32, _ id: RuleID) -> Bool {
        phases[Int(slot)] != .free && entries[Int(slot)].id == id
    }

    /// The slot of the rule `id`, nil when the book does not hold it.
    private func slot(of id: RuleID) -> Int32? {
        guard let slot = index[id], holds(slot, id) else { return nil }
        return slot
    }

    public func state(of id: RuleID) -> State? {
        guard let slot = slot(of: id) else { return nil }
        switch phases[Int(slot)].state {
        case .pendingArmed: return .pending(armed: true)
        case .pendingDisarmed: return .pending(armed: false)
        default:
            // A placed rule that holds the price has fired (or was placed inside unarmed): the invariant above.
            guard let lastPrice, entries[Int(slot)].range.contains(lastPrice) else { return .armed }
            return .inside
        }
    }

    public func contains(_ id: RuleID) -> Bool { slot(of: id) != nil }

    /// The entry the book holds for a rule, nil when it holds none.
    public func entry(of id: RuleID) -> Entry? { slot(of: id).map { entries[Int($0)] } }

    /// Adds or replaces a rule. `armed: false` is for a `rearm` rule restored after it fired, which must see the price
    /// outside its range before it can fire again. The rule is evaluated against the next price.
    public mutating func upsert(_ entry: Entry, armed: Bool = true) {
        let slot = freeSlots.popLast() ?? Int32(entries.count)
        // One probe run: the mapping is read and replaced in place.
        let previous = index.exchange(entry.id, slot: slot)
        // Checked before the new rule fills its slot, which a stale mapping may name.
        let replaces = previous >= 0 && holds(previous, entry.id)
        if previous >= 0, !replaces { stale -= 1 }
        let phase = Phase.pending(armed: armed, mode: entry.mode)
        if Int(slot) < entries.count {
            entries[Int(slot)] = entry
            phases[Int(slot)] = phase
        } else {
            entries.append(entry)
            phases.append(phase)
        }
        live += 1
        pending.append(slot)
        hasPending = true
        if replaces {
            live -= 1
            retire(previous)
            compactIfNeeded()
        }
    }

    /// Removes a rule; a no-op for an unknown id.
    public mutating func remove(_ id: RuleID) {
        guard let slot = index.removeValue(forKey: id) else { return }
        guard holds(slot, id) else {
            stale -= 1
            return
        }
        live -= 1
        retire(slot)
        compactIfNeeded()
    }

    /// Moves the book to `price` and returns the rules that fired, in the order the price reached them.
    /// `once` rules that fire leave the book; `rearm` rules stay, and fire again once the price has left and
    /// re-entered their range.
    public mutating func apply(price: Money) -> [Firing] {
        if let previous = lastPrice, previous != price {
            move(from: previous.paise, to: price.paise)
        }
        lastPrice = price
        if !passed.isEmpty { firePassed() }
        if hasPending { placePending(at: price) }
        guard !fired.isEmpty else { return [] }
        var leaving = 0
        let firings = entries.withUnsafeBufferPointer { entries in
            // First a tight loop of independent loads that touches both ends of every fired entry (an entry may
            // straddle two cache lines), so the processor overlaps their cache misses; then the copies hit.
            var touched: UInt8 = 0
            for slot in fired {
                let entry = entries.baseAddress! + Int(slot)
                touched ^= entry.pointee.id.rawValue.uuid.0 ^ entry.pointee.owner.rawValue.uuid.15
            }
            touch = touched
            return fired.map { slot in
                let entry = entries[Int(slot)]
                let remains = entry.mode == .rearm
                if !remains { leaving += 1 }
                return Firing(entry: entry, price: price, remains: remains)
            }
        }
        fired.removeAll(keepingCapacity: true)
        if leaving > 0 {
            // The `once` rules that fired left the book; their mappings stay, stale, until a purge.
            live -= leaving
            stale += leaving
            purgeIndexIfNeeded()
        }
        compactIfNeeded()
        return firings
    }

    /// One rule that fired, and whether it stays in the book.
    public struct Firing: Hashable, Sendable {
        public var entry: Entry
        public var price: Money
        /// True when a `rearm` rule remains in the book after firing.
        public var remains: Bool
    }

    // MARK: - movement

    /// Moves both ladders' cursors from `previous` to `price`, collecting in `passed` the slots whose entering bound
    /// the move reached: `p0 < min ≤ p1` moving up, `p1 ≤ max < p0` moving down.
    private mutating func move(from previous: Int64, to price: Int64) {
        let maxCursor = byMax.cursor(for: previous, strictlyAbove: false)
        let minCursor = byMin.cursor(for: previous, strictlyAbove: true)
        // The keys beside the cursors tell whether the move passes any bound. Most moves pass none: then nothing
        // changes, the cursors included.
        if price > previous {
            if maxCursor.above < price {
                byMax.walkUp(from: maxCursor.position, to: price, inclusive: false) { _ in }
            }
            if minCursor.above <= price {
                byMin.walkUp(from: minCursor.position, to: price, inclusive: true) { passed.append($0) }
            }
        } else {
            if minCursor.below > price {
                byMin.walkDown(from: minCursor.position, to: price, inclusive: false) { _ in }
            }
            if maxCursor.below >= price {
                byMax.walkDown(from: maxCursor.position, to: price, inclusive: true) { passed.append($0) }
            }
        }
    }

    /// Fires the rules of the passed slots that are still in the book; a `once` rule leaves it (its id stays in the
    /// index, stale).
    private mutating func firePassed() {
        phases.withUnsafeMutableBufferPointer { phases in
            for slot in passed {
                let phase = phases[Int(slot)]
                guard phase != .free else { continue }
                fired.append(slot)
                if phase.isOnce {
                    phases[Int(slot)] = .free
                    retiredSlots.append(slot)
                }
            }
        }
        passed.removeAll(keepingCapacity: true)
    }

    /// Places the pending rules at `price`; those whose range holds it fire at once if armed.
    private mutating func placePending(at price: Money) {
        var placing: [Int32] = []
        swap(&placing, &pending)
        hasPending = false
        var placed = 0
        for slot in placing {
            let phase = phases[Int(slot)]
            guard phase.isPending else { continue }
            let range = entries[Int(slot)].range
            if phase.state == .pendingArmed, range.contains(price) {
                fired.append(slot)
                if phase.isOnce {
                    // It never joined the ladders, so the slot is free at once.
                    phases[Int(slot)] = .free
                    freeSlots.append(slot)
                    continue
                }
            }
            phases[Int(slot)] = phase.with(.placed)
            // The cursors stand for this price (a move leaves them there), so the insertions keep them.
            byMin.insert(key: range.min.paise, slot: slot, cursorAt: price.paise, strictlyAbove: true)
            byMax.insert(key: range.max.paise, slot: slot, cursorAt: price.paise, strictlyAbove: false)
            placed += 1
        }
        // A bulk placement (the rules loaded at start-up meeting their first price) inserts in whatever order the
        // rules came, and keys that come in order (or many equal ones) leave every block half full. Packing the
        // ladders once then costs no more than the insertions did, and takes a quarter of their memory back.
        if placed >= Self.bulkPlacement, placed * 2 >= byMin.count { compact() }
        // Nothing adds rules during `apply`, so `pending` is still empty: give it back its storage.
        placing.removeAll(keepingCapacity: true)
        pending = placing
    }

    // MARK: - removal

    /// Takes a rule out of its slot (already out of `index`).
    private mutating func retire(_ slot: Int32) {
        let wasPending = phases[Int(slot)].isPending
        phases[Int(slot)] = .free
        if wasPending {
            // Not in the ladders yet.
            pending.removeAll { $0 == slot }
            hasPending = !pending.isEmpty
            freeSlots.append(slot)
        } else {
            retiredSlots.append(slot)
        }
    }

    /// Drops the stale mappings from the index once they outnumber the live rules (amortised O(1) per firing).
    private mutating func purgeIndexIfNeeded() {
        guard stale > 32, stale > live else { return }
        let phases = self.phases, entries = self.entries
        index.filter { id, slot in phases[Int(slot)] != .free && entries[Int(slot)].id == id }
        stale = 0
    }

    /// Rebuilds the ladders without retired slots once those outnumber the live rules (amortised O(1) per removal).
    private mutating func compactIfNeeded() {
        guard retiredSlots.count > 32, retiredSlots.count > live else { return }
        compact()
    }

    /// Rebuilds the ladders packed, without retired slots.
    private mutating func compact() {
        // The filter reads the phases while a ladder (part of `self`) is being rebuilt, so it must not capture
        // `self`: a local copy of the array (copy-on-write, nothing is copied) avoids the overlapping access.
        let phases = self.phases
        byMin.rebuild { phases[Int($0)] != .free }
        byMax.rebuild { phases[Int($0)] != .free }
        freeSlots.append(contentsOf: retiredSlots)
        retiredSlots.removeAll(keepingCapacity: true)
    }
}
