import Engine
import Foundation
import Testing
import TradingCore

@Suite("Engine: committing firings")
struct EngineCommitTests {
    @Test("a firing the recorder answers nil for publishes nothing")
    func recorderReturningNilPublishesNothing() async throws {
        let h = EngineHarness()
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00"))
        h.firings.answerNil()
        #expect(h.tick("INFY", "1510.00").count == 1)
        await h.stop()
        #expect(h.firings.attempts.count == 1, "nil is an answer, not a failure: no retry")
        #expect(h.sink.events.isEmpty)
        #expect(h.metrics.counts.commitFailures == 0)
        #expect(h.engine.ruleCount == 0, "nor is the rule re-armed")
    }

    @Test("a firing of a rule deleted from the store meanwhile publishes nothing")
    func firingOfDeletedRulePublishesNothing() async throws {
        let h = EngineHarness()
        let deleted = try makeRule(1, "INFY", "1500.00", "1520.00")
        let kept = try makeRule(2, "INFY", "1500.00", "1520.00")
        h.add(deleted)
        h.add(kept)
        h.firings.unregister(deleted.id)
        #expect(h.tick("INFY", "1510.00").count == 2)
        await h.stop()
        #expect(h.sink.events.map(\.owner) == [kept.owner, kept.owner])
        #expect(h.firings.recorded.map(\.rule.id) == [kept.id])
    }

    @Test("a transient failure is retried: one firing, one cart item, published once")
    func transientFailureIsRetried() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        h.firings.failNext(2)
        #expect(h.tick("INFY", "1510.00").count == 1)
        try #require(await eventually { h.sink.events.count == 2 })
        #expect(h.firings.attempts.count == 3)
        #expect(h.firings.recorded.count == 1)
        #expect(h.metrics.counts.commitFailures == 0)
        #expect(h.engine.ruleCount == 0, "a committed once rule is not re-armed")
        #expect(h.tick("INFY", "1511.00").isEmpty)
        await h.stop()
    }

    @Test("a once rule whose firing cannot be recorded is re-armed and fires on a later tick in range")
    func failedCommitRearmsOnceRule() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        h.firings.failNext(3)
        #expect(h.tick("INFY", "1510.00").count == 1)
        #expect(h.engine.ruleCount == 0)
        try #require(await eventually { h.engine.ruleCount == 1 }, "the rule comes back after the retries")
        #expect(h.firings.attempts.count == 3)
        #expect(h.firings.recorded.isEmpty)
        #expect(h.sink.events.isEmpty, "nothing was saved, so nothing is published")
        #expect(h.metrics.counts.commitFailures == 1)

        let again = h.tick("INFY", "1510.00")
        #expect(again.map(\.ruleID) == [rule.id], "the same price fires the re-armed rule")
        try #require(await eventually { h.sink.events.count == 2 })
        let record = try #require(h.firings.recorded.first)
        #expect(record.cartItem.fireNumber == 1, "the failed firing left no trace")
        #expect(h.engine.ruleCount == 0)
        await h.stop()
    }

    @Test("a rearm rule whose firing cannot be recorded fires again without leaving the range")
    func failedCommitRearmsRearmRule() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm)
        h.add(rule)
        h.firings.failNext(3)
        #expect(h.tick("INFY", "1505.00").map(\.nextState) == [.inside])
        try await h.waitForCommits()
        #expect(h.firings.attempts.count == 3)
        #expect(h.sink.events.isEmpty)
        #expect(h.tick("INFY", "1506.00").map(\.nextState) == [.inside])
        await h.stop()
        #expect(h.firings.recorded.map(\.cartItem.fireNumber) == [1])
        #expect(h.sink.events.count == 2)
    }

    @Test("a failed commit does not bring back a rule deleted while it was being recorded")
    func failedCommitDoesNotResurrectDeletedRule() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        h.firings.failNext(3)
        h.firings.hold()
        #expect(h.tick("INFY", "1510.00").count == 1)
        try #require(await eventually { h.firings.waiting == 1 })

        // The user deletes the rule while the commit is in flight.
        h.firings.unregister(rule.id)
        h.engine.remove(rule.id, symbol: "INFY")
        h.firings.release()
        try await h.waitForCommits()
        #expect(h.metrics.counts.commitFailures == 1)
        #expect(h.engine.ruleCount == 0, "the deleted rule stays deleted")
        #expect(h.tick("INFY", "1511.00").isEmpty)
        await h.stop()
    }

    @Test("a failed commit does not undo an edit made while it was being recorded")
    func failedCommitDoesNotUndoAnEdit() async throws {
        let h = EngineHarness()
        var rule = try makeRule(1, "INFY", "1500.00", "1520.00")
        h.add(rule)
        h.firings.failNext(3)
        h.firings.hold()
        #expect(h.tick("INFY", "1510.00").count == 1)
        try #require(await eventually { h.firings.waiting == 1 })

        // The user moves the range while the commit is in flight.
        rule.range = try PriceRange(min: rupees("1600.00"), max: rupees("1620.00"))
        h.add(rule)
        h.firings.release()
        try await h.waitForCommits()
        #expect(h.metrics.counts.commitFailures == 1)
        #expect(h.engine.ruleCount == 1)
        #expect(h.tick("INFY", "1511.00").isEmpty, "the old range must not come back")
        let queued = h.tick("INFY", "1610.00")
        #expect(queued.map(\.range) == [rule.range], "the edited range is watched")
        await h.stop()
        #expect(h.firings.recorded.map(\.cartItem.priceWhenAdded) == [rupees("1610.00")])
    }

    @Test("a failed commit does not re-activate a rule paused while it was being recorded")
    func failedCommitDoesNotUndoAPause() async throws {
        let h = EngineHarness()
        var rule = try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm)
        h.add(rule)
        h.firings.failNext(3)
        h.firings.hold()
        #expect(h.tick("INFY", "1510.00").count == 1)
        try #require(await eventually { h.firings.waiting == 1 })

        rule.state = .paused
        h.add(rule)
        h.firings.release()
        try await h.waitForCommits()
        #expect(h.engine.ruleCount == 0, "the paused rule stays paused")
        #expect(h.tick("INFY", "1511.00").isEmpty)
        await h.stop()
    }

    @Test("firing metrics: every firing is counted when matched and when committed")
    func metricsCountFiringsAndCommits() async throws {
        let h = EngineHarness()
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm))
        h.add(try makeRule(2, "INFY", "1505.00", "1525.00"))
        for price in ["1510.00", "1530.00", "1510.00"] { h.tick("INFY", price) }
        await h.stop()
        let counts = h.metrics.counts
        #expect(counts.rulesFired == 3)
        #expect(counts.firingsCommitted == 3)
        #expect(counts.freshTicks == 3)
        #expect(counts.commitFailures == 0)
    }

    @Test("a superseded firing takes the engine's stale copy of the rule out of the book")
    func supersededWithdraws() async throws {
        let h = EngineHarness()
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm))
        h.firings.answerNil() // the store has moved on (an edit whose apply has not arrived, or a delete)
        #expect(h.tick("INFY", "1510.00").count == 1)
        try await h.waitForCommits()
        #expect(h.engine.ruleCount == 0, "a rearm rule the store no longer has at this revision stays in the book")
        #expect(h.tick("INFY", "1490.00").isEmpty && h.tick("INFY", "1510.00").isEmpty)
        await h.stop()
        #expect(h.firings.attempts.count == 1)
        #expect(h.metrics.counts.firingOutcomes == [.superseded])
    }

    @Test("a firing the store had already recorded publishes nothing; a reconciled one publishes as usual")
    func alreadyRecordedAndReconciled() async throws {
        let h = EngineHarness()
        h.add(try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm))
        h.firings.answer(.alreadyRecorded)
        #expect(h.tick("INFY", "1510.00").count == 1)
        try await h.waitForCommits()
        #expect(h.sink.events.isEmpty)
        #expect(h.engine.ruleCount == 1, "the rule is still the user's: it stays in the book")
        h.firings.answer(.reconciled)
        #expect(h.tick("INFY", "1490.00").isEmpty)
        #expect(h.tick("INFY", "1511.00").count == 1)
        await h.stop()
        #expect(h.sink.events.count == 2, "rule.fired and cart.added for the reconciled firing")
        #expect(h.metrics.counts.firingOutcomes == [.alreadyRecorded, .reconciled])
        #expect(h.metrics.counts.commitFailures == 0)
    }
}
