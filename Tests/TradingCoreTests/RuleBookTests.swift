import Testing
@testable import TradingCore

/// A rule numbered `number` on `[min, max]` (rupee literals).
private func entry(_ number: Int, _ min: String, _ max: String, _ mode: RuleMode = .once) throws -> RuleBook.Entry {
    RuleBook.Entry(id: ruleID(number), range: try PriceRange(min: rupees(min), max: rupees(max)), mode: mode,
                   owner: userID(number % 7))
}

private extension RuleBook {
    /// Moves the book to `price` and returns the numbers of the rules that fired, in firing order.
    mutating func tick(_ price: String) -> [Int] {
        apply(price: rupees(price)).map { ruleNumber($0.entry.id) }
    }

    /// Applies each price in turn; the numbers that fired at each.
    mutating func ticks(_ prices: [String]) -> [[Int]] {
        prices.map { tick($0) }
    }
}

@Suite("RuleBook: entering, bounds and jumps")
struct RuleBookEntryTests {
    @Test("fires when the price enters the range from below", arguments: RuleMode.allCases)
    func entersFromBelow(mode: RuleMode) throws {
        var book = RuleBook()
        let rule = try entry(1, "100.00", "110.00", mode)
        book.upsert(rule)
        #expect(book.tick("95.00") == [])
        #expect(book.state(of: ruleID(1)) == .armed)
        #expect(book.tick("99.95") == [])
        let firings = book.apply(price: rupees("100.05"))
        #expect(firings.count == 1)
        let firing = try #require(firings.first)
        #expect(firing.entry == rule)
        #expect(firing.price == rupees("100.05"))
        #expect(firing.remains == (mode == .rearm))
        #expect(book.contains(ruleID(1)) == (mode == .rearm))
        #expect(book.lastPrice == rupees("100.05"))
    }

    @Test("fires when the price enters the range from above", arguments: RuleMode.allCases)
    func entersFromAbove(mode: RuleMode) throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", mode))
        #expect(book.ticks(["125.00", "110.05"]) == [[], []])
        let firings = book.apply(price: rupees("109.95"))
        #expect(firings.map { ruleNumber($0.entry.id) } == [1])
        #expect(firings.first?.price == rupees("109.95"))
        #expect(book.count == (mode == .once ? 0 : 1))
    }

    @Test("a price equal to a bound is inside", arguments: [
        // (min, max, price before, price that lands on the bound)
        ("100.00", "110.00", "99.95", "100.00"),   // min, from below
        ("100.00", "110.00", "90.00", "100.00"),   // min, from far below
        ("100.00", "110.00", "110.05", "110.00"),  // max, from above
        ("100.00", "110.00", "130.00", "110.00"),  // max, from far above
        ("105.00", "105.00", "104.95", "105.00"),  // single-price range, from below
        ("105.00", "105.00", "105.05", "105.00"),  // single-price range, from above
        ("105.00", "105.00", "80.00", "105.00"),   // single-price range, from far below
        ("0.05", "0.05", "1.00", "0.05"),          // the smallest price there is
    ])
    func boundsAreInside(min: String, max: String, before: String, landing: String) throws {
        for mode in RuleMode.allCases {
            var book = RuleBook()
            book.upsert(try entry(1, min, max, mode))
            #expect(book.ticks([before, landing]) == [[], [1]], "mode \(mode)")
        }
    }

    @Test("a price one paisa outside a bound is outside")
    func justOutsideIsOutside() throws {
        var below = RuleBook()
        below.upsert(try entry(1, "100.00", "110.00"))
        #expect(below.ticks(["90.00", "99.99", "90.00", "99.95", "99.99"]) == [[], [], [], [], []])
        #expect(below.state(of: ruleID(1)) == .armed)

        var above = RuleBook()
        above.upsert(try entry(1, "100.00", "110.00"))
        #expect(above.ticks(["120.00", "110.01", "200.00", "110.05", "110.01"]) == [[], [], [], [], []])
        #expect(above.state(of: ruleID(1)) == .armed)
    }

    @Test("a price that jumps through the whole range between two ticks fires",
          arguments: RuleMode.allCases, [true, false])
    func jumpThrough(mode: RuleMode, upward: Bool) throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", mode))
        let (start, far) = upward ? ("90.00", "120.00") : ("120.00", "90.00")
        #expect(book.tick(start) == [])
        let firings = book.apply(price: rupees(far))
        #expect(firings.map { ruleNumber($0.entry.id) } == [1])
        #expect(firings.first?.price == rupees(far))
        #expect(firings.first?.remains == (mode == .rearm))
        switch mode {
        case .once:
            #expect(!book.contains(ruleID(1)))
            #expect(book.ticks([start, "105.00", far]) == [[], [], []])
        case .rearm:
            // Entered and left in one move: armed again on the far side, and jumping back through fires again.
            #expect(book.state(of: ruleID(1)) == .armed)
            #expect(book.ticks([far == "120.00" ? "125.00" : "85.00", start]) == [[], [1]])
            #expect(book.tick("105.00") == [1])
        }
    }

    @Test("a jump through a single-price range fires")
    func jumpThroughSinglePrice() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "105.00", "105.00", .rearm))
        #expect(book.ticks(["104.95", "105.05", "104.95", "105.00", "105.00", "104.95"]) == [[], [1], [1], [1], [], []])
    }

    @Test("firings come in the order the price reached the rules")
    func firingOrder() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "103.00", "104.00", .rearm))
        book.upsert(try entry(2, "101.00", "120.00", .rearm))
        book.upsert(try entry(3, "102.00", "102.00", .rearm))
        book.upsert(try entry(4, "150.00", "160.00", .rearm))
        book.upsert(try entry(5, "80.00", "99.00", .rearm))
        #expect(book.tick("100.00") == [])
        #expect(book.tick("130.00") == [2, 3, 1])  // by min, upwards
        #expect(book.tick("100.00") == [2, 1, 3])  // by max, downwards (2 is re-entered at 120, then 104, then 102)
        #expect(book.tick("50.00") == [5])
    }

    @Test("repeating the same price changes nothing")
    func samePrice() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", .rearm))
        book.upsert(try entry(2, "120.00", "130.00", .rearm))
        #expect(book.ticks(["105.00", "105.00", "105.00"]) == [[1], [], []])
        #expect(book.state(of: ruleID(1)) == .inside)
        #expect(book.state(of: ruleID(2)) == .armed)
        #expect(book.lastPrice == rupees("105.00"))
    }

    @Test("an empty book accepts prices and reports nothing")
    func emptyBook() {
        var book = RuleBook()
        #expect(book.isEmpty)
        #expect(book.lastPrice == nil)
        #expect(book.ticks(["1.00", "1000000.00", "0.05"]) == [[], [], []])
        #expect(book.lastPrice == rupees("0.05"))
        #expect(book.state(of: ruleID(1)) == nil)
    }
}

@Suite("RuleBook: new rules")
struct RuleBookNewRuleTests {
    @Test("a rule created while the price is inside fires on the next tick, not before",
          arguments: RuleMode.allCases)
    func createdInside(mode: RuleMode) throws {
        var book = RuleBook()
        #expect(book.tick("105.00") == [])
        book.upsert(try entry(1, "100.00", "110.00", mode))
        // Nothing is evaluated until a price arrives.
        #expect(book.state(of: ruleID(1)) == .pending(armed: true))
        #expect(book.count == 1)
        let firings = book.apply(price: rupees("105.00"))
        #expect(firings.map { ruleNumber($0.entry.id) } == [1])
        #expect(firings.first?.price == rupees("105.00"))
        if mode == .rearm {
            #expect(book.state(of: ruleID(1)) == .inside)
            #expect(book.ticks(["106.00", "104.00"]) == [[], []])
        } else {
            #expect(book.isEmpty)
        }
    }

    @Test("a rule added before the book has seen any price is placed on the first one")
    func addedBeforeFirstPrice() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00"))
        book.upsert(try entry(2, "200.00", "210.00"))
        book.upsert(try entry(3, "50.00", "60.00"))
        #expect(book.lastPrice == nil)
        #expect(book.tick("100.00") == [1])
        #expect(book.state(of: ruleID(2)) == .armed)
        #expect(book.state(of: ruleID(3)) == .armed)
        #expect(book.ticks(["60.00", "200.00"]) == [[3], [2]])
    }

    @Test("a new rule is judged on the next price only: if that price is already past the range, it is armed")
    func addedInsideButPriceLeaves() throws {
        var book = RuleBook()
        #expect(book.tick("105.00") == [])
        book.upsert(try entry(1, "100.00", "110.00"))
        #expect(book.tick("111.00") == [])
        #expect(book.state(of: ruleID(1)) == .armed)
        #expect(book.tick("109.00") == [1])
    }

    @Test("a rule added between ticks does not take part in the move that places it")
    func pendingIsPlacedAfterTheMove() throws {
        var book = RuleBook()
        #expect(book.tick("90.00") == [])
        book.upsert(try entry(1, "100.00", "110.00"))
        // The price crosses the range on the first move the rule sees, but the rule did not exist before that move.
        #expect(book.tick("120.00") == [])
        #expect(book.tick("110.00") == [1])
    }
}

@Suite("RuleBook: modes")
struct RuleBookModeTests {
    @Test("a once rule fires exactly once and leaves the book")
    func onceFiresOnce() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", .once))
        book.upsert(try entry(2, "300.00", "310.00", .once))
        let fired = book.ticks(["90.00", "105.00", "95.00", "105.00", "120.00", "105.00", "80.00", "200.00", "105.00"])
        #expect(fired.flatMap { $0 } == [1])
        #expect(fired[1] == [1])
        #expect(!book.contains(ruleID(1)))
        #expect(book.count == 1)
    }

    @Test("a rearm rule fires again only after the price left the range and re-entered")
    func rearmNeedsExitAndReentry() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", .rearm))
        let prices = ["95.00", "100.00", "105.00", "110.00", "100.00", "107.35", "110.05", "110.00", "109.00",
                      "99.95", "100.00", "150.00", "50.00", "104.00"]
        let expected: [[Int]] = [[], [1], [], [], [], [], [], [1], [], [], [1], [], [1], [1]]
        #expect(book.ticks(prices) == expected)
        #expect(book.state(of: ruleID(1)) == .inside)
        #expect(book.count == 1)
    }

    @Test("a rearm rule is armed while outside and inside while in the range")
    func rearmStates() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", .rearm))
        _ = book.tick("105.00")
        #expect(book.state(of: ruleID(1)) == .inside)
        _ = book.tick("111.00")
        #expect(book.state(of: ruleID(1)) == .armed)
        _ = book.tick("90.00")
        #expect(book.state(of: ruleID(1)) == .armed)
    }

    @Test("a rearm rule restored with armed: false stays silent inside and fires after leaving and re-entering",
          arguments: ["111.00", "99.00"])
    func restoredDisarmed(exit: String) throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", .rearm), armed: false)
        #expect(book.state(of: ruleID(1)) == .pending(armed: false))
        #expect(book.ticks(["105.00", "101.00", "110.00", "100.00"]) == [[], [], [], []])
        #expect(book.state(of: ruleID(1)) == .inside)
        #expect(book.ticks([exit, "105.00"]) == [[], [1]])
    }

    @Test("a rearm rule restored with armed: false while the price is outside is armed")
    func restoredDisarmedOutside() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", .rearm), armed: false)
        #expect(book.tick("95.00") == [])
        #expect(book.state(of: ruleID(1)) == .armed)
        #expect(book.tick("100.00") == [1])
    }
}

@Suite("RuleBook: removing and replacing")
struct RuleBookChangeTests {
    enum Stage: String, CaseIterable, Sendable { case pending, armed, inside }

    @Test("remove() stops a rule firing, whatever its state", arguments: Stage.allCases)
    func removeStopsFiring(stage: Stage) throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", .rearm))
        book.upsert(try entry(2, "100.00", "110.00", .rearm))
        switch stage {
        case .pending: break
        case .armed: #expect(book.tick("95.00") == [])
        case .inside: #expect(Set(book.tick("105.00")) == [1, 2])
        }
        book.remove(ruleID(1))
        #expect(!book.contains(ruleID(1)))
        #expect(book.state(of: ruleID(1)) == nil)
        #expect(book.count == 1)
        let fired = book.ticks(["95.00", "105.00", "120.00", "105.00"]).flatMap { $0 }
        #expect(!fired.contains(1))
        #expect(fired.contains(2))
    }

    @Test("removing an unknown rule changes nothing")
    func removeUnknown() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00"))
        book.remove(ruleID(99))
        #expect(book.count == 1)
        #expect(book.ticks(["90.00", "100.00"]) == [[], [1]])
        book.remove(ruleID(1))
        #expect(book.isEmpty)
    }

    @Test("upsert replacing a rule's range takes effect on the next price")
    func upsertReplacesRange() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00"))
        #expect(book.tick("90.00") == [])
        book.upsert(try entry(1, "200.00", "210.00"))
        #expect(book.count == 1)
        #expect(book.state(of: ruleID(1)) == .pending(armed: true))
        #expect(book.ticks(["105.00", "150.00"]) == [[], []])
        let firings = book.apply(price: rupees("205.00"))
        #expect(firings.map(\.entry.range) == [try PriceRange(min: rupees("200.00"), max: rupees("210.00"))])
    }

    @Test("upsert can change the mode")
    func upsertChangesMode() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", .once))
        #expect(book.tick("90.00") == [])
        book.upsert(try entry(1, "100.00", "110.00", .rearm))
        #expect(book.ticks(["90.00", "105.00", "90.00", "105.00"]) == [[], [1], [], [1]])
    }

    @Test("replacing an inside rearm rule with armed: false keeps it quiet until it leaves")
    func upsertInsideRuleDisarmed() throws {
        var book = RuleBook()
        book.upsert(try entry(1, "100.00", "110.00", .rearm))
        #expect(book.tick("105.00") == [1])
        book.upsert(try entry(1, "100.00", "112.00", .rearm), armed: false)
        #expect(book.ticks(["105.00", "111.00", "113.00", "111.00"]) == [[], [], [], [1]])
    }

    @Test("old heap entries never resurrect when the same id is added again and again")
    func reAddedRulesDoNotResurrect() throws {
        var book = RuleBook()
        #expect(book.tick("150.00") == [])
        let below = ("100.00", "110.00")
        let above = ("200.00", "210.00")
        // Every incarnation is placed (pushed into a heap) before it is replaced, on both sides of the price and
        // in both states, so stale entries for both ranges pile up in all four heaps.
        for round in 0..<8 {
            let range = round.isMultiple(of: 2) ? below : above
            book.upsert(try entry(1, range.0, range.1, .rearm))
            #expect(book.tick("150.00") == [])
            if round == 3 {
                // Make this incarnation inside, so the next round replaces it while inside.
                #expect(book.tick("205.00") == [1])
            }
        }
        // The last incarnation is `above`. The `below` range must never fire again, and `above` fires once per entry.
        #expect(book.count == 1)
        let walk = ["105.00", "100.00", "150.00", "205.00", "150.00", "105.00", "95.00", "200.00", "250.00", "210.00"]
        #expect(book.ticks(walk) == [[], [], [], [1], [], [], [], [1], [], [1]])
    }

    @Test("stale entries from many replacements and removals are compacted without losing live rules")
    func churnAndCompaction() throws {
        var book = RuleBook()
        #expect(book.tick("150.00") == [])
        // A live rule that must survive every compaction, plus a great deal of churn.
        book.upsert(try entry(0, "160.00", "170.00", .rearm))
        for round in 0..<20 {
            for number in 1...100 {
                let low = round.isMultiple(of: 2)
                book.upsert(try entry(number, low ? "140.00" : "160.00", low ? "145.00" : "165.00", .rearm))
            }
            _ = book.tick("150.00")
            _ = book.tick(round.isMultiple(of: 3) ? "162.00" : "150.00")
            for number in stride(from: 1, through: 100, by: 2) { book.remove(ruleID(number)) }
            _ = book.tick("150.00")
        }
        // 50 survivors (even numbers) on the last (odd round → 160–165) range, plus rule 0.
        #expect(book.count == 51)
        let fired = book.tick("161.00")
        #expect(Set(fired) == Set([0] + Array(stride(from: 2, through: 100, by: 2))))
        #expect(fired.count == 51)
    }
}
