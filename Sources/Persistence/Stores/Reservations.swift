import Fluent
import Foundation
import SQLKit
import TradingCore

/// The running figures of what pending orders set aside: cash on the account row (`accounts.reserved_paise`), shares
/// on the position row (`positions.reserved_quantity`). Each is checked and changed by one conditional `UPDATE`, in
/// the transaction that places, settles or cancels the order, so it always equals the sum over the user's pending
/// orders without ever adding them up.
enum Reservations {
    /// Sets `amount` aside from the user's available cash (cash − reserved), or throws `insufficientCash` and changes
    /// nothing. Locks the account row for the rest of the transaction, also when `amount` is zero.
    static func reserveCash(_ amount: Money, owner: UserID, on database: any Database) async throws {
        // Nothing to set aside (a SELL): only the lock. Not conditional, as a fill dearer than its estimate can leave
        // less cash than is reserved, which must not stop anyone from selling.
        guard amount.paise != 0 else { return try await AccountLock.acquire(owner, on: database) }
        let sql = try sqlDatabase(database)
        let rows = try await sql.raw("""
            UPDATE accounts SET reserved_paise = reserved_paise + \(bind: amount.paise)
            WHERE user_id = \(bind: owner.rawValue) AND cash_paise - reserved_paise >= \(bind: amount.paise)
            RETURNING cash_paise
            """).all()
        guard rows.isEmpty else { return }
        let account = try await AccountModel.query(on: database).filter(\.$userID == owner.rawValue).first()
        let available = account.map { Money(paise: $0.cashPaise - $0.reservedPaise) } ?? .zero
        throw FundsError.insufficientCash(needed: amount, available: available)
    }

    /// Sets `quantity` shares of `symbol` aside from what the user holds and has not already offered for sale, or
    /// throws `insufficientHoldings` and changes nothing.
    static func reserveShares(_ quantity: Int64, of symbol: Symbol, owner: UserID, on database: any Database)
        async throws {
        let sql = try sqlDatabase(database)
        let rows = try await sql.raw("""
            UPDATE positions SET reserved_quantity = reserved_quantity + \(bind: quantity)
            WHERE user_id = \(bind: owner.rawValue) AND symbol = \(bind: symbol.rawValue)
              AND quantity - reserved_quantity >= \(bind: quantity)
            RETURNING quantity
            """).all()
        guard rows.isEmpty else { return }
        let position = try await PositionModel.query(on: database)
            .filter(\.$userID == owner.rawValue).filter(\.$symbol == symbol.rawValue).first()
        let available = position.map { $0.quantity - $0.reservedQuantity } ?? 0
        throw FundsError.insufficientHoldings(symbol: symbol, wanted: quantity, available: available)
    }

    /// Gives back what a pending order had set aside, as it leaves PENDING (executed, failed or cancelled):
    /// `reservedPaise` of cash for a BUY, its quantity of shares for a SELL.
    static func release(_ order: Order, reservedPaise: Int64, on database: any Database) async throws {
        let sql = try sqlDatabase(database)
        switch order.side {
        case .buy:
            guard reservedPaise != 0 else { return }
            try await sql.raw("""
                UPDATE accounts SET reserved_paise = reserved_paise - \(bind: reservedPaise)
                WHERE user_id = \(bind: order.owner.rawValue)
                """).run()
        case .sell:
            try await sql.raw("""
                UPDATE positions SET reserved_quantity = reserved_quantity - \(bind: order.quantity)
                WHERE user_id = \(bind: order.owner.rawValue) AND symbol = \(bind: order.symbol.rawValue)
                """).run()
        }
    }

    private static func sqlDatabase(_ database: any Database) throws -> any SQLDatabase {
        guard let sql = database as? any SQLDatabase else { throw PersistenceError.notSQL }
        return sql
    }
}
