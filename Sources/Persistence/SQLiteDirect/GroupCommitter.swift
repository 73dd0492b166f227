import Foundation
import Synchronization

/// Commits the write transactions queued for a SQLite file's direct connection in groups: one `BEGIN … COMMIT` for
/// as many as are waiting (up to `maxGroup`), each in a savepoint of its own.
///
/// A commit appends every page the transaction changed to the write-ahead log, one `pwrite` each. Writes of one kind
/// change the same few pages (the table's last leaf, its indexes' last leaves, the account row), so a profile of
/// `POST /api/rules` showed a fifth of the server's CPU in committing: eight pages for every rule. In a group those
/// pages are written once for all of its transactions.
///
/// Each transaction keeps its own outcome: one that throws is rolled back to its savepoint and gets its error, and
/// the others commit. None is told it succeeded before the group's `COMMIT` returned; if that fails, all of them get
/// the failure, as each would have alone. Within a group they run one after another, in arrival order, each seeing
/// the writes of those before it, exactly as they would have one transaction at a time.
///
/// Whoever finds no group being led leads one: it takes the write gate, runs the queued transactions (its own among
/// them), and then hands the lead to the oldest transaction still waiting, so no caller waits on others' work after
/// its own has committed.
final class GroupCommitter: Sendable {
    /// Most transactions in one group: enough that a queue of concurrent requests commits together, few enough that
    /// the first of them is not held long by the last.
    static let maxGroup = 64

    private let gate: SQLiteWriteGate
    private let holder: DirectSQLiteHolder
    private let state = Mutex(State())
    private let groups = Atomic<Int>(0)

    /// Groups committed so far (tests and diagnostics).
    var committedGroups: Int { groups.load(ordering: .relaxed) }

    /// Transactions queued and not yet taken into a group (tests and diagnostics).
    var queued: Int { state.withLock { $0.waiting } }

    private struct State {
        var pending: [any QueuedWrite] = []
        var head = 0
        var leading = false

        var waiting: Int { pending.count - head }

        mutating func take(_ limit: Int) -> [any QueuedWrite] {
            let taken = Array(pending[head..<min(pending.count, head + limit)])
            head += taken.count
            if head == pending.count {
                pending.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1_024 {
                pending.removeFirst(head)
                head = 0
            }
            return taken
        }
    }

    init(gate: SQLiteWriteGate, holder: DirectSQLiteHolder) {
        self.gate = gate
        self.holder = holder
    }

    /// Runs `work` as part of a group transaction and returns its result once the group has committed.
    func write<T: Sendable>(attempts: Int, _ work: @escaping @Sendable (any WriteSession) async throws -> T)
        async throws -> T {
        let write = GroupedWrite(work)
        var leads = state.withLock { state -> Bool in
            state.pending.append(write)
            if state.leading { return false }
            state.leading = true
            return true
        }
        while true {
            if leads {
                await runGroup(attempts: attempts)
                // Hand the lead on: to the oldest transaction still queued, or to nobody.
                let next = state.withLock { state -> (any QueuedWrite)? in
                    guard state.waiting > 0 else {
                        state.leading = false
                        return nil
                    }
                    return state.pending[state.head]
                }
                next?.lead()
            }
            switch await write.outcome() {
            case .done(let result): return try result.get()
            case .lead: leads = true
            }
        }
    }

    /// Takes the queued transactions (up to `maxGroup`) and commits them in one transaction, holding the gate.
    private func runGroup(attempts: Int) async {
        // The body finishes every write it takes, whatever happens, so `withGate` has nothing to throw.
        try? await gate.withGate {
            let group = state.withLock { $0.take(Self.maxGroup) }
            guard !group.isEmpty else { return }
            do {
                let connection = try holder.open()
                let session = DirectSQLiteWriteSession(connection: connection)
                var attempt = 0
                while true {
                    attempt += 1
                    do {
                        try await connection.transaction {
                            for write in group {
                                _ = try connection.run("SAVEPOINT grouped_write", [])
                                if !(await write.run(session)) {
                                    _ = try connection.run("ROLLBACK TO grouped_write", [])
                                }
                                _ = try connection.run("RELEASE grouped_write", [])
                            }
                        }
                        break
                    } catch let failure as DirectSQLiteConnection.Failure where failure.isBusy && attempt < attempts {
                        // Another process holds the write lock beyond the busy timeout: back off, run the group again.
                        try await Task.sleep(for: .milliseconds(5 * attempt * attempt))
                    }
                }
                groups.add(1, ordering: .relaxed)
                for write in group { write.finish(failure: nil) }
            } catch {
                // The transaction as a whole failed (`transaction` rolled it back): nothing of it is kept.
                for write in group { write.finish(failure: error) }
            }
        }
    }
}

/// A transaction waiting in a `GroupCommitter`'s queue, whatever its result type.
protocol QueuedWrite: AnyObject, Sendable {
    /// Runs the work on the group's session; false when it threw (its error is kept for `finish`).
    func run(_ session: DirectSQLiteWriteSession) async -> Bool
    /// Delivers the outcome once the group has committed (`failure` nil) or failed.
    func finish(failure: (any Error)?)
    /// Asks the waiting caller to lead the next group.
    func lead()
}

/// One caller's transaction in a group, and how its caller learns what became of it.
final class GroupedWrite<T: Sendable>: QueuedWrite, @unchecked Sendable {
    // @unchecked: `result` is touched by the leader of the group that runs it, then read by the caller after `finish`
    // (the mutex orders the two); the rest is under `state`.
    enum Outcome {
        case done(Result<T, any Error>)
        case lead
    }

    private let work: @Sendable (any WriteSession) async throws -> T
    private var result: Result<T, any Error>?
    private let state = Mutex<(ready: Outcome?, waiter: CheckedContinuation<Outcome, Never>?)>((nil, nil))

    init(_ work: @escaping @Sendable (any WriteSession) async throws -> T) { self.work = work }

    func run(_ session: DirectSQLiteWriteSession) async -> Bool {
        do {
            result = .success(try await work(session))
            return true
        } catch {
            result = .failure(error)
            return false
        }
    }

    func finish(failure: (any Error)?) {
        if let failure {
            deliver(.done(.failure(failure)))
        } else if let result {
            deliver(.done(result))
        } else {
            preconditionFailure("a grouped write finished without having run")
        }
    }

    func lead() { deliver(.lead) }

    private func deliver(_ outcome: Outcome) {
        let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.ready = outcome
            return nil
        }
        waiter?.resume(returning: outcome)
    }

    /// The outcome, waiting for it if it has not come yet.
    func outcome() async -> Outcome {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Outcome? in
                if let ready = state.ready {
                    state.ready = nil
                    return ready
                }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
