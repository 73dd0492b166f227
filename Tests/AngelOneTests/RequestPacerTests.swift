import AngelOne
import Foundation
import Synchronization
import Testing

/// The client-side rate limiter, on a clock the test moves: requests wait exactly until a window has room.
@Suite("Request pacer and rate-limit configuration")
struct RequestPacerTests {
    /// A clock that moves only when the pacer sleeps, by what it asked for.
    final class Clock: Sendable {
        let current = Mutex(ContinuousClock.now)
        let slept = Mutex<[Duration]>([])
        func now() -> ContinuousClock.Instant { current.withLock { $0 } }
        func sleep(_ duration: Duration) {
            slept.withLock { $0.append(duration) }
            current.withLock { $0 = $0 + duration }
        }
    }

    @Test("the tenth order in a second waits for the first to leave the window (plus the margin); books go 1 a second")
    func waitsForTheWindow() async throws {
        let clock = Clock()
        let pacer = RequestPacer(limits: .documented, margin: .milliseconds(200), now: { clock.now() },
                                 sleep: { clock.sleep($0) })
        for _ in 0..<9 { try await pacer.admit(.orders) }
        #expect(clock.slept.withLock { $0.isEmpty })
        try await pacer.admit(.orders)
        #expect(clock.slept.withLock { $0 } == [.milliseconds(1_200)])
        try await pacer.admit(.orderBook)
        try await pacer.admit(.orderBook)
        #expect(clock.slept.withLock { $0.last } == .milliseconds(1_200), "classes are counted apart")
    }

    @Test("the per-minute window holds too: 500 orders a minute")
    func minuteWindow() async throws {
        let clock = Clock()
        let pacer = RequestPacer(limits: .documented, margin: .zero, now: { clock.now() }, sleep: { clock.sleep($0) })
        for _ in 0..<500 { try await pacer.admit(.orders) }
        let before = clock.now()
        try await pacer.admit(.orders)
        // 500 orders at 9 a second take 55.x s; the 501st waits until a minute after the first.
        #expect(clock.now() - before > .zero)
        let firstWindowEnd = clock.slept.withLock { $0.reduce(Duration.zero, +) }
        #expect(firstWindowEnd >= .seconds(60))
    }

    @Test("ANGELONE_RATE_LIMITS replaces the named classes and keeps the others")
    func parsing() throws {
        let limits = try SmartAPIRateLimits.parse("orders=5/s, orders=200/min,order_book=2/s")
        #expect(limits.limits[.orders] == [.init(count: 5, seconds: 1), .init(count: 200, seconds: 60)])
        #expect(limits.limits[.orderBook] == [.init(count: 2, seconds: 1)])
        #expect(limits.limits[.tradeBook] == [.init(count: 1, seconds: 1)], "each book is its own class")
        #expect(limits.limits[.funds] == SmartAPIRateLimits.documented.limits[.funds])
        #expect(throws: SmartAPIRateLimits.Unreadable.self) { try SmartAPIRateLimits.parse("trades=1/s") }
        #expect(throws: SmartAPIRateLimits.Unreadable.self) { try SmartAPIRateLimits.parse("orders=0/s") }
        #expect(throws: SmartAPIRateLimits.Unreadable.self) { try SmartAPIRateLimits.parse("orders=9/day") }
    }
}
