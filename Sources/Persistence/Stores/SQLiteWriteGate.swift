import FluentKit
import Synchronization

/// Lets one write transaction at a time run on a SQLite database, in arrival order.
///
/// SQLite has one writer. Without the gate, the server's connections (one per event loop) race for the write lock
/// and the losers sleep in SQLite's busy handler (1, 2, 5 … 100 ms at a time, with no queue), so under load a write
/// waits hundreds of milliseconds behind others that came later. Queued here instead, each transaction starts the
/// moment the previous one commits. Each SQLite database registered by `DatabaseSetup` has its own gate, carried by
/// its configuration (`GatedSQLiteConfiguration`), so `TransactionRunner` finds it from any database handle.
public final class SQLiteWriteGate: Sendable {
    public init() {}

    private struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private let state = Mutex(State())

    /// The gate of the database `database` was opened on, if it is a gated SQLite database.
    static func of(_ database: any Database) -> SQLiteWriteGate? {
        (database.context.configuration as? GatedSQLiteConfiguration)?.gate
    }

    /// Runs `body` holding the gate.
    func withGate<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let acquired = state.withLock { state -> Bool in
            guard state.held else {
                state.held = true
                return true
            }
            return false
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                // Released between the check above and here: take it at once.
                guard state.held else {
                    state.held = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Hands the gate to the longest waiter (it stays held), or opens it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.head < state.waiters.count else {
                state.held = false
                state.waiters.removeAll(keepingCapacity: true)
                state.head = 0
                return nil
            }
            let waiter = state.waiters[state.head]
            state.head += 1
            if state.head > 1_024 && state.head * 2 > state.waiters.count {
                state.waiters.removeFirst(state.head)
                state.head = 0
            }
            return waiter
        }
        next?.resume()
    }
}

/// A SQLite database configuration with the write gate of that database, and (for a database file) the direct
/// connection its hot write transactions run on: what `DatabaseSetup` registers for SQLite. Databases opened from it
/// carry it as their `context.configuration`.
struct GatedSQLiteConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let gate: SQLiteWriteGate
    let direct: DirectSQLiteHolder?
    /// Commits the direct connection's write transactions in groups (`GroupCommitter`).
    let committer: GroupCommitter?

    init(base: any DatabaseConfiguration, path: String?) {
        self.base = base
        let gate = SQLiteWriteGate()
        self.gate = gate
        let direct = path.map(DirectSQLiteHolder.init)
        self.direct = direct
        committer = direct.map { GroupCommitter(gate: gate, holder: $0) }
    }

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver { base.makeDriver(for: databases) }
}

/// Opens the direct connection of a SQLite file on first use (under the write gate, which every use holds).
final class DirectSQLiteHolder: @unchecked Sendable {
    // @unchecked: `connection` is read and set only by the holder of the database's write gate.
    let path: String
    private var connection: DirectSQLiteConnection?

    init(path: String) { self.path = path }

    /// The connection, opened now if it is not yet; call only while holding the gate.
    func open() throws -> DirectSQLiteConnection {
        if let connection { return connection }
        let opened = try DirectSQLiteConnection(path: path)
        connection = opened
        return opened
    }
}
