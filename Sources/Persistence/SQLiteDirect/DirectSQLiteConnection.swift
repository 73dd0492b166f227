import Foundation
import Synchronization
import VaporCSQLite

/// A connection of StockCart's own to a SQLite database file, for the hot write transactions: statements are prepared
/// once and run synchronously on the calling thread, so a transaction of five statements costs microseconds instead of
/// five round trips through a thread pool and an event loop (which is how SQLiteNIO runs each statement, and what
/// bounded order placement at about 900 a second).
///
/// It uses the SQLite library that SQLiteNIO bundles (`VaporCSQLite`), never a second copy: two copies of SQLite in
/// one process do not see each other's POSIX locks and can corrupt a database. The same `SQLiteWriteGate` orders
/// its transactions with Fluent's, so there is still one writer at a time. Values are stored exactly as SQLiteNIO
/// stores them (UUIDs as upper-case text, dates as seconds since 1970 in a REAL), so Fluent reads what it writes.
///
/// Not thread-safe on its own: only the holder of the database's write gate uses it.
final class DirectSQLiteConnection: @unchecked Sendable {
    /// A value to bind.
    enum Value {
        case integer(Int64)
        case real(Double)
        case text(String)
        case null

        /// As SQLiteNIO stores it: UUIDs as upper-case text, dates as seconds since 1970.
        init(_ value: SQLValue) {
            switch value {
            case .integer(let number): self = .integer(number)
            case .text(let text): self = .text(text)
            case .uuid(let uuid): self = .text(uuid.uuidString)
            case .date(let date): self = .real(date.timeIntervalSince1970)
            case .bool(let flag): self = .integer(flag ? 1 : 0)
            case .double(let number): self = .real(number)
            case .null: self = .null
            }
        }
    }

    /// One result row: its values in column order, and the statement's column names.
    struct Row {
        let names: [String]
        let values: [Value]

        func value(_ column: String) -> Value? {
            names.firstIndex(of: column).map { values[$0] }
        }
    }

    /// A failed SQLite call: its extended result code and message.
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        let message: String

        /// A unique, primary key or check constraint refused the write.
        var isConstraint: Bool { code & 0xFF == SQLITE_CONSTRAINT }
        /// Another connection holds the write lock.
        var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
        var description: String { "SQLite error \(code): \(message)" }
    }

    /// `SQLITE_TRANSIENT`, which the C header spells as a cast Swift cannot import.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    /// Checkpoints the log off the write path (`WALCheckpointer`); nil for a database without one.
    let checkpointer: WALCheckpointer?

    /// Opens `path` with the settings the Fluent connections use (WAL, synchronous=NORMAL, foreign keys, a busy
    /// timeout for writers outside this process).
    init(path: String, checkpointInBackground: Bool = true) throws {
        let opened = try Self.open(path, create: true)
        handle = opened
        do {
            checkpointer = checkpointInBackground ? try WALCheckpointer(path: path) : nil
        } catch {
            sqlite_nio_sqlite3_close_v2(opened)
            throw error
        }
        // temp_store=MEMORY keeps each group commit's savepoint journal in memory: on disk (the default) it spilled
        // to a temporary file past 64 KiB, two `pwrite` calls per order under load for a file no crash ever reads.
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
                       "PRAGMA busy_timeout=5000", "PRAGMA temp_store=MEMORY"] {
            _ = try run(pragma, [])
        }
        if let checkpointer {
            // Replaces SQLite's automatic checkpoint (itself a WAL hook) on this connection: after each commit the
            // hook hands the log's length to the checkpointer instead of checkpointing inside the commit.
            sqlite_nio_sqlite3_wal_hook(opened, { context, writer, _, pages in
                Unmanaged<WALCheckpointer>.fromOpaque(context!).takeUnretainedValue().logGrew(to: pages, writer: writer)
                return SQLITE_OK
            }, Unmanaged.passUnretained(checkpointer).toOpaque())
        }
    }

    /// A SQLite handle on `path` (the file created if `create`), or the failure with SQLite's message.
    static func open(_ path: String, create: Bool) throws -> OpaquePointer {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX
            | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            if let opened { sqlite_nio_sqlite3_close_v2(opened) }
            throw Failure(code: status, message: message)
        }
        return opened
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`), committing if it returns and rolling back if it throws.
    /// `body` is asynchronous only so that the write paths are written once for both databases: the statements it runs
    /// here never suspend.
    func transaction<T>(_ body: () async throws -> T) async throws -> T {
        _ = try run("BEGIN IMMEDIATE", [])
        do {
            let result = try await body()
            _ = try run("COMMIT", [])
            return result
        } catch {
            _ = try? run("ROLLBACK", [])
            throw error
        }
    }

    /// Runs one statement and hands each row to `body` as it is stepped, keeping none: for reading many rows.
    func forEachRow(_ sql: String, _ values: [Value], _ body: (Row) throws -> Void) throws {
        try execute(sql, values, body)
    }

    /// Runs one statement (prepared once per distinct text) with `?` placeholders bound in order; its rows.
    @discardableResult
    func run(_ sql: String, _ values: [Value]) throws -> [Row] {
        var rows: [Row] = []
        try execute(sql, values) { rows.append($0) }
        return rows
    }

    private func execute(_ sql: String, _ values: [Value], _ body: (Row) throws -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32 = switch value {
            case .integer(let number): sqlite_nio_sqlite3_bind_int64(statement, index, number)
            case .real(let number): sqlite_nio_sqlite3_bind_double(statement, index, number)
            case .null: sqlite_nio_sqlite3_bind_null(statement, index)
            case .text(let text):
                // SQLITE_TRANSIENT: SQLite copies the text, which lives only for this call.
                sqlite_nio_sqlite3_bind_text(statement, index, text, -1, Self.transient)
            }
            guard status == SQLITE_OK else { throw failure(status) }
        }
        var names: [String]?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw failure(status) }
            let count = sqlite_nio_sqlite3_column_count(statement)
            if names == nil {
                names = (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
            }
            var values: [Value] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count {
                switch sqlite_nio_sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: values.append(.integer(sqlite_nio_sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: values.append(.real(sqlite_nio_sqlite3_column_double(statement, column)))
                case SQLITE_TEXT:
                    let text = sqlite_nio_sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
                    values.append(.text(text))
                default: values.append(.null)
                }
            }
            try body(Row(names: names ?? [], values: values))
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status) }
        statements[sql] = statement
        return statement
    }

    private func failure(_ status: Int32) -> Failure {
        Failure(code: sqlite_nio_sqlite3_extended_errcode(handle), message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }
}
