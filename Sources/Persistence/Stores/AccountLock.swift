import Fluent
import SQLKit
import TradingCore

/// Takes the write lock on a user's account row at the start of a money-moving transaction.
///
/// A no-op `UPDATE` is portable: PostgreSQL locks the row until commit, so two transactions for one user run one
/// after the other; SQLite takes its database write lock up front, so a deferred transaction never has to upgrade a
/// stale read snapshot. Either way, the cash and reservation checks that follow see every committed order.
enum AccountLock {
    static func acquire(_ owner: UserID, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.update(AccountModel.schema)
            .set("cash_paise", to: SQLIdentifier("cash_paise"))
            .where("user_id", .equal, owner.rawValue)
            .run()
    }
}
