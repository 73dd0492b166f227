import Foundation
import MarketData
import Testing
import TradingCore

@Suite("SimulatedFeed")
struct SimulatedFeedTests {
    @Test(.timeLimit(.minutes(1)))
    func emitsTicksWithinASecond() async throws {
        let feed = SimulatedFeed(stocks: NiftyCatalogue.all, seed: 7, clock: WallClock())
        #expect(feed.name == "simulated")
        let started = Date()
        let first: Tick? = await withTaskGroup(of: Tick?.self) { group in
            group.addTask {
                for await tick in feed.ticks() { return tick }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(1))
                return nil
            }
            let winner = await group.next() ?? nil
            group.cancelAll()
            return winner
        }
        let tick = try #require(first, "no tick within a second")
        #expect(NiftyCatalogue.stock(for: tick.symbol) != nil)
        #expect(tick.price.isOnTickGrid && tick.volume > 0)
        // Stamped by the injected clock, not by anything inside the simulator.
        #expect(tick.time >= started && tick.time <= Date())
    }

    @Test(.timeLimit(.minutes(1)))
    func stopsWhenTheConsumerIsCancelled() async throws {
        let feed = SimulatedFeed(stocks: catalogued("RELIANCE", "INFY"), seed: 3, interval: .milliseconds(10),
                                 clock: WallClock())
        let consumer = Task {
            var received = 0
            for await _ in feed.ticks() { received += 1 }
            return received
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while feed.stepCount < 5 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(feed.stepCount >= 5)
        consumer.cancel()
        // The consumer's loop ends because the stream finishes on cancellation.
        let received = await consumer.value
        #expect(received > 0)
        // Give the producer a moment to see the cancellation, then make sure it stays still.
        try await Task.sleep(for: .milliseconds(100))
        let settled = feed.stepCount
        try await Task.sleep(for: .milliseconds(300))
        #expect(feed.stepCount == settled)
    }

    @Test(.timeLimit(.minutes(1)))
    func resubscribingContinuesTheSameMarket() async throws {
        let feed = SimulatedFeed(stocks: catalogued("TCS"), seed: 9, interval: .milliseconds(5), clock: WallClock())
        let firstConsumer = Task {
            var received = 0
            for await _ in feed.ticks() {
                received += 1
                if received == 20 { break }
            }
            return received
        }
        #expect(await firstConsumer.value == 20)
        // Leaving the loop drops the stream, which must stop its producer as well.
        try await Task.sleep(for: .milliseconds(100))
        let stepsSoFar = feed.stepCount
        #expect(stepsSoFar >= 20)
        try await Task.sleep(for: .milliseconds(100))
        #expect(feed.stepCount == stepsSoFar)

        var iterator = feed.ticks().makeAsyncIterator()
        let next = try #require(await iterator.next())
        // The walk went on from where it stopped rather than restarting at step 0 from the reference price.
        #expect(feed.stepCount > stepsSoFar)
        #expect(feed.prices[next.symbol] != nil)
    }
}
