import Engine
import Foundation
import Testing
import TradingCore

@Suite("Engine: rules fire on ticks and publish after the commit")
struct EngineFiringTests {
    @Test("a rule created with the price already inside its range fires on the next tick")
    func ruleCreatedAroundThePriceFiresOnNextTick() async throws {
        let h = EngineHarness()
        #expect(h.tick("INFY", "1510.00").isEmpty)
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        #expect(h.engine.ruleCount == 1)

        h.clock.advance(by: 1)
        let queued = h.tick("INFY", "1510.05")
        let firing = try #require(queued.first)
        #expect(queued.count == 1)
        #expect(firing.ruleID == rule.id)
        #expect(firing.owner == rule.owner)
        #expect(firing.symbol == "INFY")
        #expect(firing.range == rule.range)
        #expect(firing.price == rupees("1510.05"))
        #expect(firing.time == h.clock.now())
        #expect(firing.nextState == .fired)
        #expect(h.engine.ruleCount == 0, "a fired once rule leaves the engine")

        try #require(await eventually { h.sink.events.count == 2 })
        let record = try #require(h.firings.recorded.first)
        #expect(h.firings.recorded.count == 1)
        #expect(record.rule.fireCount == 1)
        #expect(record.rule.state == .fired)
        #expect(record.cartItem.symbol == "INFY")
        #expect(record.cartItem.owner == rule.owner)
        #expect(record.cartItem.ruleID == rule.id)
        #expect(record.cartItem.fireNumber == 1)
        #expect(record.cartItem.autoAdded)
        #expect(record.cartItem.priceWhenAdded == rupees("1510.05"))
        #expect(h.sink.events == [
            .ruleFired(rule: record.rule, price: rupees("1510.05"), time: firing.time),
            .cartAdded(item: record.cartItem, rule: record.rule),
        ])
        await h.stop()
    }

    @Test("a rule added before any tick fires on the first tick inside its range")
    func ruleAddedBeforeAnyTickFiresOnFirstTick() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "TCS", "3900.00", "4000.00")
        h.add(rule)
        #expect(h.tick("TCS", "3900.00").map(\.ruleID) == [rule.id], "the min bound is inside")
        await h.stop()
        #expect(h.firings.recorded.map(\.rule.id) == [rule.id])
        #expect(h.sink.events.count == 2)
    }

    @Test("ruleFired and cartAdded are published only after the recorder has returned")
    func eventsArePublishedAfterTheRecorderReturned() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        h.firings.hold()
        h.firings.setDelay(.milliseconds(20))
        #expect(h.tick("INFY", "1505.00").count == 1)

        // The recorder has the firing but has not returned: nothing may be published yet.
        try #require(await eventually { h.firings.waiting == 1 })
        #expect(h.sink.events.isEmpty)
        #expect(h.firings.recorded.isEmpty)

        h.firings.release()
        try #require(await eventually { h.sink.events.count == 2 })
        #expect(h.journal.entries == [
            "record-start \(rule.id)", "recorded \(rule.id)", "ruleFired \(rule.id)", "cartAdded \(rule.id)",
        ])
        await h.stop()
    }

    @Test("a once rule fires once, however often the price comes back")
    func onceRuleFiresOnce() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00", mode: .once)
        h.add(rule)
        let counts = ["1490.00", "1505.00", "1490.00", "1505.00", "1600.00", "1510.00"].map { h.tick("INFY", $0).count }
        #expect(counts == [0, 1, 0, 0, 0, 0])
        #expect(h.engine.ruleCount == 0)
        await h.stop()
        #expect(h.firings.attempts.count == 1)
        #expect(h.firings.recorded.count == 1)
        #expect(h.sink.events.count == 2)
    }

    @Test("a rearm rule fires again each time the price leaves and re-enters its range")
    func rearmRuleFiresAgainAfterLeavingAndReentering() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm)
        h.add(rule)
        // (price, next state of the firing it causes, or nil for none)
        let script: [(String, PriceRule.State?)] = [
            ("1490.00", nil),         // below: armed
            ("1505.00", .inside),     // enters from below
            ("1515.00", nil),         // moves inside
            ("1520.00", nil),         // on the max bound: still inside
            ("1520.05", nil),         // leaves above: re-armed
            ("1519.95", .inside),     // re-enters from above
            ("1400.00", nil),         // leaves below
            ("1500.00", .inside),     // re-enters on the min bound
        ]
        for (price, expected) in script {
            let queued = h.tick("INFY", price)
            #expect(queued.map(\.nextState) == (expected.map { [$0] } ?? []), "at \(price)")
        }
        #expect(h.engine.ruleCount == 1, "a rearm rule stays in the engine")
        await h.stop()
        #expect(h.firings.recorded.map(\.cartItem.fireNumber) == [1, 2, 3])
        #expect(h.firings.recorded.map(\.cartItem.priceWhenAdded) == ["1505.00", "1519.95", "1500.00"].map(rupees))
        let fired = h.sink.events.compactMap { event -> Int? in
            if case .ruleFired(let rule, _, _) = event { return rule.fireCount }
            return nil
        }
        #expect(fired == [1, 2, 3])
        #expect(h.sink.events.count == 6)
    }

    @Test("a price that jumps through the whole range in one tick fires the rule", arguments: RuleMode.allCases)
    func jumpThroughFires(mode: RuleMode) async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00", mode: mode)
        h.add(rule)
        #expect(h.tick("INFY", "1490.00").isEmpty)
        let up = h.tick("INFY", "1600.00")
        #expect(up.map(\.ruleID) == [rule.id])
        #expect(up.first?.price == rupees("1600.00"))
        #expect(up.first?.nextState == (mode == .once ? .fired : .watching),
                "a rearm rule jumped through is armed again at once")
        let down = h.tick("INFY", "1400.00")
        if mode == .rearm {
            #expect(down.map(\.nextState) == [.watching], "jumping back down through fires again")
            #expect(h.tick("INFY", "1510.00").map(\.nextState) == [.inside])
        } else {
            #expect(down.isEmpty)
        }
        await h.stop()
        #expect(h.firings.recorded.count == (mode == .once ? 1 : 3))
        #expect(h.firings.recorded.first?.cartItem.priceWhenAdded == rupees("1600.00"))
    }

    @Test("a rule sees only ticks of its own symbol")
    func ticksOfOtherSymbolsDoNotFire() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        #expect(h.tick("TCS", "1510.00").isEmpty)
        #expect(h.tick("WIPRO", "1505.00").isEmpty)
        #expect(h.engine.ruleCount == 1)
        #expect(h.tick("INFY", "1510.00").map(\.ruleID) == [rule.id])
        await h.stop()
        #expect(h.firings.recorded.map(\.cartItem.symbol) == ["INFY"])
    }

    @Test("rules crossed by one tick fire in the order the price reached them and commit in that order")
    func severalRulesOnOneTick() async throws {
        let h = EngineHarness()
        let far = try makeRule(3, "INFY", "1560.00", "1580.00")
        let near = try makeRule(1, "INFY", "1500.00", "1520.00")
        let middle = try makeRule(2, "INFY", "1530.00", "1540.00", mode: .rearm)
        for rule in [far, near, middle] { h.add(rule) }
        #expect(h.tick("INFY", "1490.00").isEmpty)
        let queued = h.tick("INFY", "1600.00")
        #expect(queued.map(\.ruleID) == [near.id, middle.id, far.id])
        #expect(h.engine.ruleCount == 1, "only the rearm rule stays")
        await h.stop()
        #expect(h.firings.recorded.map(\.rule.id) == [near.id, middle.id, far.id])
        let published = h.sink.events.compactMap { event -> RuleID? in
            if case .cartAdded(_, let rule) = event { return rule.id }
            return nil
        }
        #expect(published == [near.id, middle.id, far.id])
    }

    @Test("rules of different symbols and owners fire independently")
    func rulesOfDifferentSymbolsFireIndependently() async throws {
        let h = EngineHarness()
        let infy = try makeRule(1, "INFY", "1500.00", "1520.00")
        let tcs = try makeRule(2, "TCS", "3900.00", "4000.00")
        h.add(infy)
        h.add(tcs)
        #expect(h.tick("TCS", "3950.00").map(\.ruleID) == [tcs.id])
        #expect(h.engine.ruleCount == 1)
        #expect(h.tick("INFY", "1510.00").map(\.ruleID) == [infy.id])
        await h.stop()
        let owners = h.sink.events.map(\.owner)
        #expect(owners == [tcs.owner, tcs.owner, infy.owner, infy.owner])
    }
}
