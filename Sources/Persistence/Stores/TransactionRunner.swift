import Fluent
import Foundation
import SQLKit
import SQLiteNIO

/// Runs a unit of work in one database transaction. On SQLite, transactions queue for the database's
/// `SQLiteWriteGate` first, so they never race for the single writer lock; should one still find the database busy
/// or locked (a writer outside the gate, another process), it is retried a few times. PostgreSQL errors pass
/// straight through.
public enum TransactionRunner {
    public static func run<T: Sendable>(
        on database: any Database,
        attempts: Int = 8,
        _ work: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        guard let gate = SQLiteWriteGate.of(database) else {
            return try await retryingContention(on: database, attempts: attempts, work)
        }
        return try await gate.withGate { try await retryingContention(on: database, attempts: attempts, work) }
    }

    /// Runs `work` as one write transaction on a `WriteSession`: on a SQLite file, on its direct connection under the
    /// write gate, grouped with the writes queued beside it; otherwise through SQLKit. The hot write paths use this;
    /// it retries contention like `run`. `work` may run on another caller's task (the group's leader): it must not
    /// depend on task-local values, and its statements never suspend.
    static func write<T: Sendable>(
        on database: any Database,
        attempts: Int = 8,
        _ work: @escaping @Sendable (any WriteSession) async throws -> T
    ) async throws -> T {
        guard let configuration = database.context.configuration as? GatedSQLiteConfiguration,
              let committer = configuration.committer
        else {
            return try await run(on: database, attempts: attempts) { tx in
                guard let sql = tx as? any SQLDatabase else { throw PersistenceError.notSQL }
                return try await work(SQLKitWriteSession(database: sql))
            }
        }
        // Queued with the other writes waiting for the gate and committed in one transaction with them, each in a
        // savepoint of its own (`GroupCommitter`).
        return try await committer.write(attempts: attempts, work)
    }

    /// Runs `body` on the direct connection of a SQLite file (holding its write gate, as every use of it must), or
    /// returns nil when the database has none (PostgreSQL, in-memory SQLite). For reads too large for SQLiteNIO,
    /// which queues an event-loop task per row of a result.
    static func withDirectSQLite<T: Sendable>(
        _ database: any Database, _ body: @Sendable (DirectSQLiteConnection) throws -> T
    ) async throws -> T? {
        guard let configuration = database.context.configuration as? GatedSQLiteConfiguration,
              let direct = configuration.direct
        else { return nil }
        return try await configuration.gate.withGate { try body(try direct.open()) }
    }

    private static func retryingContention<T: Sendable>(
        on database: any Database, attempts: Int, _ work: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await database.transaction(work)
            } catch let error as SQLiteError where isContention(error) && attempt < attempts {
                // Back off a little longer each time; writers hold the lock for milliseconds.
                try await Task.sleep(for: .milliseconds(5 * attempt * attempt))
            }
        }
    }

    static func isContention(_ error: SQLiteError) -> Bool {
        switch error.reason {
        case .busy, .locked, .busyInRecovery, .busyInSnapshot, .busyTimeout, .lockedBySharedCache: true
        default: false
        }
    }
}

extension Error {
    /// Whether a unique key (or other constraint) refused the write, on SQLite and PostgreSQL alike, through Fluent or
    /// the direct SQLite connection.
    var isConstraintViolation: Bool {
        if let failure = self as? DirectSQLiteConnection.Failure { return failure.isConstraint }
        return (self as? any DatabaseError)?.isConstraintFailure ?? false
    }
}
