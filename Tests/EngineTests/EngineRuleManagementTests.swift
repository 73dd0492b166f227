import Engine
import Foundation
import Testing
import TradingCore

@Suite("Engine: applying, removing and loading rules")
struct EngineRuleManagementTests {
    @Test("applying a rule that is no longer live removes it", arguments: [PriceRule.State.paused, .fired])
    func applyingANonLiveRuleRemovesIt(state: PriceRule.State) async throws {
        let h = EngineHarness()
        var rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        #expect(h.tick("INFY", "1490.00").isEmpty)
        #expect(h.engine.ruleCount == 1)
        rule.state = state
        h.add(rule)
        #expect(h.engine.ruleCount == 0)
        #expect(h.tick("INFY", "1510.00").isEmpty)
        await h.stop()
        #expect(h.firings.attempts.isEmpty)
        #expect(h.sink.events.isEmpty)
    }

    @Test("a paused rule that is re-activated fires again when the price is in range")
    func reactivatedRuleFires() async throws {
        let h = EngineHarness()
        var rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        rule.state = .paused
        h.add(rule)
        #expect(h.engine.ruleCount == 0)
        #expect(h.tick("INFY", "1510.00").isEmpty)
        rule.state = .watching
        h.add(rule)
        #expect(h.tick("INFY", "1511.00").map(\.ruleID) == [rule.id])
        await h.stop()
    }

    @Test("applying a rule moved to another symbol takes it off the old symbol")
    func applyingARuleMovedToAnotherSymbol() async throws {
        let h = EngineHarness()
        var rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        #expect(h.tick("INFY", "1490.00").isEmpty)
        rule.symbol = "TCS"
        h.add(rule)
        #expect(h.engine.ruleCount == 1)
        #expect(h.tick("INFY", "1510.00").isEmpty, "the old symbol no longer watches the rule")
        let queued = h.tick("TCS", "1510.00")
        #expect(queued.map(\.ruleID) == [rule.id])
        #expect(queued.first?.symbol == "TCS")
        #expect(h.engine.ruleCount == 0)
        await h.stop()
        #expect(h.firings.recorded.map(\.cartItem.symbol) == ["TCS"])
    }

    @Test("applying an edited range replaces the old range")
    func applyingAnEditedRangeReplacesIt() async throws {
        let h = EngineHarness()
        var rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        #expect(h.tick("INFY", "1490.00").isEmpty)
        rule.range = try PriceRange(min: rupees("1600.00"), max: rupees("1620.00"))
        h.add(rule)
        #expect(h.engine.ruleCount == 1)
        #expect(h.tick("INFY", "1510.00").isEmpty, "the old range is gone")
        let queued = h.tick("INFY", "1605.00")
        #expect(queued.map(\.range) == [rule.range])
        await h.stop()
        #expect(h.firings.recorded.count == 1)
    }

    @Test("remove forgets a rule; removing an unknown rule is a no-op")
    func removeForgetsTheRule() async throws {
        let h = EngineHarness()
        let kept = try makeRule(1, "INFY", "1500.00", "1520.00")
        let removed = try makeRule(2, "INFY", "1500.00", "1520.00")
        h.add(kept)
        h.add(removed)
        #expect(h.tick("INFY", "1490.00").isEmpty)
        h.engine.remove(removed.id, symbol: "INFY")
        #expect(h.engine.ruleCount == 1)
        h.engine.remove(ruleID(99), symbol: "INFY")
        h.engine.remove(kept.id, symbol: "TCS")
        #expect(h.engine.ruleCount == 1, "removing under the wrong symbol or an unknown id changes nothing")
        #expect(h.tick("INFY", "1510.00").map(\.ruleID) == [kept.id])
        await h.stop()
        #expect(h.firings.attempts.map(\.ruleID) == [kept.id])
    }

    @Test("load restores live rules only")
    func loadRestoresLiveRules() async throws {
        let h = EngineHarness()
        h.engine.load([
            try makeRule(1, "INFY", "1500.00", "1520.00", state: .watching),
            try makeRule(2, "INFY", "1500.00", "1520.00", mode: .rearm, state: .inside),
            try makeRule(3, "TCS", "3900.00", "4000.00", state: .paused),
            try makeRule(4, "TCS", "3900.00", "4000.00", state: .fired),
            try makeRule(5, "WIPRO", "300.00", "310.00", mode: .rearm, state: .watching),
        ])
        #expect(h.engine.ruleCount == 3)
        #expect(h.tick("TCS", "3950.00").isEmpty)
        #expect(h.tick("WIPRO", "305.00").map(\.ruleID) == [ruleID(5)])
        await h.stop()
    }

    @Test("a loaded rearm rule in state inside does not fire until the price leaves and re-enters")
    func loadedInsideRuleWaitsForThePriceToLeave() async throws {
        let h = EngineHarness()
        let inside = try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm, state: .inside)
        let watching = try makeRule(2, "INFY", "1500.00", "1520.00", mode: .rearm, state: .watching)
        for rule in [inside, watching] { h.firings.register(rule) }
        h.engine.load([inside, watching])
        #expect(h.tick("INFY", "1510.00").map(\.ruleID) == [watching.id], "only the watching rule fires")
        #expect(h.tick("INFY", "1515.00").isEmpty)
        #expect(h.tick("INFY", "1530.00").isEmpty, "leaving fires nothing")
        let reentered = h.tick("INFY", "1519.00")
        #expect(Set(reentered.map(\.ruleID)) == [inside.id, watching.id])
        #expect(reentered.allSatisfy { $0.nextState == .inside })
        await h.stop()
        #expect(h.firings.recorded.filter { $0.rule.id == inside.id }.map(\.cartItem.fireNumber) == [1])
    }

    @Test("a loaded inside rule whose first tick is outside the range fires on re-entry")
    func loadedInsideRuleFirstTickOutside() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm, state: .inside)
        h.firings.register(rule)
        h.engine.load([rule])
        #expect(h.tick("INFY", "1480.00").isEmpty)
        #expect(h.tick("INFY", "1501.00").map(\.ruleID) == [rule.id])
        await h.stop()
    }

    @Test("ruleCount counts the rules watched across symbols; lastTickTime follows the clock")
    func countsAndReadiness() async throws {
        let h = EngineHarness()
        #expect(h.engine.ruleCount == 0)
        #expect(h.engine.lastTickTime == nil)
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00"))
        h.add(try makeRule(2, "TCS", "3900.00", "4000.00", mode: .rearm))
        h.add(try makeRule(3, "TCS", "4100.00", "4200.00"))
        #expect(h.engine.ruleCount == 3)
        h.clock.advance(by: 42)
        h.tick("TCS", "3950.00")
        #expect(h.engine.lastTickTime == marketOpen.addingTimeInterval(42))
        #expect(h.engine.ruleCount == 3, "a rearm rule that fired is still watched")
        h.tick("TCS", "4150.00")
        #expect(h.engine.ruleCount == 2)
        await h.stop()
    }

    @Test("a change older than the one the engine holds is ignored (two edits applied out of order)")
    func olderChangeIgnored() async throws {
        let h = EngineHarness()
        var newer = try makeRule(1, "INFY", "1600.00", "1620.00")
        newer.revision = 3
        var older = try makeRule(1, "INFY", "1500.00", "1520.00")
        older.revision = 2
        h.firings.register(newer)
        #expect(h.engine.apply(newer))
        #expect(!h.engine.apply(older), "the older edit arrived late and must not replace the newer")
        var paused = older
        paused.state = .paused
        #expect(!h.engine.apply(paused), "nor may an older pause")
        #expect(h.engine.apply(newer) == false, "the same revision twice is one change")
        #expect(h.tick("INFY", "1490.00").isEmpty)
        #expect(h.tick("INFY", "1510.00").isEmpty, "the older range is not watched")
        #expect(h.tick("INFY", "1610.00").map(\.revision) == [3])
        await h.stop()
        #expect(h.firings.recorded.count == 1)
    }
}
