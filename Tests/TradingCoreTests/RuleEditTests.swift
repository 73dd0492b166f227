import Foundation
import Testing
import TradingCore

/// `PriceRule.applying(_:at:)`: what an edit does to a rule, and when it does nothing at all.
@Suite("Rule edits")
struct RuleEditTests {
    let later = marketOpen.addingTimeInterval(60)

    func rule(state: PriceRule.State = .watching, mode: RuleMode = .once) throws -> PriceRule {
        PriceRule(id: ruleID(1), owner: userID(1), symbol: "ITC", range: try PriceRange(min: rupees("400.00"),
                                                                                       max: rupees("420.00")),
                  mode: mode, state: state, fireCount: 3, createdAt: marketOpen, updatedAt: marketOpen,
                  lastFiredAt: marketOpen, revision: 4)
    }

    @Test("an edit that asks for what the rule already is changes nothing", arguments: [
        RuleEdit(), RuleEdit(active: true), RuleEdit(symbol: "ITC"), RuleEdit(min: rupees("400.00")),
        RuleEdit(min: rupees("400.00"), max: rupees("420.00"), mode: .once, active: true),
    ])
    func noOp(edit: RuleEdit) throws {
        for state in [PriceRule.State.watching, .inside] {
            #expect(try rule(state: state).applying(edit, at: later) == nil)
        }
        #expect(try rule(state: .paused).applying(RuleEdit(active: false), at: later) == nil)
    }

    @Test("a change bumps the revision and the update time, and keeps the firing history")
    func changeKeepsHistory() throws {
        let edited = try #require(try rule().applying(RuleEdit(max: rupees("425.00")), at: later))
        #expect(edited.revision == 5)
        #expect(edited.updatedAt == later)
        #expect(edited.range.max == rupees("425.00") && edited.range.min == rupees("400.00"))
        #expect(edited.fireCount == 3 && edited.lastFiredAt == marketOpen && edited.createdAt == marketOpen)
    }

    @Test("what re-arms, pauses and re-activates a rule", arguments: [
        // (state before, edit, state after)
        (PriceRule.State.inside, RuleEdit(min: rupees("401.00")), PriceRule.State.watching),
        (.inside, RuleEdit(mode: .rearm), .watching),
        (.inside, RuleEdit(symbol: "INFY"), .watching),
        (.watching, RuleEdit(active: false), .paused),
        (.inside, RuleEdit(mode: .rearm, active: false), .paused),
        (.fired, RuleEdit(active: true), .watching),
        (.paused, RuleEdit(active: true), .watching),
        // Editing a fired or paused rule does not switch it back on by itself.
        (.fired, RuleEdit(max: rupees("430.00")), .fired),
        (.paused, RuleEdit(symbol: "INFY"), .paused),
    ] as [(PriceRule.State, RuleEdit, PriceRule.State)])
    func states(before: PriceRule.State, edit: RuleEdit, after: PriceRule.State) throws {
        let edited = try #require(try rule(state: before).applying(edit, at: later))
        #expect(edited.state == after)
        #expect(edited.revision == 5)
    }

    @Test("an edit that would make an invalid range is refused, naming the field")
    func invalidRange() throws {
        #expect(throws: ValidationError(field: "min_price", reason: "min_price must not be greater than max_price")) {
            try rule().applying(RuleEdit(min: rupees("500.00")), at: later)
        }
    }
}
