/// The per-symbol matcher at the heart of the automation engine: given the next price of one symbol, it returns the
/// rules whose state changes, in O(k) for the k range bounds the move passes, and in O(1) when it passes none (plus
/// one O(log n) search on the first move after rules were placed or the ladders rebuilt).
///
/// ## How it works
/// A rule is *armed* (waiting for the price to enter its range) or *inside* (a `rearm` rule that fired and waits for
/// the price to leave). The book keeps one invariant after every price it has seen: no armed rule contains the
/// current price, and every inside rule does. So when the price moves up from `p0` to `p1`, exactly the armed rules
/// with `p0 < min ≤ p1` have been entered (or jumped through), and exactly the inside rules with `p0 ≤ max < p1`
/// have been left; moving down is the mirror image. Two ladders answer those questions: the `min` of every placed
/// rule, and its `max`, each kept sorted (`PriceLadder`). A move walks both ladders from the old price to the new
/// one, and every bound it passes belongs to a rule that fires, leaves its range, or has left the book (skipped).
/// A rule's state is one byte in an array beside the ladders, so a state change moves nothing: a rule joins the
/// ladders when it is placed and stays until it leaves the book. Each ladder keeps a cursor where its last walk
/// stopped, with the keys on either side, so a move that passes no bound reads nothing but the book's own fields.
///
/// Removal is lazy: a removed (or fired `once`) rule's slot is marked free and its ladder entries are skipped. The
/// slot is reused only after the ladders are rebuilt without those entries, which happens once such slots outnumber
/// the live rules (amortised O(1) per removal), so memory stays proportional to the live rules. A fired `once`
/// rule's id also stays in the id index, stale (recognised because its slot no longer holds that rule), so a firing
/// hashes nothing; stale ids are purged in bulk once they outnumber the live rules.
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

    /// A slot's state in one byte: free or one of the public states in the low bits, and whether the rule is a `once`
    /// rule in the top bit, so a move decides everything from the ladders and this byte alone.
    private struct Phase: Equatable {
        private var raw: UInt8
        private init(raw: UInt8) { self.raw = raw }

        static let free = Phase(raw: 0)
        static let pendingArmed = Phase(raw: 1)
        static let pendingDisarmed = Phase(raw: 2)
        static let armed = Phase(raw: 3)
        static let inside = Phase(raw: 4)
        /// Armed, and the move in progress has already passed its far bound: it fires on this move and stays armed.
        /// Exists only between the two walks of one move.
        static let passed = Phase(raw: 5)
        private static let onceBit: UInt8 = 0x80

        /// The phase of a rule just added in `mode`.
        static func pending(armed: Bool, mode: RuleMode) -> Phase {
            Phase(raw: (armed ? pendingArmed : pendingDisarmed).raw | (mode == .once ? onceBit : 0))
        }

        /// The state without the mode.
        var state: Phase { Phase(raw: raw & ~Self.onceBit) }
        var isOnce: Bool { raw & Self.onceBit != 0 }
        /// `state` (a plain state such as `.armed`) for the same rule.
        func with(_ state: Phase) -> Phase { Phase(raw: (raw & Self.onceBit) | state.raw) }

        /// The phase after a move passed the rule's far bound: inside → armed, armed → passed, others unchanged.
        /// Without branches (the next state of each state is a nibble of one constant), so a walk's loads need not
        /// wait for a mispredicted branch.
        @inline(__always)
        var afterLeaving: Phase {
            let next = UInt8(truncatingIfNeeded: (0x5353_5210 as UInt64) &>> (UInt64(raw & 7) &* 4)) & 0xF
            return Phase(raw: (raw & Self.onceBit) | next)
        }
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
    /// The slots fired by the current `apply`, in order; kept between calls for its capacity.
    private var fired: [Int32] = []
    private var pending: [Int32] = []
    /// Slots that no ladder mentions, ready for new rules.
    private var freeSlots: [Int32] = []
    /// Slots whose rule left the book after it was placed: their ladder entries are still there, skipped.
    private var retiredSlots: [Int32] = []
    /// Each rule's slot. A `once` rule that fires keeps its (now stale) mapping, so a firing hashes nothing: a
    /// mapping counts only while its slot is in use by that rule (`slot(of:)`), and stale mappings are purged in
    /// bulk once they outnumber the live rules (amortised O(1) per firing).
    private var index: [RuleID: Int32] = [:]
    /// Written by `apply` so its loop that warms the cache is not optimised away.
    private var touch: UInt8 = 0
    /// Number of rules in the book; the index may also hold stale mappings.
    private var live = 0
    /// Number of stale mappings in `index`.
    private var stale = 0

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
        case .armed, .passed: return .armed
        case .inside: return .inside
        default: return nil
        }
    }

    public func contains(_ id: RuleID) -> Bool { slot(of: id) != nil }

    /// Adds or replaces a rule. `armed: false` is for a `rearm` rule restored after it fired, which must see the price
    /// outside its range before it can fire again. The rule is evaluated against the next price.
    public mutating func upsert(_ entry: Entry, armed: Bool = true) {
        let slot = freeSlots.popLast() ?? Int32(entries.count)
        // One hash: the mapping is read and replaced in place.
        let previous = Self.exchange(&index[entry.id, default: -1], with: slot)
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

    @inline(__always)
    private static func exchange(_ value: inout Int32, with new: Int32) -> Int32 {
        let old = value
        value = new
        return old
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
    /// `once` rules that fire leave the book; `rearm` rules stay, inside the range or re-armed if the price is past it.
    public mutating func apply(price: Money) -> [Firing] {
        var anyFired = false
        if let previous = lastPrice, previous != price {
            if price > previous {
                anyFired = moveUp(from: previous.paise, to: price.paise)
            } else {
                anyFired = moveDown(from: previous.paise, to: price.paise)
            }
        }
        lastPrice = price
        if hasPending, placePending(at: price) { anyFired = true }
        guard anyFired else { return [] }
        // The moves never read the entries: they are read here.
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

    /// Moves up from `previous` to `price`; returns whether any rule fired.
    private mutating func moveUp(from previous: Int64, to price: Int64) -> Bool {
        let maxCursor = byMax.cursor(for: previous, strictlyAbove: false)
        let minCursor = byMin.cursor(for: previous, strictlyAbove: true)
        // The keys beside the cursors tell whether the move passes any bound. Most moves pass none: then nothing
        // changes, the cursors included.
        let passesMax = maxCursor.above < price
        let passesMin = minCursor.above <= price
        guard passesMax || passesMin else { return false }
        var firedCount = 0
        phases.withUnsafeMutableBufferPointer { phases in
            // Rules whose max the price passed (p0 ≤ max < p1): an inside rule has left (armed again, below the
            // price); an armed one lies wholly between p0 and p1, so the next walk fires it as jumped through.
            if passesMax {
                byMax.walkUp(from: maxCursor.position, to: price, inclusive: false) { slot in
                    phases[Int(slot)] = phases[Int(slot)].afterLeaving
                }
            }
            // Armed rules whose min the price reached or passed (p0 < min ≤ p1) have been entered, lowest min first.
            if passesMin {
                byMin.walkUp(from: minCursor.position, to: price, inclusive: true) { slot in
                    let phase = phases[Int(slot)]
                    let state = phase.state
                    guard state == .armed || state == .passed else { return }
                    firedCount += 1
                    phases[Int(slot)] = Self.fire(slot, phase, next: state == .armed ? .inside : .armed,
                                                  fired: &fired, retired: &retiredSlots)
                }
            }
        }
        return firedCount > 0
    }

    /// Moves down from `previous` to `price`; returns whether any rule fired.
    private mutating func moveDown(from previous: Int64, to price: Int64) -> Bool {
        let maxCursor = byMax.cursor(for: previous, strictlyAbove: false)
        let minCursor = byMin.cursor(for: previous, strictlyAbove: true)
        let passesMin = minCursor.below > price
        let passesMax = maxCursor.below >= price
        guard passesMax || passesMin else { return false }
        var firedCount = 0
        phases.withUnsafeMutableBufferPointer { phases in
            // Rules whose min the price passed (p1 < min ≤ p0): inside ones have left (armed again, above the
            // price); armed ones lie wholly between p1 and p0 and fire as jumped through on the next walk.
            if passesMin {
                byMin.walkDown(from: minCursor.position, to: price, inclusive: false) { slot in
                    phases[Int(slot)] = phases[Int(slot)].afterLeaving
                }
            }
            // Armed rules whose max the price reached or passed (p1 ≤ max < p0): entered, highest max first.
            if passesMax {
                byMax.walkDown(from: maxCursor.position, to: price, inclusive: true) { slot in
                    let phase = phases[Int(slot)]
                    let state = phase.state
                    guard state == .armed || state == .passed else { return }
                    firedCount += 1
                    phases[Int(slot)] = Self.fire(slot, phase, next: state == .armed ? .inside : .armed,
                                                  fired: &fired, retired: &retiredSlots)
                }
            }
        }
        return firedCount > 0
    }

    /// Records a placed rule's firing and returns its new phase: free for a `once` rule (it leaves the book; its id
    /// stays in the index, stale), else `next` (inside, or armed when the move jumped through).
    /// Static, with the two lists passed in: the walks call it while they hold the phases.
    @inline(__always)
    private static func fire(_ slot: Int32, _ phase: Phase, next: Phase, fired: inout [Int32],
                             retired: inout [Int32]) -> Phase {
        fired.append(slot)
        guard phase.isOnce else { return phase.with(next) }
        retired.append(slot)
        return .free
    }

    /// Places the pending rules at `price`; returns whether any fired.
    private mutating func placePending(at price: Money) -> Bool {
        var placing: [Int32] = []
        swap(&placing, &pending)
        hasPending = false
        var anyFired = false
        for slot in placing {
            let phase = phases[Int(slot)]
            let state = phase.state
            guard state == .pendingArmed || state == .pendingDisarmed else { continue }
            let range = entries[Int(slot)].range
            if range.contains(price) {
                if state == .pendingArmed {
                    fired.append(slot)
                    anyFired = true
                    if phase.isOnce {
                        // It never joined the ladders, so the slot is free at once.
                        phases[Int(slot)] = .free
                        freeSlots.append(slot)
                        continue
                    }
                }
                phases[Int(slot)] = phase.with(.inside)
            } else {
                phases[Int(slot)] = phase.with(.armed)
            }
            byMin.insert(key: range.min.paise, slot: slot)
            byMax.insert(key: range.max.paise, slot: slot)
        }
        // Nothing adds rules during `apply`, so `pending` is still empty: give it back its storage.
        placing.removeAll(keepingCapacity: true)
        pending = placing
        return anyFired
    }

    // MARK: - removal

    /// Takes a rule out of its slot (already out of `index`).
    private mutating func retire(_ slot: Int32) {
        let state = phases[Int(slot)].state
        phases[Int(slot)] = .free
        if state == .pendingArmed || state == .pendingDisarmed {
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
        index = index.filter { phases[Int($0.value)] != .free && entries[Int($0.value)].id == $0.key }
        stale = 0
    }

    /// Rebuilds the ladders without retired slots once those outnumber the live rules (amortised O(1) per removal).
    private mutating func compactIfNeeded() {
        guard retiredSlots.count > 32, retiredSlots.count > live else { return }
        // The filter reads the phases while a ladder (part of `self`) is being rebuilt, so it must not capture
        // `self`: a local copy of the array (copy-on-write, nothing is copied) avoids the overlapping access.
        let phases = self.phases
        byMin.rebuild { phases[Int($0)] != .free }
        byMax.rebuild { phases[Int($0)] != .free }
        freeSlots.append(contentsOf: retiredSlots)
        retiredSlots.removeAll(keepingCapacity: true)
    }
}
