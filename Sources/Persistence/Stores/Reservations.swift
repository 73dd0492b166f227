import Foundation
import TradingCore

/// The running figures of what pending orders set aside: cash on the account row (`accounts.reserved_paise`), shares
/// on the position row (`positions.reserved_quantity`). Each is checked and changed by one conditional `UPDATE`, in
/// the transaction that places, settles or cancels the order, so it always equals the sum over the user's pending
/// orders without ever adding them up.
enum Reservations {
    /// Takes the write lock on the user's account row for the rest of the transaction, with a no-op `UPDATE`: on
    /// PostgreSQL a row lock, so a second transaction for the same user waits and then reads what the first
    /// committed; on SQLite the database's write lock (already held: direct transactions begin `IMMEDIATE`).
    static func lockAccount(_ owner: UserID, in session: any WriteSession) async throws {
        try await session.run("UPDATE accounts SET cash_paise = cash_paise WHERE user_id = ?", [.uuid(owner.rawValue)])
    }

    /// Sets `amount` aside from the user's available cash (cash − reserved), or throws `insufficientCash` and changes
    /// nothing. Locks the account row for the rest of the transaction, also when `amount` is zero.
    static func reserveCash(_ amount: Money, owner: UserID, in session: any WriteSession) async throws {
        // Nothing to set aside (a SELL): only the lock. Not conditional, as a fill dearer than its estimate can leave
        // less cash than is reserved, which must not stop anyone from selling.
        guard amount.paise != 0 else { return try await lockAccount(owner, in: session) }
        let reserved = try await session.run("""
            UPDATE accounts SET reserved_paise = reserved_paise + ?
            WHERE user_id = ? AND cash_paise - reserved_paise >= ?
            RETURNING cash_paise
            """, [.integer(amount.paise), .uuid(owner.rawValue), .integer(amount.paise)])
        guard reserved.isEmpty else { return }
        let account = try await session.run("SELECT cash_paise, reserved_paise FROM accounts WHERE user_id = ?",
                                            [.uuid(owner.rawValue)]).first
        let available = try account.map { Money(paise: try $0.integer("cash_paise") - $0.integer("reserved_paise")) }
        throw FundsError.insufficientCash(needed: amount, available: available ?? .zero)
    }

    /// Sets `quantity` shares of `symbol` aside from what the user holds and has not already offered for sale, or
    /// throws `insufficientHoldings` and changes nothing.
    static func reserveShares(_ quantity: Int64, of symbol: Symbol, owner: UserID, in session: any WriteSession)
        async throws {
        let reserved = try await session.run("""
            UPDATE positions SET reserved_quantity = reserved_quantity + ?
            WHERE user_id = ? AND symbol = ? AND quantity - reserved_quantity >= ?
            RETURNING quantity
            """, [.integer(quantity), .uuid(owner.rawValue), .text(symbol.rawValue), .integer(quantity)])
        guard reserved.isEmpty else { return }
        let position = try await session.run("""
            SELECT quantity, reserved_quantity FROM positions WHERE user_id = ? AND symbol = ?
            """, [.uuid(owner.rawValue), .text(symbol.rawValue)]).first
        let available = try position.map { try $0.integer("quantity") - $0.integer("reserved_quantity") }
        throw FundsError.insufficientHoldings(symbol: symbol, wanted: quantity, available: available ?? 0)
    }

    /// Gives back what a pending order had set aside, as it leaves PENDING (executed, failed or cancelled):
    /// `reservedPaise` of cash for a BUY, its quantity of shares for a SELL; nothing for an order whose funds a real
    /// broker checked (`funds_checked_by` = `broker`: nothing was set aside).
    static func release(_ order: Order, row: any SQLResultRow, in session: any WriteSession) async throws {
        guard try row.text("funds_checked_by") != FundsCheck.broker.rawValue else { return }
        let reservedPaise = try row.integer("reserved_paise")
        switch order.side {
        case .buy:
            guard reservedPaise != 0 else { return }
            try await session.run("UPDATE accounts SET reserved_paise = reserved_paise - ? WHERE user_id = ?",
                                  [.integer(reservedPaise), .uuid(order.owner.rawValue)])
        case .sell:
            try await session.run("""
                UPDATE positions SET reserved_quantity = reserved_quantity - ? WHERE user_id = ? AND symbol = ?
                """, [.integer(order.quantity), .uuid(order.owner.rawValue), .text(order.symbol.rawValue)])
        }
    }
}
