import Fluent
import SQLKit
import TradingCore

/// Takes the write lock on a user's account row at the start of a money-moving transaction.
///
/// On either database (see `RowLock`), the cash and reservation checks that follow see every committed order, and two
/// requests cannot spend the same rupee or sell the same share twice.
enum AccountLock {
    static func acquire(_ owner: UserID, on database: any Database) async throws {
        try await RowLock.acquire(AccountModel.schema, where: [("user_id", owner.rawValue)], keepColumn: "cash_paise",
                                  on: database)
    }
}
