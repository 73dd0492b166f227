import FluentKit
import FluentSQL
import Foundation
import SQLKit

/// The condition "after this row in (time, id) order" of keyset paging, for a Fluent query.
///
/// The row's own time is read inside the statement (a row-value comparison against a subquery on its id and owner)
/// rather than carried in the cursor: times are REAL seconds on SQLite and microseconds on PostgreSQL, and a time
/// sent out and parsed back could differ from the stored one in its last bit. Both databases serve the comparison
/// from the (owner, …, time, id) index (`QueryPlanTests`).
enum KeysetFilter {
    static func after(_ id: UUID, owner: UUID, table: String, timeColumn: String, descending: Bool)
        -> DatabaseQuery.Filter {
        let comparison = descending ? "<" : ">"
        let query: SQLQueryString = """
            (\(unsafeRaw: timeColumn), id) \(unsafeRaw: comparison) \
            (SELECT \(unsafeRaw: timeColumn), id FROM \(unsafeRaw: table) WHERE id = \(bind: id) AND user_id = \(bind: owner))
            """
        return .sql(query)
    }
}
