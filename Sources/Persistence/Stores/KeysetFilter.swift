import FluentKit
import FluentSQL
import Foundation
import SQLKit

/// Keyset paging for the listings: one page of a user's rows in (time, id) order, after a given row.
///
/// The row's own time is read inside the statement (a row-value comparison against a subquery on its id and owner)
/// rather than carried in the cursor: times are REAL seconds on SQLite and microseconds on PostgreSQL, and a time
/// sent out and parsed back could differ from the stored one in its last bit. Both databases serve the comparison
/// from the (owner, …, time, id) index (`QueryPlanTests`).
enum KeysetFilter {
    /// One page of `query` (already filtered to `owner`'s rows): up to `limit` rows after the row `after`, ordered by
    /// `timeColumn` then id (newest first when `descending`), each made into an `Item`. Throws `UnknownPageCursor`
    /// when the page is empty because `after` is none of `owner`'s rows. A nil `owner` pages the whole table (the
    /// administrators' listings).
    static func page<M: Model, Item: Sendable>(
        _ query: QueryBuilder<M>, owner: UUID?, after: UUID?, limit: Int, timeColumn: String, descending: Bool,
        on database: any Database, _ item: (M) throws -> Item, id: (Item) -> UUID
    ) async throws -> Page<Item> where M.IDValue == UUID {
        if let after {
            let comparison = descending ? "<" : ">"
            var cursorRow: SQLQueryString = "SELECT \(unsafeRaw: timeColumn), id FROM \(unsafeRaw: M.schema) WHERE id = \(bind: after)"
            if let owner { cursorRow = cursorRow + " AND user_id = \(bind: owner)" }
            query.filter(.sql(SQLQueryString(
                "(\(unsafeRaw: timeColumn), id) \(unsafeRaw: comparison) (") + cursorRow + ")"))
        }
        let direction: DatabaseQuery.Sort.Direction = descending ? .descending : .ascending
        let rows = try await query.sort(FieldKey(stringLiteral: timeColumn), direction).sort(\._$id, direction)
            .limit(limit + 1).all().map(item)
        if rows.isEmpty, let after {
            let cursor = M.query(on: database).filter(\._$id == after)
            if let owner { cursor.filter(.sql(SQLQueryString("user_id = \(bind: owner)"))) }
            if try await cursor.first() == nil { throw UnknownPageCursor() }
        }
        return Page.of(rows, limit: limit, id: id)
    }
}
