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
/// the live rules (amortised O(1) per removal), so memory stays proportional to the live rules.
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
    private var index: [RuleID: Int32] = [:]

    public init() {}

    /// Number of rules in the book (pending, armed and inside).
    public var count: Int { index.count }
    public var isEmpty: Bool { index.isEmpty }

    public func state(of id: RuleID) -> State? {
        guard let slot = index[id] else { return nil }
        switch phases[Int(slot)].state {
        case .pendingArmed: return .pending(armed: true)
        case .pendingDisarmed: return .pending(armed: false)
        case .armed, .passed: return .armed
        case .inside: return .inside
        default: return nil
        }
    }

    public func contains(_ id: RuleID) -> Bool { index[id] != nil }

    /// Adds or replaces a rule. `armed: false` is for a `rearm` rule restored after it fired, which must see the price
    /// outside its range before it can fire again. The rule is evaluated against the next price.
    public mutating func upsert(_ entry: Entry, armed: Bool = true) {
        if let replaced = index.removeValue(forKey: entry.id) {
            retire(replaced)
            compactIfNeeded()
        }
        let phase = Phase.pending(armed: armed, mode: entry.mode)
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            entries[Int(slot)] = entry
            phases[Int(slot)] = phase
        } else {
            slot = Int32(entries.count)
            entries.append(entry)
            phases.append(phase)
        }
        index[entry.id] = slot
        pending.append(slot)
        hasPending = true
    }

    /// Removes a rule; a no-op for an unknown id.
    public mutating func remove(_ id: RuleID) {
        guard let slot = index.removeValue(forKey: id) else { return }
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
        // The moves never read the entries: they are read here, first in a tight loop of independent loads (the
        // processor overlaps their cache misses), then again to build the firings.
        let firings = entries.withUnsafeBufferPointer { entries in
            var leaving = 0
            for slot in fired where entries[Int(slot)].mode == .once { leaving += 1 }
            let firings = fired.map { slot in
                let entry = entries[Int(slot)]
                return Firing(entry: entry, price: price, remains: entry.mode == .rearm)
            }
            if leaving > 0 {
                for firing in firings where !firing.remains { index[firing.entry.id] = nil }
            }
            return firings
        }
        fired.removeAll(keepingCapacity: true)
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
                    let phase = phases[Int(slot)]
                    switch phase.state {
                    case .inside: phases[Int(slot)] = phase.with(.armed)
                    case .armed: phases[Int(slot)] = phase.with(.passed)
                    default: break
                    }
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
                    let phase = phases[Int(slot)]
                    switch phase.state {
                    case .inside: phases[Int(slot)] = phase.with(.armed)
                    case .armed: phases[Int(slot)] = phase.with(.passed)
                    default: break
                    }
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
    /// leaves the index when `apply` reads its entry), else `next` (inside, or armed when the move jumped through).
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

    /// Rebuilds the ladders without retired slots once those outnumber the live rules (amortised O(1) per removal).
    private mutating func compactIfNeeded() {
        guard retiredSlots.count > 32, retiredSlots.count > index.count else { return }
        // The filter reads the phases while a ladder (part of `self`) is being rebuilt, so it must not capture
        // `self`: a local copy of the array (copy-on-write, nothing is copied) avoids the overlapping access.
        let phases = self.phases
        byMin.rebuild { phases[Int($0)] != .free }
        byMax.rebuild { phases[Int($0)] != .free }
        freeSlots.append(contentsOf: retiredSlots)
        retiredSlots.removeAll(keepingCapacity: true)
    }
}
