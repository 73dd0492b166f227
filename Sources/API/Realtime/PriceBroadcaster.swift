import Engine
import Foundation
import MarketData
import NIOCore
import Synchronization
import TradingCore

/// Starts a round of coalesced prices to the subscribers when quotes change, instead of on a fixed timer.
///
/// A round begins `gather` after the first change that follows the previous round (so the ticks of one market step
/// leave together), but never sooner than `window` after the previous round began: a quiet symbol's change goes out
/// within a few milliseconds, and a busy market still gives each client at most one frame per window. A timer would
/// instead hold every change for up to a whole window even when nothing else is happening.
///
/// It watches the ticks as a `TickObserver` placed after the market hub, so a round always reads the hub with the
/// change in it. The check per tick is one atomic load while a round is already due.
final class PriceBroadcaster: TickObserver, Sendable {
    private let sockets: SocketHub
    private let hub: MarketHub
    private let clock: any TimeSource
    private let eventLoop: any EventLoop
    private let window: TimeAmount
    private let gather: TimeAmount
    /// True from the change that schedules a round until that round starts reading the hub.
    private let due = Atomic<Bool>(false)
    private let state = Mutex<State>(State())

    private struct State {
        var running = false
        var lastRound: NIODeadline = .uptimeNanoseconds(0)
        var scheduled: Scheduled<Void>?
    }

    init(sockets: SocketHub, hub: MarketHub, clock: any TimeSource, eventLoop: any EventLoop,
         windowMilliseconds: Int, gatherMilliseconds: Int = 2) {
        self.sockets = sockets
        self.hub = hub
        self.clock = clock
        self.eventLoop = eventLoop
        self.window = .milliseconds(Int64(windowMilliseconds))
        self.gather = .milliseconds(Int64(min(gatherMilliseconds, windowMilliseconds)))
    }

    /// Rounds happen only between `start` and `stop` (the server's boot and shutdown).
    func start() {
        state.withLock { $0.running = true }
        // Quotes that changed before the start (a feed that began early) still go out.
        quotesChanged()
    }

    func stop() {
        state.withLock { state in
            state.running = false
            state.scheduled?.cancel()
            state.scheduled = nil
        }
    }

    func observe(_ tick: Tick) { quotesChanged() }

    /// Schedules a round unless one is already due.
    func quotesChanged() {
        if due.load(ordering: .acquiring) { return }
        state.withLock { state in
            guard state.running, !due.load(ordering: .acquiring) else { return }
            due.store(true, ordering: .releasing)
            let now = NIODeadline.now()
            let start = max(now + gather, state.lastRound + window)
            state.scheduled = eventLoop.scheduleTask(deadline: start) { [self] in round() }
        }
    }

    private func round() {
        let now = NIODeadline.now()
        let previous = state.withLock { state -> NIODeadline? in
            state.scheduled = nil
            guard state.running else { return nil }
            defer { state.lastRound = now }
            // Cleared before the hub is read: a change from here on schedules the next round rather than being lost.
            due.store(false, ordering: .releasing)
            return state.lastRound
        }
        guard let previous else { return }
        if sockets.broadcastPrices(from: hub, now: clock.now()) == 0 {
            // A round that sent nothing (a subscription with no quotes yet) does not hold back the next one.
            state.withLock { state in
                if state.lastRound == now { state.lastRound = previous }
            }
        }
    }
}
