import Testing
@testable import TradingCore

/// The brute-force reference for `RuleBook`: every rule is checked on every price, straight from the definitions.
///
/// - a pending rule is judged on the first price it sees: inside → it fires (or, restored disarmed, is inside);
///   otherwise it is armed;
/// - an armed rule fires when the new price is inside its range, or when the move from the previous price to the
///   new one passed over the whole range; a `once` rule then leaves, a `rearm` rule is inside if the price is;
/// - an inside rule becomes armed when the price is outside its range.
struct ReferenceRuleBook {
    enum Phase: Equatable { case pending(armed: Bool), armed, inside }

    struct Rule {
        var range: PriceRange
        var mode: RuleMode
        var phase: Phase
    }

    /// Indexed by rule number; nil when the rule is not in the book.
    private(set) var rules: [Rule?]
    private(set) var count = 0
    private var lastPrice: Money?

    init(capacity: Int) { rules = Array(repeating: nil, count: capacity) }

    mutating func upsert(_ number: Int, range: PriceRange, mode: RuleMode, armed: Bool) {
        if rules[number] == nil { count += 1 }
        rules[number] = Rule(range: range, mode: mode, phase: .pending(armed: armed))
    }

    mutating func remove(_ number: Int) {
        if rules[number] != nil { count -= 1 }
        rules[number] = nil
    }

    /// The rules that fire at `price`, each with the price at which the move reached it (its `min` on the way up,
    /// its `max` on the way down, the price itself for a pending rule).
    mutating func apply(price: Money) -> [Int: Money] {
        var fired: [Int: Money] = [:]
        let previous = lastPrice
        for number in rules.indices {
            guard var rule = rules[number] else { continue }
            let range = rule.range
            let inside = range.contains(price)
            var reachedAt: Money?
            switch rule.phase {
            case .pending(let armed):
                if inside && armed {
                    reachedAt = price
                    rule.phase = .inside
                } else {
                    rule.phase = inside ? .inside : .armed
                }
            case .armed:
                let previousPrice = previous ?? price
                let passedUp = previousPrice < range.min && price > range.max
                let passedDown = previousPrice > range.max && price < range.min
                if inside || passedUp || passedDown {
                    reachedAt = price > previousPrice ? range.min : range.max
                    rule.phase = inside ? .inside : .armed
                }
            case .inside:
                if !inside { rule.phase = .armed }
            }
            guard let reachedAt else {
                rules[number] = rule
                continue
            }
            fired[number] = reachedAt
            if rule.mode == .once {
                rules[number] = nil
                count -= 1
            } else {
                rules[number] = rule
            }
        }
        lastPrice = price
        return fired
    }

    func phase(of number: Int) -> Phase? { rules[number]?.phase }
}

/// Random ranges and a random walk around a base price, on the ₹0.05 grid (with a few off-grid bounds).
struct Market {
    var random: SeededGenerator
    let base: Int64
    var price: Int64

    init(seed: UInt64, base: Money) {
        random = SeededGenerator(seed: seed)
        self.base = base.paise
        price = base.paise
    }

    /// A range whose min lies within ±`spread` of the base, 0.2–3 % wide (one in twenty is a single price).
    mutating func range(spread: Double = 0.05) -> PriceRange {
        let tick = Money.tickSize.paise
        let span = Int64(Double(base) * spread)
        var min = base + Int64.random(in: -span...span, using: &random)
        let width: Int64
        if Int.random(in: 0..<20, using: &random) == 0 {
            width = 0
        } else {
            width = Int64(Double(base) * Double.random(in: 0.002...0.03, using: &random))
        }
        var max = min + width
        if Int.random(in: 0..<10, using: &random) != 0 {
            min = (min / tick) * tick
            max = Swift.max(min, (max / tick) * tick)
        }
        // Bounds are always positive, so this cannot throw.
        return try! PriceRange(min: Money(paise: Swift.max(1, min)), max: Money(paise: Swift.max(1, max)))
    }

    /// The next price: mostly ±1–3 ticks, sometimes a repeat, sometimes a jump of up to 15 %, pulled back to the base.
    mutating func step() -> Money {
        let tick = Money.tickSize.paise
        let roll = Int.random(in: 0..<100, using: &random)
        var ticks: Int64
        switch roll {
        case 0..<5: ticks = 0
        case 5..<88: ticks = Int64.random(in: 1...3, using: &random)
        case 88..<97: ticks = Int64.random(in: 4...60, using: &random)
        default: ticks = Int64.random(in: 61...(base * 15 / 100 / tick), using: &random)
        }
        var up = Bool.random(using: &random)
        let drift = Double(price - base) / Double(base)
        if abs(drift) > 0.07, Int.random(in: 0..<3, using: &random) != 0 { up = drift < 0 }
        price += up ? ticks * tick : -ticks * tick
        price = Swift.max(tick, price)
        return Money(paise: price)
    }
}

@Suite("RuleBook against a brute-force reference")
struct RuleBookPropertyTests {
    /// Drives a `RuleBook` and the reference with the same rules, edits and prices; records the first divergence.
    /// Returns (ticks with firings, total firings) so callers can check the run was not vacuous.
    @discardableResult
    static func compare(seed: UInt64, rules ruleCount: Int, ticks: Int, editsPerTick: Double,
                        stateCheckEvery: Int) -> (busyTicks: Int, firings: Int) {
        var market = Market(seed: seed, base: Money(paise: 100_000))
        var book = RuleBook()
        // Room for the initial rules and as many brand-new ids again.
        var reference = ReferenceRuleBook(capacity: ruleCount * 2)
        var nextNumber = 0
        var busyTicks = 0
        var totalFirings = 0

        func add(_ number: Int, armed: Bool = true) {
            let range = market.range()
            let mode: RuleMode = Bool.random(using: &market.random) ? .once : .rearm
            let owner = userID(number % 97)
            book.upsert(RuleBook.Entry(id: ruleID(number), range: range, mode: mode, owner: owner), armed: armed)
            reference.upsert(number, range: range, mode: mode, armed: armed)
        }

        for _ in 0..<ruleCount {
            add(nextNumber)
            nextNumber += 1
        }

        for tick in 0..<ticks {
            // Edits between prices: replace (sometimes disarmed), remove, re-add a gone id, or add a new one.
            var edits = 0
            while Double.random(in: 0..<1, using: &market.random) < editsPerTick, edits < 20 {
                edits += 1
                let target = Int.random(in: 0..<nextNumber, using: &market.random)
                switch Int.random(in: 0..<10, using: &market.random) {
                case 0..<4: add(target, armed: Int.random(in: 0..<4, using: &market.random) != 0)
                case 4..<7:
                    book.remove(ruleID(target))
                    reference.remove(target)
                case 7..<9:
                    if reference.rules[target] == nil { add(target) }
                default:
                    if nextNumber < reference.rules.count {
                        add(nextNumber)
                        nextNumber += 1
                    }
                }
            }

            let price = market.step()
            let previous = book.lastPrice
            let firings = book.apply(price: price)
            let expected = reference.apply(price: price)

            let got = firings.map { ruleNumber($0.entry.id) }
            guard Set(got) == Set(expected.keys), got.count == expected.count else {
                let missing = Set(expected.keys).subtracting(got).sorted()
                let extra = Set(got).subtracting(expected.keys).sorted()
                let move = "\(previous.map(\.description) ?? "-") → \(price)"
                let duplicates = got.count - Set(got).count
                let message = "seed \(seed) tick \(tick) \(move): missing \(missing), unexpected \(extra), "
                    + "duplicates \(duplicates)"
                Issue.record("\(message)")
                return (busyTicks, totalFirings)
            }
            for firing in firings where firing.price != price || firing.remains != (firing.entry.mode == .rearm) {
                Issue.record("seed \(seed) tick \(tick): firing \(firing) has the wrong price or remains flag")
                return (busyTicks, totalFirings)
            }
            // In the order the price reached them: keys rise on the way up and fall on the way down.
            let keys = got.compactMap { expected[$0] }
            let rising = previous.map { price >= $0 } ?? true
            let ordered = rising
                ? zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }
                : zip(keys, keys.dropFirst()).allSatisfy { $0 >= $1 }
            guard ordered else {
                Issue.record("seed \(seed) tick \(tick): firings out of price order: \(keys)")
                return (busyTicks, totalFirings)
            }
            guard book.count == reference.count else {
                Issue.record("seed \(seed) tick \(tick): book holds \(book.count) rules, reference \(reference.count)")
                return (busyTicks, totalFirings)
            }
            if tick % stateCheckEvery == 0 {
                for number in 0..<nextNumber {
                    let state = book.state(of: ruleID(number))
                    let phase = reference.phase(of: number)
                    guard sameState(state, phase) else {
                        let message = "seed \(seed) tick \(tick): rule \(number) is \(String(describing: state)) "
                            + "in the book, \(String(describing: phase)) in the reference"
                        Issue.record("\(message)")
                        return (busyTicks, totalFirings)
                    }
                }
            }
            if !firings.isEmpty { busyTicks += 1 }
            totalFirings += firings.count
        }
        return (busyTicks, totalFirings)
    }

    private static func sameState(_ state: RuleBook.State?, _ phase: ReferenceRuleBook.Phase?) -> Bool {
        switch (state, phase) {
        case (nil, nil), (.armed?, .armed?), (.inside?, .inside?): true
        case let (.pending(a)?, .pending(b)?): a == b
        default: false
        }
    }

    @Test("10,000 rules on one symbol: the same firings as the brute-force model on every tick",
          arguments: [0x5EED_0001, 0xC0FF_EE42] as [UInt64])
    func tenThousandRules(seed: UInt64) {
        let outcome = Self.compare(seed: seed, rules: 10_000, ticks: 2_500, editsPerTick: 0.5, stateCheckEvery: 500)
        // The walk must actually exercise the book: a good share of ticks fire something, and firings are plentiful.
        #expect(outcome.busyTicks > 500)
        #expect(outcome.firings > 20_000)
    }

    @Test("small books under heavy churn (compaction, re-added ids): same firings and states as the model",
          arguments: [1, 2, 3, 4, 5] as [UInt64])
    func smallBooksHeavyChurn(seed: UInt64) {
        let outcome = Self.compare(seed: seed, rules: 60, ticks: 6_000, editsPerTick: 0.8, stateCheckEvery: 1)
        #expect(outcome.firings > 500)
    }

    @Test("no rules but a random walk: nothing fires")
    func emptyWalk() {
        let outcome = Self.compare(seed: 9, rules: 0, ticks: 200, editsPerTick: 0, stateCheckEvery: 50)
        #expect(outcome.firings == 0)
    }
}
