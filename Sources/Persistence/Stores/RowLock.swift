import Fluent
import Foundation
import SQLKit

/// Locks rows for the rest of the transaction with a no-op `UPDATE`, before they are read and written back.
///
/// The statement is portable: PostgreSQL locks the matched rows until commit, so a second transaction that locks
/// them waits and then reads what the first committed; SQLite takes its database write lock up front, so a deferred
/// transaction never has to upgrade a read snapshot that went stale. Every read-modify-write of a row that another
/// writer (a request, the engine) may change meanwhile starts with it.
enum RowLock {
    /// Locks the rows of `table` where every `column` equals its value, by setting `keepColumn` to itself.
    static func acquire(_ table: String, where conditions: [(column: String, value: UUID)], keepColumn: String,
                        on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        var update = sql.update(table).set(keepColumn, to: SQLIdentifier(keepColumn))
        for (column, value) in conditions {
            update = update.where(SQLIdentifier(column), .equal, SQLBind(value))
        }
        try await update.run()
    }
}
