import Foundation

/// Storage failures that callers may need to tell apart.
public enum PersistenceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A row holds values that no valid domain object can have (edited by hand, or a bug).
    case corruptRow(table: String, id: UUID?)
    /// A unique key refused the write (for example a duplicate e-mail).
    case duplicate(String)
    /// The database is not one SQLKit can speak to (both supported drivers are).
    case notSQL
    /// A statement's result has no such column, or not of the type asked for (a bug in the statement).
    case missingColumn(String)

    public var description: String {
        switch self {
        case let .corruptRow(table, id): "corrupt row in \(table) (id \(id?.uuidString ?? "nil"))"
        case let .duplicate(what): "duplicate \(what)"
        case .notSQL: "the database does not accept SQL"
        case let .missingColumn(column): "no readable column \(column) in the result"
        }
    }
}
