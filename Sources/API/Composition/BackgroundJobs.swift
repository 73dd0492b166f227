import Foundation
import Synchronization

/// Long-running housekeeping the adapters need besides the engine (a broker session's daily login, the instrument
/// master's refresh): started when the server boots, cancelled and awaited when it shuts down.
final class BackgroundJobs: Sendable {
    typealias Job = @Sendable () async -> Void

    private struct State {
        var waiting: [Job] = []
        var stopActions: [@Sendable () -> Void] = []
        var running: [Task<Void, Never>] = []
        var started = false
        var stopped = false
    }

    private let state = Mutex(State())

    /// Adds a job: it starts with the server, or at once if the server has started (never after it stopped).
    func add(_ job: @escaping Job) {
        state.withLock { state in
            guard !state.stopped else { return }
            if state.started {
                state.running.append(Task { await job() })
            } else {
                state.waiting.append(job)
            }
        }
    }

    /// Runs `action` when the jobs stop (after they are cancelled and have returned).
    func onStop(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.stopActions.append(action) }
    }

    func start() {
        state.withLock { state in
            guard !state.started else { return }
            state.started = true
            state.running += state.waiting.map { job in Task { await job() } }
            state.waiting = []
        }
    }

    /// Cancels every job and waits for each to return.
    func stop() async {
        let (tasks, actions) = state.withLock { state in
            state.stopped = true
            defer {
                state.running = []
                state.stopActions = []
            }
            return (state.running, state.stopActions)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        for action in actions { action() }
    }
}
