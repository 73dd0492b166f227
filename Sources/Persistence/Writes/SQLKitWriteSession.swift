import Foundation
import SQLKit

/// A write transaction through SQLKit (PostgreSQL, and SQLite where no direct connection is available).
struct SQLKitWriteSession: WriteSession {
    let database: any SQLDatabase

    func run(_ sql: String, _ values: [SQLValue]) async throws -> [any SQLResultRow] {
        var query = SQLQueryString("")
        var parts = sql.split(separator: "?", omittingEmptySubsequences: false).makeIterator()
        query.appendLiteral(String(parts.next() ?? ""))
        for value in values {
            switch value {
            case .integer(let number): query.appendInterpolation(bind: number)
            case .text(let text): query.appendInterpolation(bind: text)
            case .uuid(let uuid): query.appendInterpolation(bind: uuid)
            case .date(let date): query.appendInterpolation(bind: date)
            case .bool(let flag): query.appendInterpolation(bind: flag)
            case .double(let number): query.appendInterpolation(bind: number)
            case .null: query.appendLiteral("NULL")
            }
            query.appendLiteral(String(parts.next() ?? ""))
        }
        return try await database.raw(query).all().map(SQLKitResultRow.init)
    }
}

/// A row through SQLKit, decoded by the database's own decoder.
struct SQLKitResultRow: SQLResultRow, @unchecked Sendable {
    // @unchecked: a decoded row is read by the one task that ran its statement.
    let row: any SQLRow

    func integer(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64.self) }
    func optionalInteger(_ column: String) throws -> Int64? { try row.decode(column: column, as: Int64?.self) }
    func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
    func optionalText(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
    func uuid(_ column: String) throws -> UUID { try row.decode(column: column, as: UUID.self) }
    func optionalUUID(_ column: String) throws -> UUID? { try row.decode(column: column, as: UUID?.self) }
    func date(_ column: String) throws -> Date { try row.decode(column: column, as: Date.self) }
    func optionalDate(_ column: String) throws -> Date? { try row.decode(column: column, as: Date?.self) }
    func bool(_ column: String) throws -> Bool { try row.decode(column: column, as: Bool.self) }
}
