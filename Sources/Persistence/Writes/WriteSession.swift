import Foundation

/// The statements of one write transaction, whichever database runs them: the hot write paths (orders, checkout,
/// settlement, firings, rule edits) are written once against it, in plain SQL with `?` placeholders.
///
/// On SQLite the statements run on `DirectSQLiteConnection`, synchronously, with prepared statements; on PostgreSQL
/// they go through SQLKit (`SQLKitWriteSession`). Either way there is no model reflection on these paths.
protocol WriteSession: Sendable {
    /// Runs one statement; `sql` uses `?` for each of `values`, in order.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue]) async throws -> [any SQLResultRow]
}

/// A value bound to a statement.
enum SQLValue: Sendable {
    case integer(Int64)
    case text(String)
    case uuid(UUID)
    case date(Date)
    case bool(Bool)
    case double(Double)
    case null

    static func integer(_ value: Int64?) -> SQLValue { value.map(SQLValue.integer) ?? .null }
    static func integer(_ value: Int) -> SQLValue { .integer(Int64(value)) }
    static func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    static func uuid(_ value: UUID?) -> SQLValue { value.map(SQLValue.uuid) ?? .null }
    static func date(_ value: Date?) -> SQLValue { value.map(SQLValue.date) ?? .null }
    static func double(_ value: Double?) -> SQLValue { value.map(SQLValue.double) ?? .null }
}

/// One row a statement returned, read by column name with the type the caller expects.
protocol SQLResultRow: Sendable {
    func integer(_ column: String) throws -> Int64
    func optionalInteger(_ column: String) throws -> Int64?
    func text(_ column: String) throws -> String
    func optionalText(_ column: String) throws -> String?
    func uuid(_ column: String) throws -> UUID
    func optionalUUID(_ column: String) throws -> UUID?
    func date(_ column: String) throws -> Date
    func optionalDate(_ column: String) throws -> Date?
    func bool(_ column: String) throws -> Bool
}
