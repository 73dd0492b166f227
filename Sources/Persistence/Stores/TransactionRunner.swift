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
    /// Whether a unique key (or other constraint) refused the write, on SQLite and PostgreSQL alike.
    var isConstraintViolation: Bool {
        (self as? any DatabaseError)?.isConstraintFailure ?? false
    }
}
