// RuleBookBench: how fast the automation engine's matcher (`TradingCore.RuleBook`) keeps up with a market feed.
//
// One process, one core, one run. It measures and prints:
//   1. ticks/s over a whole market: 1,000,000 rules on 2,000 symbols, rule counts per symbol Zipf-skewed (the top
//      symbol holds a tenth of all rules), several million random-walk ticks, with the firings per tick;
//   2. the same workload on the symbol with the most rules (100,000), once through `RuleBook` and once through a
//      naive check of every rule on every tick (what a polling design does), with the speed-up, and a cross-check
//      that both produce exactly the same firings.
// Targets are printed next to the figures with PASS/FAIL; they are informational. The exit status is non-zero only
// when the naive check and the rule book disagree (a correctness failure) or the arguments are bad. All rates are
// wall-clock; each timed section also prints the CPU time of the thread, which shows how much of it other processes
// took on a shared machine.
//
// Workload profiles (`--profile`); both share the symbols, skew, prices, range distribution and tick model below:
//   - interest (default), what users do: 90 % `once` rules (the API's default mode), 10 % `rearm`. A `once` rule
//     that fires leaves the book for good. Users create new rules at a fixed rate, one per 200 ticks
//     (`--new-rule-every N`): each for a symbol drawn with the rules' skew, with its mode drawn from the same mix and
//     its range drawn around that symbol's current price (its book's last price) exactly as the initial rules were.
//     The book's size is printed at the start and the end of each run, with its average (sampled at each new rule).
//     Set-up places every rule on its symbol's first price; a `once` rule that fires there is re-drawn (same
//     distribution, same start price) until none fires, because a live `once` rule never holds the current price
//     (it would have fired). So the timed run starts with exactly `--rules` rules placed and none pending.
//   - stress, a worst case for firing throughput: 70 % `rearm`, 30 % `once`, and every `once` rule that fires is
//     re-added at once with a fresh range around the price that fired it, so the book stays at `--rules` (far more
//     new rules than users create; the run prints how many). Set-up re-adds the `once` rules that fire on the first
//     price in one round; those are placed on the next tick.
//
// Shared workload (also printed):
//   - Rule ranges: min within ±5 % of the symbol's price, width 0.2 %–3 %, both on the ₹0.05 grid.
//   - Prices: the top symbol trades at ₹1,500; the others at log-uniform prices between ₹100 and ₹5,000.
//   - Ticks: a random walk on the ₹0.05 grid: 97.5 % of moves are ±1–3 ticks, 2.5 % jump ±4–20 ticks, and with
//     `--jumps nse` (default) one tick in 20,000 jumps 0.2 %–0.5 % of the price; with `--jumps heavy`, the earlier
//     model, 0.5 % of ticks jump 0.5 %–2 % (and 97 % are ±1–3 ticks). A walk more than 4 % from its start is pulled
//     back two times in three, so prices stay among the rules. Why `nse` is the default: in real NSE data
//     (../shared/data) the largest one-minute high–low range of RELIANCE on 2021-07-28 is 0.48 % and the largest
//     one-minute close-to-close move 0.34 %, so no single tick moved 0.5 % that day, while `heavy` makes one tick in
//     200 do so; `heavy` also gives the walk a per-tick variance about 90 times that of `nse`, whose own daily
//     volatility (at 90,000 ticks a day) is about 3 %, still twice the median of the 18 NSE stocks' 1.5 %. Ticks pick their symbol with the same skew as the rules (a busy symbol trades more), or
//     uniformly with `--uniform`. The tick sequence is generated before timing; the timed loop is `RuleBook.apply`
//     plus everything the profile does between ticks (re-adding fired rules, creating new ones, drawing their
//     symbol and range), indexing an array of books by an integer symbol index.

import Foundation
import TradingCore

/// Writes one line straight to standard output (unbuffered, so progress shows even through a pipe or into a file).
func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

// MARK: - command line

/// How often, and how far, the tick model jumps (see the header).
enum Jumps: String {
    case nse
    case heavy

    var summary: String {
        switch self {
        case .nse: "97.5 % ±1–3 ticks, 2.5 % ±4–20 ticks, 1 in 20,000 jumps of 0.2–0.5 % (--jumps nse, calibrated on NSE one-minute data)"
        case .heavy: "97 % ±1–3 ticks, 2.5 % ±4–20 ticks, 0.5 % jumps of 0.5–2 % (--jumps heavy, the earlier model)"
        }
    }
}

enum Profile: String {
    case interest
    case stress

    /// The share of rules, in percent, created in `once` mode (the rest are `rearm`).
    var oncePercent: UInt64 {
        switch self {
        case .interest: 90
        case .stress: 30
        }
    }
}

struct Options {
    var profile = Profile.interest
    var rules = 1_000_000
    var ticks = 3_000_000
    var naiveTicks = 20_000
    var newRuleEvery = 200
    var seed: UInt64 = 20_250_106
    var uniformSymbols = false
    var jumps = Jumps.nse
    let symbols = 2_000

    static let usage = """
        usage: RuleBookBench [--profile interest|stress] [--jumps nse|heavy] [--rules N] [--ticks N] [--naive-ticks N]
                             [--new-rule-every N] [--seed N] [--uniform]
          --profile P         interest (default): 90 % once / 10 % rearm, fired once rules leave, users create new
                              rules at a fixed rate; stress: 70 % rearm / 30 % once, every fired once rule re-added
          --rules N           rules over all symbols (default 1000000; the top symbol holds N/10)
          --ticks N           ticks in the whole-market run (default 3000000)
          --naive-ticks N     ticks in the naive-vs-rule-book comparison (default 20000, at most --ticks)
          --new-rule-every N  interest profile: one new rule per N ticks (default 200)
          --seed N            generator seed (default 20250106)
          --uniform           pick each tick's symbol uniformly instead of with the rules' skew
          --jumps J           nse (default): one tick in 20,000 jumps 0.2–0.5 %, as NSE one-minute data allows;
                              heavy: 0.5 % of ticks jump 0.5–2 % (the earlier, far more volatile model)
        """

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var naiveGiven = false
        var newRuleGiven = false
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
        /// The next argument as one of `Choice`'s raw values (`--profile interest`, `--jumps nse`).
        func choice<Choice: RawRepresentable>(_ name: String, _ choices: String) -> Choice? where Choice.RawValue == String {
            index += 1
            guard index < arguments.count, let value = Choice(rawValue: arguments[index]) else {
                say("error: \(name) needs \(choices)")
                return nil
            }
            return value
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--profile":
                guard let profile: Profile = choice("--profile", "interest or stress") else { return nil }
                options.profile = profile
            case "--rules": guard let value = number("--rules") else { return nil }; options.rules = value
            case "--ticks": guard let value = number("--ticks") else { return nil }; options.ticks = value
            case "--naive-ticks":
                guard let value = number("--naive-ticks") else { return nil }
                options.naiveTicks = value
                naiveGiven = true
            case "--new-rule-every":
                guard let value = number("--new-rule-every") else { return nil }
                options.newRuleEvery = value
                newRuleGiven = true
            case "--seed": guard let value = number("--seed") else { return nil }; options.seed = UInt64(value)
            case "--uniform": options.uniformSymbols = true
            case "--jumps":
                guard let jumps: Jumps = choice("--jumps", "nse or heavy") else { return nil }
                options.jumps = jumps
            default:
                say("error: unknown argument \(arguments[index])")
                return nil
            }
            index += 1
        }
        if newRuleGiven, options.profile != .interest {
            say("error: --new-rule-every applies to --profile interest only (stress re-adds every fired once rule)")
            return nil
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
let profile = options.profile

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

/// A rule's mode, fixed per rule: `once` for `oncePercent` % of rules, `rearm` for the rest.
@inline(__always)
func ruleIsOnce(seed: UInt64, rule: Int, oncePercent: UInt64) -> Bool {
    SplitMix64.mix(seed ^ 0x0CE0_0CE0 ^ (UInt64(rule) &* 0x9E37_79B9_7F4A_7C15)) % 100 < oncePercent
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

/// A rule as users create it: its range drawn around `price` (generation 0), its mode from the profile's mix.
@inline(__always)
func newRule(_ rule: Int, price: Int64, seed: UInt64, oncePercent: UInt64) -> RuleBook.Entry {
    entry(rule: rule, bounds: ruleRange(seed: seed, rule: rule, generation: 0, price: price),
          once: ruleIsOnce(seed: seed, rule: rule, oncePercent: oncePercent))
}

/// Re-adds a fired `once` rule (same id, next generation) with a fresh range around the price that fired it.
@inline(__always)
func reAdd(_ firing: RuleBook.Firing, into book: inout RuleBook, generations: inout [UInt32], seed: UInt64) {
    let rule = ruleIndex(firing.entry.id)
    generations[rule] &+= 1
    var fresh = firing.entry
    fresh.range = priceRange(ruleRange(seed: seed, rule: rule, generation: generations[rule], price: firing.price.paise))
    book.upsert(fresh)
}

/// The index `i` with `cumulative[i - 1] <= draw < cumulative[i]`: a draw weighted by the increments.
@inline(__always)
func pick(_ cumulative: [UInt64], _ draw: UInt64) -> Int {
    var low = 0, high = cumulative.count - 1
    while low < high {
        let mid = (low + high) / 2
        if cumulative[mid] > draw { high = mid } else { low = mid + 1 }
    }
    return low
}

// MARK: - the market

/// A random walk on the tick grid, pulled back towards where it started.
struct Walk {
    let start: Int64
    var price: Int64
    let jumps: Jumps

    init(start: Int64, jumps: Jumps) {
        self.start = start
        price = start
        self.jumps = jumps
    }

    mutating func step(using random: inout SplitMix64) -> Int64 {
        // Out of a million: below `small` a move of 1–3 ticks, below `medium` 4–20 ticks, else a jump.
        let (small, medium, jumpLow, jumpHigh): (UInt64, UInt64, Double, Double) = switch jumps {
        case .nse: (975_000, 999_950, 0.002, 0.005)
        case .heavy: (970_000, 995_000, 0.005, 0.02)
        }
        let roll = random.next() % 1_000_000
        let size: Int64
        if roll < small {
            size = Int64(random.next() % 3) + 1
        } else if roll < medium {
            size = Int64(random.next() % 17) + 4
        } else {
            let fraction = jumpLow + (jumpHigh - jumpLow) * unit(random.next())
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

/// CPU time used by this thread so far: next to the wall-clock time, it shows how much of a run other processes
/// took (on a shared machine the wall-clock time, which all rates use, includes time spent waiting for a core).
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
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
/// Cumulative rule counts: a draw below `ruleCumulative.last!` picks a symbol with the rules' skew.
let ruleCumulative: [UInt64] = counts.reduce(into: []) { $0.append(($0.last ?? 0) + UInt64($1)) }

var setupRandom = SplitMix64(seed: options.seed)
let topPrice: Int64 = 150_000  // ₹1,500.00
let startPrices: [Int64] = (0..<symbolCount).map { symbol in
    if symbol == 0 { return topPrice }
    let rupees = 100 * pow(50.0, unit(setupRandom.next()))  // log-uniform ₹100–₹5,000
    return Swift.max(tick, Int64(rupees * 100) / tick * tick)
}
let oncePercent = profile.oncePercent
let newRuleEvery = options.newRuleEvery

say("RuleBookBench — TradingCore.RuleBook throughput (release build, one core)")
say("parameters: --profile \(profile.rawValue) --rules \(options.rules) --ticks \(options.ticks) --naive-ticks \(options.naiveTicks)\(profile == .interest ? " --new-rule-every \(newRuleEvery)" : "") --jumps \(options.jumps.rawValue) --seed \(options.seed)\(options.uniformSymbols ? " --uniform" : "")")
say("")
say("workload")
switch profile {
case .interest:
    say("  profile          interest (default): what users do; --profile stress for the worst case")
case .stress:
    say("  profile          stress: a worst case for firing throughput; the default profile is interest")
}
say("  rules            \(grouped(totalRules)) rules on \(grouped(symbolCount)) symbols")
say("  distribution     Zipf-like, rank k holds ≈ top / k^\(fixed(exponent, 3)): top symbol \(grouped(counts[0])) rules (₹\(fixed(Double(topPrice) / 100))), top-10 share \(fixed(topShare * 100, 1)) %, top-100 share \(fixed(top100Share * 100, 1)) %, \(symbolsForHalf) symbols hold half the rules, smallest \(grouped(sortedCounts.last ?? 0)), median \(grouped(sortedCounts[symbolCount / 2]))")
say("  ranges           min within ±5 % of the symbol's price, width 0.2 %–3 %, on the ₹0.05 grid; other prices log-uniform ₹100–₹5,000")
switch profile {
case .interest:
    say("  modes            \(oncePercent) % once / \(100 - oncePercent) % rearm; a once rule that fires leaves the book")
    say("  new rules        one per \(grouped(newRuleEvery)) ticks (--new-rule-every), for a symbol drawn with the rules' skew, mode from the same mix, range drawn as above around that symbol's current price")
    say("  set-up           every rule placed on its symbol's first price; once rules that fire there are re-drawn until none does (a live once rule never holds the current price)")
case .stress:
    say("  modes            \(100 - oncePercent) % rearm / \(oncePercent) % once; a once rule that fires is re-added at once with a fresh range around the firing price (steady book)")
    say("  set-up           every rule placed on its symbol's first price; once rules that fire there are re-added (placed on the next tick)")
}
say("  ticks            random walk on the ₹0.05 grid: \(options.jumps.summary), pulled back beyond ±4 %; pre-generated, seed \(options.seed)")
say("  symbol per tick  \(options.uniformSymbols ? "uniform over all symbols" : "skewed like the rules (probability ∝ the symbol's rule count)")")
say("")

/// Places every book's rules on its first price (not timed). Rules whose range holds the price fire here, as on a
/// server's first tick after start-up. `once` rules that fire are re-added with a fresh range around that price:
/// once (stress: they are placed on the next tick), or until none fires (interest). `onFiring` sees every firing.
func placeOnFirstPrice(_ books: inout [RuleBook], prices: [Int64], generations: inout [UInt32], seed: UInt64,
                       onFiring: (RuleBook.Firing) -> Void = { _ in }) -> (firings: Int, reAdded: Int, rounds: Int) {
    var firings = 0, reAdded = 0, rounds = 0
    while true {
        rounds += 1
        var round = 0
        for symbol in books.indices {
            let fired = books[symbol].apply(price: Money(paise: prices[symbol]))
            firings += fired.count
            for firing in fired {
                onFiring(firing)
                if !firing.remains {
                    reAdd(firing, into: &books[symbol], generations: &generations, seed: seed)
                    round += 1
                }
            }
        }
        reAdded += round
        if profile == .stress || round == 0 { return (firings, reAdded, rounds) }
    }
}

// MARK: - 1. the whole market

var generations = [UInt32](repeating: 0, count: totalRules)
let buildStart = clock.now
var books = [RuleBook](repeating: RuleBook(), count: symbolCount)
for symbol in 0..<symbolCount {
    let price = startPrices[symbol]
    for rule in firstRule[symbol]..<firstRule[symbol + 1] {
        books[symbol].upsert(newRule(rule, price: price, seed: options.seed, oncePercent: oncePercent))
    }
}
let buildTime = seconds(clock.now - buildStart)

let placeStart = clock.now
let warmup = placeOnFirstPrice(&books, prices: startPrices, generations: &generations, seed: options.seed)
let placeTime = seconds(clock.now - placeStart)
let rulesAtStart = books.reduce(0) { $0 + $1.count }
say("setup: \(grouped(totalRules)) rules added in \(fixed(buildTime)) s, placed on each symbol's first price in \(fixed(placeTime)) s (\(grouped(warmup.firings)) firings then; \(grouped(warmup.reAdded)) once rules \(profile == .interest ? "re-drawn" : "re-added") in \(warmup.rounds) round\(warmup.rounds == 1 ? "" : "s"))")

// The tick sequence.
let generateStart = clock.now
var tickRandom = SplitMix64(seed: options.seed ^ 0x7111_C4E5)
var walks = startPrices.map { Walk(start: $0, jumps: options.jumps) }
let tickCumulative: [UInt64] = counts.reduce(into: []) {
    $0.append(($0.last ?? 0) + (options.uniformSymbols ? 1 : UInt64(Swift.max(1, $1))))
}
var tickSymbols = [UInt16](repeating: 0, count: options.ticks)
var tickPrices = [Int64](repeating: 0, count: options.ticks)
for index in 0..<options.ticks {
    let symbol = pick(tickCumulative, tickRandom.next() % tickCumulative.last!)
    tickSymbols[index] = UInt16(symbol)
    tickPrices[index] = walks[symbol].step(using: &tickRandom)
}
let ticksOnTop = tickSymbols.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
say("ticks: \(grouped(options.ticks)) generated in \(fixed(seconds(clock.now - generateStart))) s; \(fixed(Double(ticksOnTop) * 100 / Double(options.ticks), 1)) % of them on the top symbol")

/// What a timed run did between its ticks.
struct RunCounts {
    var firings = 0
    /// `once` firings: rules that left the book (interest) or were re-added (stress).
    var onceFirings = 0
    /// Rules created by users during the run (interest).
    var newRules = 0
    /// The book's size, relative to the start, summed over samples taken as each new rule is created (interest):
    /// rules created so far minus `once` rules fired so far.
    var sizeChangeSum = 0

    /// The average number of rules over the run, from the samples (`start` when there are none).
    func averageRules(from start: Int) -> Int {
        newRules == 0 ? start : start + sizeChangeSum / newRules
    }
}

/// Stress: every fired `once` rule is re-added at once. Timed as a whole.
@inline(never)
func runStress(_ books: inout [RuleBook], symbols: [UInt16], prices: [Int64], generations: inout [UInt32],
               seed: UInt64) -> RunCounts {
    var counts = RunCounts()
    for index in prices.indices {
        let symbol = Int(symbols[index])
        let fired = books[symbol].apply(price: Money(paise: prices[index]))
        if fired.isEmpty { continue }
        counts.firings += fired.count
        for firing in fired where !firing.remains {
            reAdd(firing, into: &books[symbol], generations: &generations, seed: seed)
            counts.onceFirings += 1
        }
    }
    return counts
}

/// Interest: fired `once` rules leave; after every `every` ticks a user creates a rule for a symbol drawn with the
/// rules' skew, its range around that symbol's current price. Timed as a whole, the draws included.
@inline(never)
func runInterest(_ books: inout [RuleBook], symbols: [UInt16], prices: [Int64], every: Int, firstNewRule: Int,
                 seed: UInt64, oncePercent: UInt64, ruleCumulative: [UInt64], startPrices: [Int64]) -> RunCounts {
    var counts = RunCounts()
    var creator = SplitMix64(seed: seed ^ 0x00C4_EA7E)
    let drawTotal = ruleCumulative.last!
    var countdown = every
    for index in prices.indices {
        let symbol = Int(symbols[index])
        let fired = books[symbol].apply(price: Money(paise: prices[index]))
        if !fired.isEmpty {
            counts.firings += fired.count
            for firing in fired where !firing.remains { counts.onceFirings += 1 }
        }
        countdown -= 1
        if countdown == 0 {
            countdown = every
            let target = pick(ruleCumulative, creator.next() % drawTotal)
            let current = books[target].lastPrice?.paise ?? startPrices[target]
            books[target].upsert(newRule(firstNewRule + counts.newRules, price: current, seed: seed,
                                         oncePercent: oncePercent))
            counts.newRules += 1
            counts.sizeChangeSum += counts.newRules - counts.onceFirings
        }
    }
    return counts
}

say("running the whole market…")
let runStart = clock.now
let runCPUStart = threadCPUSeconds()
let market: RunCounts
switch profile {
case .interest:
    market = runInterest(&books, symbols: tickSymbols, prices: tickPrices, every: newRuleEvery,
                         firstNewRule: totalRules, seed: options.seed, oncePercent: oncePercent,
                         ruleCumulative: ruleCumulative, startPrices: startPrices)
case .stress:
    market = runStress(&books, symbols: tickSymbols, prices: tickPrices, generations: &generations,
                       seed: options.seed)
}
let runTime = seconds(clock.now - runStart)
let runCPU = threadCPUSeconds() - runCPUStart
let rulesAtEnd = books.reduce(0) { $0 + $1.count }
let marketRate = Double(options.ticks) / runTime
let marketFiringsPerTick = Double(market.firings) / Double(options.ticks)

say("")
say("1. whole market, profile \(profile.rawValue)")
say("  ticks/s          \(rate(marketRate))  at \(fixed(marketFiringsPerTick, 2)) firings per tick")
say("  ticks processed  \(grouped(options.ticks)) in \(fixed(runTime, 3)) s (CPU \(fixed(runCPU, 3)) s; \(fixed(runTime * 1e9 / Double(options.ticks), 0)) ns per tick\(market.firings > 0 ? ", ≈ \(fixed(runTime * 1e9 / Double(market.firings), 0)) ns per firing" : ""))")
say("  firings          \(grouped(market.firings)): \(grouped(market.onceFirings)) once, \(grouped(market.firings - market.onceFirings)) rearm")
switch profile {
case .interest:
    say("  rule changes     \(grouped(market.onceFirings)) once rules fired and left; \(grouped(market.newRules)) new rules created (one per \(grouped(newRuleEvery)) ticks)")
case .stress:
    say("  rule changes     \(grouped(market.onceFirings)) once rules re-added (\(fixed(Double(market.onceFirings) / Double(options.ticks), 2)) per tick)")
}
switch profile {
case .interest:
    say("  rules in books   \(grouped(rulesAtStart)) at the start, \(grouped(rulesAtEnd)) at the end (\(fixed(Double(rulesAtEnd - rulesAtStart) * 100 / Double(rulesAtStart), 1)) %), \(grouped(market.averageRules(from: rulesAtStart))) on average over the run")
case .stress:
    say("  rules in books   \(grouped(rulesAtStart)) at the start, \(grouped(rulesAtEnd)) at the end")
}

// MARK: - 2. naive check vs rule book on the top symbol

let naiveRules = counts[0]
let naivePrice = startPrices[0]
var naiveRandom = SplitMix64(seed: options.seed ^ 0x0A1E_CAFE)
var naiveWalk = Walk(start: naivePrice, jumps: options.jumps)
let naiveTicks = (0..<options.naiveTicks).map { _ in naiveWalk.step(using: &naiveRandom) }
// The top symbol's own rules from part 1 (same seed, same indices, same first ranges), on a fresh walk. In the
// interest profile the new rules all go to this symbol, at the same rate per tick as in the whole market.
let naiveSeed = options.seed

/// An order-independent fingerprint of the firings: (rule, tick) pairs mixed and summed.
@inline(__always)
func fingerprint(rule: Int, tick: Int) -> UInt64 { SplitMix64.mix(UInt64(rule) << 32 | UInt64(tick)) }

say("")
say("running the top symbol through the rule book and the naive check…")
// The rule book on the top symbol alone.
var topBooks = [RuleBook()]
var topGenerations = [UInt32](repeating: 0, count: naiveRules)
for rule in 0..<naiveRules {
    topBooks[0].upsert(newRule(rule, price: naivePrice, seed: naiveSeed, oncePercent: oncePercent))
}
var bookPrint: UInt64 = 0
let bookWarmup = placeOnFirstPrice(&topBooks, prices: [naivePrice], generations: &topGenerations, seed: naiveSeed) {
    bookPrint &+= fingerprint(rule: ruleIndex($0.entry.id), tick: 0)
}
var topBook = topBooks[0]
topBooks = []
let topRulesAtStart = topBook.count

/// The rule book through the top symbol's ticks, with the profile's rule changes; adds the firings' fingerprints.
@inline(never)
func runTopBook(_ book: inout RuleBook, ticks: [Int64], generations: inout [UInt32], every: Int, firstNewRule: Int,
                seed: UInt64, oncePercent: UInt64, fingerprints: inout UInt64) -> RunCounts {
    var counts = RunCounts()
    var countdown = every
    for (index, price) in ticks.enumerated() {
        let fired = book.apply(price: Money(paise: price))
        if !fired.isEmpty {
            counts.firings += fired.count
            for firing in fired {
                fingerprints &+= fingerprint(rule: ruleIndex(firing.entry.id), tick: index + 1)
                guard !firing.remains else { continue }
                counts.onceFirings += 1
                if profile == .stress { reAdd(firing, into: &book, generations: &generations, seed: seed) }
            }
        }
        guard profile == .interest else { continue }
        countdown -= 1
        if countdown == 0 {
            countdown = every
            book.upsert(newRule(firstNewRule + counts.newRules, price: price, seed: seed, oncePercent: oncePercent))
            counts.newRules += 1
            counts.sizeChangeSum += counts.newRules - counts.onceFirings
        }
    }
    return counts
}

let bookStart = clock.now
let bookCPUStart = threadCPUSeconds()
let bookRun = runTopBook(&topBook, ticks: naiveTicks, generations: &topGenerations, every: newRuleEvery,
                         firstNewRule: naiveRules, seed: naiveSeed, oncePercent: oncePercent,
                         fingerprints: &bookPrint)
let bookTime = seconds(clock.now - bookStart)
let bookCPU = threadCPUSeconds() - bookCPUStart
let topRulesAtEnd = topBook.count

// The naive check: every rule of the symbol on every tick, with a per-rule state (pending / armed / inside, i.e.
// the "was inside last time" flag) and the jump-through test, in flat arrays. A `once` rule that fires is re-drawn
// in place (stress, and set-up) or removed by moving the last rule into its place (interest), so the naive check
// never scans a rule that has left.
struct NaiveRules {
    var mins: [Int64] = []
    var maxs: [Int64] = []
    /// 0 = new (judged on the next price), 1 = armed (outside, waiting to enter), 2 = inside.
    var state: [UInt8] = []
    var once: [Bool] = []
    /// The rule number, for fingerprints and re-draws.
    var ids: [Int] = []
    /// Re-draws so far, by rule number.
    var generations: [UInt32] = []

    var count: Int { mins.count }

    mutating func append(rule: Int, bounds: (min: Int64, max: Int64), once isOnce: Bool) {
        mins.append(bounds.min)
        maxs.append(bounds.max)
        state.append(0)
        once.append(isOnce)
        ids.append(rule)
        if rule >= generations.count { generations.append(contentsOf: repeatElement(0, count: rule + 1 - generations.count)) }
    }
}

enum OnceFired { case redraw, remove }

/// One tick through every rule; returns the number of firings (and how many were `once`) and adds their fingerprints.
@inline(never)
func naiveTick(_ rules: inout NaiveRules, previous: Int64, price: Int64, tickNumber: Int, seed: UInt64,
               onceFired: OnceFired, fingerprints: inout UInt64) -> (fired: Int, once: Int) {
    var fired = 0, firedOnce = 0
    var count = rules.count
    rules.mins.withUnsafeMutableBufferPointer { mins in
        rules.maxs.withUnsafeMutableBufferPointer { maxs in
            rules.state.withUnsafeMutableBufferPointer { state in
                var position = 0
                while position < count {
                    let low = mins[position], high = maxs[position]
                    let inside = low <= price && price <= high
                    let entered: Bool
                    switch state[position] {
                    case 0:
                        entered = inside
                        if !inside { state[position] = 1 }
                    case 1:
                        entered = inside || (previous < low && price > high) || (previous > high && price < low)
                    default:
                        if !inside { state[position] = 1 }
                        entered = false
                    }
                    guard entered else {
                        position += 1
                        continue
                    }
                    fired += 1
                    let rule = rules.ids[position]
                    fingerprints &+= fingerprint(rule: rule, tick: tickNumber)
                    guard rules.once[position] else {
                        state[position] = inside ? 2 : 1
                        position += 1
                        continue
                    }
                    firedOnce += 1
                    switch onceFired {
                    case .redraw:
                        rules.generations[rule] &+= 1
                        let bounds = ruleRange(seed: seed, rule: rule, generation: rules.generations[rule], price: price)
                        mins[position] = bounds.min
                        maxs[position] = bounds.max
                        state[position] = 0
                        position += 1
                    case .remove:
                        // The last rule moves here and is checked next; it has not been checked on this tick yet.
                        count -= 1
                        mins[position] = mins[count]
                        maxs[position] = maxs[count]
                        state[position] = state[count]
                        rules.once[position] = rules.once[count]
                        rules.ids[position] = rules.ids[count]
                    }
                }
            }
        }
    }
    let removed = rules.count - count
    if removed > 0 {
        rules.mins.removeLast(removed)
        rules.maxs.removeLast(removed)
        rules.state.removeLast(removed)
        rules.once.removeLast(removed)
        rules.ids.removeLast(removed)
    }
    return (fired, firedOnce)
}

var naive = NaiveRules()
for rule in 0..<naiveRules {
    naive.append(rule: rule, bounds: ruleRange(seed: naiveSeed, rule: rule, generation: 0, price: naivePrice),
                 once: ruleIsOnce(seed: naiveSeed, rule: rule, oncePercent: oncePercent))
}
var naivePrint: UInt64 = 0
var naiveWarmup = 0
while true {
    let round = naiveTick(&naive, previous: naivePrice, price: naivePrice, tickNumber: 0, seed: naiveSeed,
                          onceFired: .redraw, fingerprints: &naivePrint)
    naiveWarmup += round.fired
    if profile == .stress || round.once == 0 { break }
}

/// The naive check through the top symbol's ticks, with the same rule changes as `runTopBook`.
@inline(never)
func runNaive(_ rules: inout NaiveRules, ticks: [Int64], start: Int64, every: Int, firstNewRule: Int, seed: UInt64,
              oncePercent: UInt64, fingerprints: inout UInt64) -> RunCounts {
    var counts = RunCounts()
    var countdown = every
    var previous = start
    let onceFired: OnceFired = profile == .stress ? .redraw : .remove
    for (index, price) in ticks.enumerated() {
        let result = naiveTick(&rules, previous: previous, price: price, tickNumber: index + 1, seed: seed,
                               onceFired: onceFired, fingerprints: &fingerprints)
        counts.firings += result.fired
        counts.onceFirings += result.once
        previous = price
        guard profile == .interest else { continue }
        countdown -= 1
        if countdown == 0 {
            countdown = every
            let rule = firstNewRule + counts.newRules
            rules.append(rule: rule, bounds: ruleRange(seed: seed, rule: rule, generation: 0, price: price),
                         once: ruleIsOnce(seed: seed, rule: rule, oncePercent: oncePercent))
            counts.newRules += 1
        }
    }
    return counts
}

let naiveRulesAtStart = naive.count
let naiveStart = clock.now
let naiveCPUStart = threadCPUSeconds()
let naiveRun = runNaive(&naive, ticks: naiveTicks, start: naivePrice, every: newRuleEvery, firstNewRule: naiveRules,
                        seed: naiveSeed, oncePercent: oncePercent, fingerprints: &naivePrint)
let naiveTime = seconds(clock.now - naiveStart)
let naiveCPU = threadCPUSeconds() - naiveCPUStart
let naiveRulesAtEnd = naive.count

let bookRate = Double(options.naiveTicks) / bookTime
let naiveRate = Double(options.naiveTicks) / naiveTime
let speedUp = bookRate / naiveRate
let agree = bookRun.firings == naiveRun.firings && bookRun.onceFirings == naiveRun.onceFirings
    && bookWarmup.firings == naiveWarmup && bookPrint == naivePrint && topRulesAtStart == naiveRulesAtStart
    && topRulesAtEnd == naiveRulesAtEnd
let topFiringsPerTick = Double(bookRun.firings) / Double(options.naiveTicks)

say("2. top symbol, profile \(profile.rawValue): \(grouped(naiveRules)) rules at ₹\(fixed(Double(naivePrice) / 100)), the same \(grouped(options.naiveTicks)) ticks through both")
say("  rule book        \(rate(bookRate)) ticks/s  at \(fixed(topFiringsPerTick, 2)) firings per tick  (\(fixed(bookTime, 3)) s, CPU \(fixed(bookCPU, 3)) s, \(grouped(bookRun.firings)) firings)")
say("  naive check      \(rate(naiveRate)) ticks/s  (\(fixed(naiveTime, 3)) s, CPU \(fixed(naiveCPU, 3)) s, \(grouped(naiveRun.firings)) firings, \(grouped(naiveRulesAtStart))–\(grouped(naiveRulesAtEnd)) rule checks per tick)")
say("  speed-up         \(fixed(speedUp, 1))×")
switch profile {
case .interest:
    say("  rule changes     \(grouped(bookRun.onceFirings)) once rules fired and left; \(grouped(bookRun.newRules)) new rules created (one per \(grouped(newRuleEvery)) ticks); rules \(grouped(topRulesAtStart)) at the start, \(grouped(topRulesAtEnd)) at the end, \(grouped(bookRun.averageRules(from: topRulesAtStart))) on average")
case .stress:
    say("  rule changes     \(grouped(bookRun.onceFirings)) once rules re-added; rules \(grouped(topRulesAtStart)) at the start, \(grouped(topRulesAtEnd)) at the end")
}
say("  cross-check      firings \(grouped(bookRun.firings)) vs \(grouped(naiveRun.firings)) (once \(grouped(bookRun.onceFirings)) vs \(grouped(naiveRun.onceFirings))); on the first price \(grouped(bookWarmup.firings)) vs \(grouped(naiveWarmup)); rules at the end \(grouped(topRulesAtEnd)) vs \(grouped(naiveRulesAtEnd)); firing fingerprints \(bookPrint == naivePrint ? "equal" : "DIFFER") → \(agree ? "OK" : "MISMATCH")")

say("")
say("targets (informational), profile \(profile.rawValue)")
say("  whole market   ≥ 2,000,000 ticks/s        measured \(rate(marketRate)) ticks/s at \(fixed(marketFiringsPerTick, 2)) firings/tick   \(marketRate >= 2_000_000 ? "PASS" : "FAIL")")
say("  top symbol     ≥ 100× the naive check     measured \(fixed(speedUp, 1))× at \(fixed(topFiringsPerTick, 2)) firings/tick   \(speedUp >= 100 ? "PASS" : "FAIL")")
say("  correctness    rule book = naive check    \(agree ? "PASS" : "FAIL")")
say("")
say("peak memory \(fixed(peakMemoryMB(), 0)) MB")

if !agree {
    say("error: the rule book and the naive check disagree")
    exit(1)
}
