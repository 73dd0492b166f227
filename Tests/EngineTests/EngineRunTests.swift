import Engine
import Foundation
import Testing
import TradingCore

/// Cancels the task it runs on when it sees a tick of `trigger` (it runs inside `process`, on the `run()` task).
private struct CancelOnTick: TickObserver {
    let trigger: Symbol
    func observe(_ tick: Tick) {
        if tick.symbol == trigger { withUnsafeCurrentTask { $0?.cancel() } }
    }
}

private func symbol(_ number: Int) -> Symbol {
    guard let symbol = Symbol("SYM\(number)") else { preconditionFailure("bad symbol") }
    return symbol
}

private func tick(_ symbol: Symbol, _ price: String, at time: Date = marketOpen) -> Tick {
    Tick(symbol: symbol, price: rupees(price), volume: 100, time: time)
}

@Suite("Engine: run() over a feed")
struct EngineRunTests {
    @Test("ticks pushed through the feed are observed in order and fire rules")
    func feedTicksFireRules() async throws {
        let h = EngineHarness()
        let rule = try makeRule(1, "INFY", "1500.00", "1520.00", mode: .rearm)
        h.add(rule)
        let ticks = ["1490.00", "1510.00", "1530.00", "1515.00"].map { tick("INFY", $0) }
        for tick in ticks { #expect(h.feed.send(tick)) }
        try #require(await eventually { h.sink.events.count == 4 })
        #expect(h.tape.seen == ticks)
        #expect(h.firings.recorded.map(\.cartItem.priceWhenAdded) == [rupees("1510.00"), rupees("1515.00")])
        await h.stop()
    }

    @Test("run() consumes the feed to its end and returns only after every queued firing is committed")
    func runDrainsEveryFiringBeforeReturning() async throws {
        let count = 25
        var ticks: [Tick] = []
        for n in 1...count {
            ticks.append(tick(symbol(n), "95.00"))
            ticks.append(tick(symbol(n), "105.00"))
        }
        let h = EngineHarness(feed: ScriptedFeed(ticks: ticks), start: false)
        for n in 1...count { h.add(try makeRule(n, symbol(n), "100.00", "110.00")) }
        h.firings.setDelay(.milliseconds(20))

        await h.engine.run()

        // No waiting: run() has returned, so everything must already be durable and published.
        #expect(h.tape.seen.count == 2 * count)
        #expect(h.firings.recorded.count == count)
        #expect(h.firings.recorded.map(\.rule.id) == (1...count).map(ruleID), "committed in firing order")
        #expect(h.sink.events.count == 2 * count)
        #expect(h.metrics.counts.firingsCommitted == count)
        #expect(h.engine.ruleCount == 0)
    }

    @Test("run() over an empty feed returns at once")
    func runOverEmptyFeedReturns() async {
        let h = EngineHarness(feed: ScriptedFeed(ticks: []), start: false)
        await h.engine.run()
        #expect(h.tape.seen.isEmpty)
        #expect(h.engine.lastTickTime == nil)
    }

    @Test("cancelling the task running run() stops tick intake and still commits everything queued")
    func cancellationStopsIntakeAndDrains() async throws {
        let h = EngineHarness()
        let count = 10
        for n in 1...count + 1 { h.add(try makeRule(n, symbol(n), "100.00", "110.00")) }
        h.firings.hold()
        h.firings.setDelay(.milliseconds(10))
        for n in 1...count { h.feed.send(tick(symbol(n), "105.00")) }
        try #require(await eventually { h.metrics.counts.rulesFired == count })
        try #require(await eventually { h.firings.waiting == 1 }, "the committer is busy with the first firing")

        let task = try #require(h.runTask)
        task.cancel()
        try #require(await eventually { h.feed.wasCancelled }, "run() stops consuming the feed")
        #expect(!h.feed.send(tick(symbol(count + 1), "105.00")), "no tick is taken after cancellation")
        #expect(h.firings.recorded.isEmpty)

        h.firings.release()
        await task.value

        // run() returned: every firing matched before the cancellation is committed and published.
        #expect(h.firings.recorded.count == count)
        #expect(h.sink.events.count == 2 * count)
        #expect(h.tape.seen.count == count)
        #expect(h.engine.ruleCount == 1, "the rule of the refused tick never fired")
    }

    @Test("ticks still buffered in the feed when run() is cancelled are not processed")
    func bufferedTicksAfterCancellationAreNotProcessed() async throws {
        let stop: Symbol = "STOP"
        let ticks = [tick(symbol(1), "105.00"), tick(stop, "1.00"), tick(symbol(2), "105.00"),
                     tick(symbol(3), "105.00")]
        let h = EngineHarness(feed: ScriptedFeed(ticks: ticks), observers: [CancelOnTick(trigger: stop)],
                              start: false)
        for n in 1...3 { h.add(try makeRule(n, symbol(n), "100.00", "110.00")) }
        h.start()
        let task = try #require(h.runTask)
        await task.value
        #expect(h.tape.seen == Array(ticks.prefix(2)), "intake stops at the tick during which run() was cancelled")
        #expect(h.firings.recorded.map(\.rule.id) == [ruleID(1)], "what was matched before is still committed")
        #expect(h.sink.events.count == 2)
        #expect(h.engine.ruleCount == 2)
    }
}
