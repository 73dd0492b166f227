// RuleBookBench: how fast the automation engine's matcher (`TradingCore.RuleBook`) keeps up with a market feed.
//
// One process, one core, one run. It measures and prints:
//   1. ticks/s over a whole market: 1,000,000 live rules on 2,000 symbols, rule counts per symbol Zipf-skewed
//      (the top symbol holds a tenth of all rules), several million random-walk ticks;
//   2. the same kind of workload on the symbol with the most rules (100,000), once through `RuleBook` and once
//      through a naive check of every rule on every tick (what a polling design does), with the speed-up, and a
//      cross-check that both produce exactly the same firings.
// Targets are printed next to the figures with PASS/FAIL; they are informational. The exit status is non-zero only
// when the naive check and the rule book disagree (a correctness failure) or the arguments are bad.
//
// Workload choices (also printed):
//   - Rule ranges: min within ±5 % of the symbol's price, width 0.2 %–3 %, both on the ₹0.05 grid.
//   - Modes: 70 % `rearm`, 30 % `once`. A `once` rule that fires leaves the book; to keep the book at a steady
//     1,000,000 rules, the bench re-adds it at once with a fresh range around the price of the tick that fired it,
//     drawn the same way (as users creating new rules would). Such a rule is evaluated on its symbol's next tick,
//     and fires there if that price is inside its new range.
//   - Prices: the top symbol trades at ₹1,500; the others at log-uniform prices between ₹100 and ₹5,000.
//   - Ticks: a random walk on the ₹0.05 grid: 97 % of moves are ±1–3 ticks, 2.5 % jump ±4–20 ticks, 0.5 % jump
//     0.5 %–2 % of the price; a walk more than 4 % from its start is pulled back two times in three, so prices stay
//     among the rules. Ticks pick their symbol with the same skew as the rules (a busy symbol trades more), or
//     uniformly with `--uniform`. The tick sequence is generated before timing; the timed loop is only
//     `RuleBook.apply` plus re-adding fired `once` rules, indexing an array of books by an integer symbol index.

import Foundation
import TradingCore

/// Writes one line straight to standard output (unbuffered, so progress shows even through a pipe or into a file).
func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

// MARK: - command line

struct Options {
    var rules = 1_000_000
    var ticks = 3_000_000
    var naiveTicks = 20_000
    var seed: UInt64 = 20_250_106
    var uniformSymbols = false
    let symbols = 2_000

    static let usage = """
        usage: RuleBookBench [--rules N] [--ticks N] [--naive-ticks N] [--seed N] [--uniform]
          --rules N        live rules over all symbols (default 1000000; the top symbol holds N/10)
          --ticks N        ticks in the whole-market run (default 3000000)
          --naive-ticks N  ticks in the naive-vs-rule-book comparison (default 20000, at most --ticks)
          --seed N         generator seed (default 20250106)
          --uniform        pick each tick's symbol uniformly instead of with the rules' skew
        """

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var naiveGiven = false
        var index = 0
        func number(_ name: String) -> Int? {
            index += 1
            guard index < arguments.count, let value = Int(arguments[index].replacingOccurrences(of: "_", with: "")),
                  value > 0
            else {
                say("error: \(name) needs a positive whole number")
                return nil
            }
            return value
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--rules": guard let value = number("--rules") else { return nil }; options.rules = value
            case "--ticks": guard let value = number("--ticks") else { return nil }; options.ticks = value
            case "--naive-ticks":
                guard let value = number("--naive-ticks") else { return nil }
                options.naiveTicks = value
                naiveGiven = true
            case "--seed": guard let value = number("--seed") else { return nil }; options.seed = UInt64(value)
            case "--uniform": options.uniformSymbols = true
            default:
                say("error: unknown argument \(arguments[index])")
                return nil
            }
            index += 1
        }
        if !naiveGiven { options.naiveTicks = min(options.naiveTicks, options.ticks) }
        return options
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    say(Options.usage)
    exit(0)
}
guard let options = Options.parse(arguments) else {
    say(Options.usage)
    exit(2)
}

// MARK: - deterministic randomness

/// SplitMix64: small, fast and seeded, so every run of the bench replays the same market.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A uniform double in [0, 1) from 53 random bits.
@inline(__always)
func unit(_ bits: UInt64) -> Double { Double(bits >> 11) * 0x1.0p-53 }

let tick = Money.tickSize.paise

/// The range a rule gets: min within ±5 % of `price`, width 0.2 %–3 %, on the ₹0.05 grid.
/// A pure function of (seed, rule, generation, price), so the naive check and the rule book, which see firings in
/// different orders, still give a re-added rule the same new range.
@inline(__always)
func ruleRange(seed: UInt64, rule: Int, generation: UInt32, price: Int64) -> (min: Int64, max: Int64) {
    let key = seed ^ (UInt64(rule) &* 0xD1B5_4A32_D192_ED03) ^ (UInt64(generation) &* 0xAEF1_7502_108E_F2D9)
        ^ (UInt64(bitPattern: price) &* 0x9E37_79B9_7F4A_7C15)
    let a = SplitMix64.mix(key)
    let b = SplitMix64.mix(a)
    let p = Double(price)
    let rawMin = p * (0.95 + 0.10 * unit(a))
    let rawWidth = p * (0.002 + 0.028 * unit(b))
    let min = Swift.max(tick, (Int64(rawMin) / tick) * tick)
    let width = Swift.max(tick, (Int64(rawWidth) / tick) * tick)
    return (min, min + width)
}

/// A rule's mode: 70 % rearm, 30 % once, fixed per rule.
@inline(__always)
func ruleIsOnce(seed: UInt64, rule: Int) -> Bool {
    SplitMix64.mix(seed ^ 0x0CE0_0CE0 ^ (UInt64(rule) &* 0x9E37_79B9_7F4A_7C15)) % 100 < 30
}

func priceRange(_ bounds: (min: Int64, max: Int64)) -> PriceRange {
    do {
        return try PriceRange(min: Money(paise: bounds.min), max: Money(paise: bounds.max))
    } catch {
        fatalError("generated an invalid range \(bounds): \(error)")
    }
}

/// Rule ids carry the rule's index, so a firing leads back to the rule without any lookup.
func ruleID(_ index: Int) -> RuleID {
    let n = UInt64(index)
    func byte(_ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: n >> shift) }
    return RuleID(UUID(uuid: (0x52, 0x42, 0, 0, 0, 0, 0x40, 0, 0x80, byte(48), byte(40), byte(32), byte(24),
                              byte(16), byte(8), byte(0))))
}

@inline(__always)
func ruleIndex(_ id: RuleID) -> Int {
    let u = id.rawValue.uuid
    var n = UInt64(u.9) << 48 | UInt64(u.10) << 40 | UInt64(u.11) << 32
    n |= UInt64(u.12) << 24 | UInt64(u.13) << 16 | UInt64(u.14) << 8 | UInt64(u.15)
    return Int(n)
}

let owners: [UserID] = (0..<4_096).map { n in
    UserID(UUID(uuid: (0x55, 0x53, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, UInt8(n >> 8), UInt8(n & 0xFF))))
}

func entry(rule: Int, bounds: (min: Int64, max: Int64), once: Bool) -> RuleBook.Entry {
    RuleBook.Entry(id: ruleID(rule), range: priceRange(bounds), mode: once ? .once : .rearm,
                   owner: owners[rule & 4_095])
}

// MARK: - the market

/// A random walk on the tick grid, pulled back towards where it started.
struct Walk {
    let start: Int64
    var price: Int64

    init(start: Int64) {
        self.start = start
        price = start
    }

    mutating func step(using random: inout SplitMix64) -> Int64 {
        let roll = random.next() % 1_000
        let size: Int64
        if roll < 970 {
            size = Int64(random.next() % 3) + 1
        } else if roll < 995 {
            size = Int64(random.next() % 17) + 4
        } else {
            let fraction = 0.005 + 0.015 * unit(random.next())
            size = Swift.max(1, Int64(Double(price) * fraction) / tick)
        }
        var up = random.next() & 1 == 0
        let drift = Double(price - start) / Double(start)
        if abs(drift) > 0.04, random.next() % 3 != 0 { up = drift < 0 }
        price = Swift.max(tick, price + (up ? size : -size) * tick)
        return price
    }
}

/// Zipf-like rule counts: `top` rules on the first symbol, rank k holding about top / k^s, with s chosen so the
/// counts add up to `total` (the rounding remainder goes one each to the ranks after the top).
func skewedCounts(total: Int, symbols: Int) -> (counts: [Int], exponent: Double) {
    let top = total / 10
    func counts(_ s: Double) -> [Int] { (1...symbols).map { Int(Double(top) / pow(Double($0), s)) } }
    var low = 0.0, high = 8.0
    for _ in 0..<100 {
        let mid = (low + high) / 2
        if counts(mid).reduce(0, +) > total { low = mid } else { high = mid }
    }
    var result = counts(high)
    var remainder = total - result.reduce(0, +)
    var rank = 1
    while remainder > 0 {
        result[rank] += 1
        remainder -= 1
        rank = rank + 1 < symbols ? rank + 1 : 1
    }
    return (result, high)
}

let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
}

func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (offset, character) in digits.enumerated() {
        if offset > 0, (digits.count - offset) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return (value < 0 ? "-" : "") + out
}

func fixed(_ value: Double, _ decimals: Int = 2) -> String { String(format: "%.\(decimals)f", value) }

func rate(_ value: Double) -> String {
    value >= 1_000_000 ? "\(fixed(value / 1_000_000, 2)) M" : value >= 1_000 ? "\(fixed(value / 1_000, 1)) k"
        : fixed(value, 1)
}

func peakMemoryMB() -> Double {
    var usage = rusage()
    #if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576  // bytes
    #else
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1_024  // kilobytes
    #endif
}

// MARK: - setup

let symbolCount = options.symbols
let (counts, exponent) = skewedCounts(total: options.rules, symbols: symbolCount)
let totalRules = counts.reduce(0, +)
let firstRule = counts.reduce(into: [0]) { $0.append($0.last! + $1) }  // rules of symbol s: firstRule[s]..<firstRule[s+1]
let sortedCounts = counts.sorted(by: >)
let topShare = Double(sortedCounts.prefix(10).reduce(0, +)) / Double(totalRules)
let top100Share = Double(sortedCounts.prefix(100).reduce(0, +)) / Double(totalRules)
let symbolsForHalf = sortedCounts.reduce(into: (taken: 0, symbols: 0)) { acc, count in
    if acc.taken * 2 < totalRules { acc.taken += count; acc.symbols += 1 }
}.symbols

var setupRandom = SplitMix64(seed: options.seed)
let topPrice: Int64 = 150_000  // ₹1,500.00
let startPrices: [Int64] = (0..<symbolCount).map { symbol in
    if symbol == 0 { return topPrice }
    let rupees = 100 * pow(50.0, unit(setupRandom.next()))  // log-uniform ₹100–₹5,000
    return Swift.max(tick, Int64(rupees * 100) / tick * tick)
}

say("RuleBookBench — TradingCore.RuleBook throughput (release build, one core)")
say("")
say("workload")
say("  rules            \(grouped(totalRules)) live rules on \(grouped(symbolCount)) symbols")
say("  distribution     Zipf-like, rank k holds ≈ top / k^\(fixed(exponent, 3)): top symbol \(grouped(counts[0])) rules (₹\(fixed(Double(topPrice) / 100))), top-10 share \(fixed(topShare * 100, 1)) %, top-100 share \(fixed(top100Share * 100, 1)) %, \(symbolsForHalf) symbols hold half the rules, smallest \(grouped(sortedCounts.last ?? 0)), median \(grouped(sortedCounts[symbolCount / 2]))")
say("  ranges           min within ±5 % of the symbol's price, width 0.2 %–3 %, on the ₹0.05 grid; other prices log-uniform ₹100–₹5,000")
say("  modes            70 % rearm / 30 % once; a once rule that fires is re-added at once with a fresh range around the firing price (steady book, as users creating rules)")
say("  ticks            random walk on the ₹0.05 grid: 97 % ±1–3 ticks, 2.5 % ±4–20 ticks, 0.5 % jumps of 0.5–2 %, pulled back beyond ±4 %; pre-generated, seed \(options.seed)")
say("  symbol per tick  \(options.uniformSymbols ? "uniform over all symbols" : "skewed like the rules (probability ∝ the symbol's rule count)")")
say("")

// MARK: - 1. the whole market

var generations = [UInt32](repeating: 0, count: totalRules)
let buildStart = clock.now
var books = [RuleBook](repeating: RuleBook(), count: symbolCount)
for symbol in 0..<symbolCount {
    let price = startPrices[symbol]
    for rule in firstRule[symbol]..<firstRule[symbol + 1] {
        books[symbol].upsert(entry(rule: rule, bounds: ruleRange(seed: options.seed, rule: rule, generation: 0,
                                                               price: price),
                                   once: ruleIsOnce(seed: options.seed, rule: rule)))
    }
}
let buildTime = seconds(clock.now - buildStart)

/// Re-adds a fired `once` rule with a fresh range around the price that fired it.
@inline(__always)
func reAdd(_ firing: RuleBook.Firing, into book: inout RuleBook, generations: inout [UInt32], seed: UInt64) {
    let rule = ruleIndex(firing.entry.id)
    generations[rule] &+= 1
    var fresh = firing.entry
    fresh.range = priceRange(ruleRange(seed: seed, rule: rule, generation: generations[rule], price: firing.price.paise))
    book.upsert(fresh)
}

// The first price of every symbol places its rules (rules whose range holds it fire here, as on a server's first
// tick after start-up); not timed.
let placeStart = clock.now
var warmupFirings = 0
for symbol in 0..<symbolCount {
    let fired = books[symbol].apply(price: Money(paise: startPrices[symbol]))
    warmupFirings += fired.count
    for firing in fired where !firing.remains {
        reAdd(firing, into: &books[symbol], generations: &generations, seed: options.seed)
    }
}
let placeTime = seconds(clock.now - placeStart)
say("setup: \(grouped(totalRules)) rules added in \(fixed(buildTime)) s, placed on each symbol's first price in \(fixed(placeTime)) s (\(grouped(warmupFirings)) rules already inside fired then)")

// The tick sequence.
let generateStart = clock.now
var tickRandom = SplitMix64(seed: options.seed ^ 0x7111_C4E5)
var walks = startPrices.map { Walk(start: $0) }
var cumulative: [UInt64] = []
do {
    var running: UInt64 = 0
    for symbol in 0..<symbolCount {
        running += options.uniformSymbols ? 1 : UInt64(Swift.max(1, counts[symbol]))
        cumulative.append(running)
    }
}
let cumulativeTotal = cumulative.last!
var tickSymbols = [UInt16](repeating: 0, count: options.ticks)
var tickPrices = [Int64](repeating: 0, count: options.ticks)
for index in 0..<options.ticks {
    let draw = tickRandom.next() % cumulativeTotal
    var low = 0, high = symbolCount - 1
    while low < high {
        let mid = (low + high) / 2
        if cumulative[mid] > draw { high = mid } else { low = mid + 1 }
    }
    tickSymbols[index] = UInt16(low)
    tickPrices[index] = walks[low].step(using: &tickRandom)
}
let ticksOnTop = tickSymbols.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
say("ticks: \(grouped(options.ticks)) generated in \(fixed(seconds(clock.now - generateStart))) s; \(fixed(Double(ticksOnTop) * 100 / Double(options.ticks), 1)) % of them on the top symbol")

say("running the whole market…")
var firings = 0
var reAdded = 0
let runStart = clock.now
for index in 0..<options.ticks {
    let symbol = Int(tickSymbols[index])
    let fired = books[symbol].apply(price: Money(paise: tickPrices[index]))
    if fired.isEmpty { continue }
    firings += fired.count
    for firing in fired where !firing.remains {
        reAdd(firing, into: &books[symbol], generations: &generations, seed: options.seed)
        reAdded += 1
    }
}
let runTime = seconds(clock.now - runStart)
let liveRules = books.reduce(0) { $0 + $1.count }
let marketRate = Double(options.ticks) / runTime

say("")
say("1. whole market")
say("  ticks processed  \(grouped(options.ticks))")
say("  firings          \(grouped(firings)) (\(fixed(Double(firings) / Double(options.ticks), 2)) per tick; \(grouped(reAdded)) once rules re-added)")
say("  seconds          \(fixed(runTime, 3))")
say("  ticks/s          \(rate(marketRate))  (\(fixed(runTime * 1e9 / Double(options.ticks), 0)) ns per tick\(firings > 0 ? ", ≈ \(fixed(runTime * 1e9 / Double(firings), 0)) ns per firing" : ""))")
say("  rules in books   \(grouped(liveRules)) at the end (steady: \(liveRules == totalRules ? "yes" : "no"))")

// MARK: - 2. naive check vs rule book on the top symbol

let naiveRules = counts[0]
let naivePrice = startPrices[0]
var naiveRandom = SplitMix64(seed: options.seed ^ 0x0A1E_CAFE)
var naiveWalk = Walk(start: naivePrice)
let naiveTicks = (0..<options.naiveTicks).map { _ in naiveWalk.step(using: &naiveRandom) }
// The top symbol's own rules from part 1 (same seed, same indices, same first ranges), on a fresh walk.
let naiveSeed = options.seed

/// An order-independent fingerprint of the firings: (rule, tick) pairs mixed and summed.
@inline(__always)
func fingerprint(rule: Int, tick: Int) -> UInt64 { SplitMix64.mix(UInt64(rule) << 32 | UInt64(tick)) }

say("")
say("running the top symbol through the rule book and the naive check…")
// The rule book on the top symbol alone.
var topBook = RuleBook()
var topGenerations = [UInt32](repeating: 0, count: naiveRules)
for rule in 0..<naiveRules {
    topBook.upsert(entry(rule: rule, bounds: ruleRange(seed: naiveSeed, rule: rule, generation: 0, price: naivePrice),
                         once: ruleIsOnce(seed: naiveSeed, rule: rule)))
}
var bookWarmup = 0
var bookPrint: UInt64 = 0
for firing in topBook.apply(price: Money(paise: naivePrice)) {
    bookWarmup += 1
    bookPrint &+= fingerprint(rule: ruleIndex(firing.entry.id), tick: 0)
    if !firing.remains { reAdd(firing, into: &topBook, generations: &topGenerations, seed: naiveSeed) }
}
var bookFirings = 0
let bookStart = clock.now
for (index, price) in naiveTicks.enumerated() {
    let fired = topBook.apply(price: Money(paise: price))
    if fired.isEmpty { continue }
    bookFirings += fired.count
    for firing in fired {
        bookPrint &+= fingerprint(rule: ruleIndex(firing.entry.id), tick: index + 1)
        if !firing.remains { reAdd(firing, into: &topBook, generations: &topGenerations, seed: naiveSeed) }
    }
}
let bookTime = seconds(clock.now - bookStart)

// The naive check: every rule of the symbol on every tick, with a per-rule state (pending / armed / inside, i.e.
// the "was inside last time" flag) and the jump-through test, in flat arrays.
struct NaiveRules {
    var mins: [Int64]
    var maxs: [Int64]
    var once: [Bool]
    /// 0 = new (judged on the next price), 1 = armed (outside, waiting to enter), 2 = inside.
    var state: [UInt8]
    var generations: [UInt32]
}

var naive = NaiveRules(mins: [], maxs: [], once: [], state: [], generations: [])
for rule in 0..<naiveRules {
    let bounds = ruleRange(seed: naiveSeed, rule: rule, generation: 0, price: naivePrice)
    naive.mins.append(bounds.min)
    naive.maxs.append(bounds.max)
    naive.once.append(ruleIsOnce(seed: naiveSeed, rule: rule))
    naive.state.append(0)
    naive.generations.append(0)
}

/// One tick through every rule; returns the number of firings and adds their fingerprints.
@inline(never)
func naiveTick(_ rules: inout NaiveRules, previous: Int64, price: Int64, tickNumber: Int, seed: UInt64,
               fingerprints: inout UInt64) -> Int {
    var fired = 0
    let count = rules.mins.count
    rules.mins.withUnsafeMutableBufferPointer { mins in
        rules.maxs.withUnsafeMutableBufferPointer { maxs in
            rules.state.withUnsafeMutableBufferPointer { state in
                for rule in 0..<count {
                    let low = mins[rule], high = maxs[rule]
                    let inside = low <= price && price <= high
                    let entered: Bool
                    switch state[rule] {
                    case 0:
                        entered = inside
                        if !inside { state[rule] = 1 }
                    case 1:
                        entered = inside || (previous < low && price > high) || (previous > high && price < low)
                    default:
                        if !inside { state[rule] = 1 }
                        entered = false
                    }
                    guard entered else { continue }
                    fired += 1
                    fingerprints &+= fingerprint(rule: rule, tick: tickNumber)
                    if rules.once[rule] {
                        rules.generations[rule] &+= 1
                        let bounds = ruleRange(seed: seed, rule: rule, generation: rules.generations[rule], price: price)
                        mins[rule] = bounds.min
                        maxs[rule] = bounds.max
                        state[rule] = 0
                    } else {
                        state[rule] = inside ? 2 : 1
                    }
                }
            }
        }
    }
    return fired
}

var naivePrint: UInt64 = 0
let naiveWarmup = naiveTick(&naive, previous: naivePrice, price: naivePrice, tickNumber: 0, seed: naiveSeed,
                            fingerprints: &naivePrint)
var naiveFirings = 0
var previousPrice = naivePrice
let naiveStart = clock.now
for (index, price) in naiveTicks.enumerated() {
    naiveFirings += naiveTick(&naive, previous: previousPrice, price: price, tickNumber: index + 1, seed: naiveSeed,
                              fingerprints: &naivePrint)
    previousPrice = price
}
let naiveTime = seconds(clock.now - naiveStart)

let bookRate = Double(options.naiveTicks) / bookTime
let naiveRate = Double(options.naiveTicks) / naiveTime
let speedUp = bookRate / naiveRate
let agree = bookFirings == naiveFirings && bookWarmup == naiveWarmup && bookPrint == naivePrint

say("2. top symbol: \(grouped(naiveRules)) rules at ₹\(fixed(Double(naivePrice) / 100)), the same \(grouped(options.naiveTicks)) ticks through both")
say("  rule book        \(rate(bookRate)) ticks/s  (\(fixed(bookTime, 3)) s, \(grouped(bookFirings)) firings, \(fixed(Double(bookFirings) / Double(options.naiveTicks), 1)) per tick)")
say("  naive check      \(rate(naiveRate)) ticks/s  (\(fixed(naiveTime, 3)) s, \(grouped(naiveFirings)) firings, \(grouped(naiveRules)) rule checks per tick)")
say("  speed-up         \(fixed(speedUp, 1))×")
say("  cross-check      firings \(grouped(bookFirings)) vs \(grouped(naiveFirings)); on the first price \(grouped(bookWarmup)) vs \(grouped(naiveWarmup)); firing fingerprints \(bookPrint == naivePrint ? "equal" : "DIFFER") → \(agree ? "OK" : "MISMATCH")")

say("")
say("targets (informational)")
say("  whole market   ≥ 2,000,000 ticks/s        measured \(rate(marketRate)) ticks/s   \(marketRate >= 2_000_000 ? "PASS" : "FAIL")")
say("  top symbol     ≥ 100× the naive check     measured \(fixed(speedUp, 1))×            \(speedUp >= 100 ? "PASS" : "FAIL")")
say("  correctness    rule book = naive check    \(agree ? "PASS" : "FAIL")")
say("")
say("peak memory \(fixed(peakMemoryMB(), 0)) MB")

if !agree {
    say("error: the rule book and the naive check disagree")
    exit(1)
}
