import Foundation

/// A write transaction on `DirectSQLiteConnection`: statements run synchronously, on the caller's thread.
struct DirectSQLiteWriteSession: WriteSession, @unchecked Sendable {
    // @unchecked: the connection is used only by the holder of its database's write gate, one task at a time.
    let connection: DirectSQLiteConnection

    func run(_ sql: String, _ values: [SQLValue]) async throws -> [any SQLResultRow] {
        try connection.run(sql, values.map(DirectSQLiteConnection.Value.init)).map(DirectSQLiteResultRow.init)
    }
}

/// A row of `DirectSQLiteConnection`, read the way SQLiteNIO reads SQLite values.
struct DirectSQLiteResultRow: SQLResultRow, @unchecked Sendable {
    let row: DirectSQLiteConnection.Row

    private func value(_ column: String) throws -> DirectSQLiteConnection.Value {
        guard let value = row.value(column) else { throw PersistenceError.missingColumn(column) }
        return value
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        switch try value(column) {
        case .integer(let number): return number
        case .real(let number): return Int64(exactly: number)
        case .null: return nil
        case .text: throw PersistenceError.missingColumn(column)
        }
    }

    func integer(_ column: String) throws -> Int64 {
        guard let number = try optionalInteger(column) else { throw PersistenceError.missingColumn(column) }
        return number
    }

    func optionalText(_ column: String) throws -> String? {
        switch try value(column) {
        case .text(let text): return text
        case .null: return nil
        default: throw PersistenceError.missingColumn(column)
        }
    }

    func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw PersistenceError.missingColumn(column) }
        return text
    }

    func optionalUUID(_ column: String) throws -> UUID? {
        guard let text = try optionalText(column) else { return nil }
        guard let uuid = UUID(uuidString: text) else { throw PersistenceError.missingColumn(column) }
        return uuid
    }

    func uuid(_ column: String) throws -> UUID {
        guard let uuid = try optionalUUID(column) else { throw PersistenceError.missingColumn(column) }
        return uuid
    }

    func optionalDate(_ column: String) throws -> Date? {
        let seconds: Double
        switch try value(column) {
        case .real(let number): seconds = number
        case .integer(let number): seconds = Double(number)
        case .null: return nil
        case .text: throw PersistenceError.missingColumn(column)
        }
        // Rounded to microseconds, as SQLiteNIO reads dates, so a date read here equals one read through Fluent.
        let sinceReference = seconds - Date.timeIntervalBetween1970AndReferenceDate
        return Date(timeIntervalSinceReferenceDate: (sinceReference * 1e6).rounded() / 1e6)
    }

    /// SQLite keeps booleans as integers.
    func bool(_ column: String) throws -> Bool { try integer(column) != 0 }

    func date(_ column: String) throws -> Date {
        guard let date = try optionalDate(column) else { throw PersistenceError.missingColumn(column) }
        return date
    }
}
