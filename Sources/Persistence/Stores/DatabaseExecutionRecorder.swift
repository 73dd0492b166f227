import Fluent
import Foundation
import TradingCore

/// Settles broker executions: in one transaction the order becomes EXECUTED (cash, holding and trade row updated
/// through `Ledger`) or FAILED with the ledger's reason, its reservation is released, and an audit row is written
/// either way. An order that is no longer pending settles nothing.
public struct DatabaseExecutionRecorder: ExecutionRecorder {
    let database: any Database
    let charges: ChargeSchedule
    /// `.enforce` for the paper broker; `.record` for a real broker, whose fills happened whatever the local books say.
    let policy: Ledger.Policy

    public init(database: any Database, charges: ChargeSchedule, policy: Ledger.Policy = .enforce) {
        self.database = database
        self.charges = charges
        self.policy = policy
    }

    public func close(_ closure: OrderClosure) async throws -> Order? {
        try await TransactionRunner.write(on: database) { session in
            let orderID = closure.orderID.rawValue
            guard var (order, row) = try await Self.pendingOrderLocked(orderID, in: session) else { return nil }
            let owner = order.owner
            switch closure.status {
            case .cancelled: try order.cancel(at: closure.time, reason: closure.reason)
            default: try order.fail(reason: closure.reason, at: closure.time)
            }
            try await Reservations.release(order, row: row, in: session)
            try await session.run("UPDATE orders SET status = ?, reason = ?, reserved_paise = 0, updated_at = ? WHERE id = ?",
                                  [.text(order.status.rawValue), .text(order.reason), .date(order.updatedAt),
                                   .uuid(orderID)])
            try await AuditStore.append(AuditEntry(userID: owner.rawValue,
                                                   action: order.status == .cancelled ? "order.cancelled" : "order.failed",
                                                   entityID: order.id.description, detail: closure.reason, ip: nil,
                                                   requestID: nil, time: closure.time), in: session)
            return order
        }
    }

    public func settle(_ execution: Execution) async throws -> Order? {
        try await TransactionRunner.write(on: database) { session in
            let orderID = execution.orderID.rawValue
            guard var (order, row) = try await Self.pendingOrderLocked(orderID, in: session) else { return nil }
            let owner = order.owner
            guard let account = try await session.run("SELECT cash_paise FROM accounts WHERE user_id = ?",
                                                      [.uuid(owner.rawValue)]).first
            else { throw PersistenceError.corruptRow(table: AccountModel.schema, id: nil) }
            let position = try await session.run("""
                SELECT quantity, average_paise, realised_paise FROM positions WHERE user_id = ? AND symbol = ?
                """, [.uuid(owner.rawValue), .text(order.symbol.rawValue)]).first
            let holding = try Holding(symbol: order.symbol, quantity: position?.integer("quantity") ?? 0,
                                      averagePrice: Money(paise: position?.integer("average_paise") ?? 0),
                                      realisedPnL: Money(paise: position?.integer("realised_paise") ?? 0))
            // A trade too large for `Money` fails its order (with the ledger's reason) rather than being retried for
            // ever; orders within `OrderLimits` never get there.
            let settlement: Result<(cash: Money, holding: Holding, charges: ChargeBreakdown), Ledger.Rejection>
            do {
                let breakdown = try charges.charges(side: order.side, price: execution.price, quantity: order.quantity)
                settlement = Ledger.settle(side: order.side, quantity: order.quantity, price: execution.price,
                                           charges: breakdown.total, cash: Money(paise: try account.integer("cash_paise")),
                                           holding: holding, policy: policy)
                    .map { ($0.cash, $0.holding, breakdown) }
            } catch {
                settlement = .failure(.amountOutOfRange)
            }
            switch settlement {
            case let .success((cash, holding, breakdown)):
                try order.execute(price: execution.price, charges: breakdown, at: execution.time)
                try await session.run("UPDATE accounts SET cash_paise = ?, updated_at = ? WHERE user_id = ?",
                                      [.integer(cash.paise), .date(execution.time), .uuid(owner.rawValue)])
                try await Self.save(holding, owner: owner, existed: position != nil, at: execution.time, in: session)
                try await session.run("""
                    INSERT INTO trades (id, order_id, user_id, symbol, side, quantity, price_paise, charges_paise,
                                        executed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.uuid(UUID.random()), .uuid(orderID), .uuid(owner.rawValue), .text(order.symbol.rawValue),
                          .text(order.side.rawValue), .integer(order.quantity), .integer(execution.price.paise),
                          .integer(breakdown.total.paise), .date(execution.time)])
            case let .failure(rejection):
                try order.fail(reason: rejection.description, at: execution.time)
            }
            try await Reservations.release(order, row: row, in: session)
            try await session.run("""
                UPDATE orders SET status = ?, fill_paise = ?, brokerage_paise = ?, stt_paise = ?, exchange_paise = ?,
                    sebi_paise = ?, stamp_paise = ?, gst_paise = ?, reason = ?, reserved_paise = 0, updated_at = ?,
                    executed_at = ?
                WHERE id = ?
                """, [.text(order.status.rawValue), .integer(order.fillPrice?.paise),
                      .integer(order.charges?.brokerage.paise), .integer(order.charges?.stt.paise),
                      .integer(order.charges?.exchange.paise), .integer(order.charges?.sebi.paise),
                      .integer(order.charges?.stampDuty.paise), .integer(order.charges?.gst.paise),
                      .text(order.reason), .date(order.updatedAt), .date(order.executedAt), .uuid(orderID)])
            let detail = order.status == .executed
                ? "\(order.side.rawValue) \(order.quantity) \(order.symbol) @\(execution.price.rupeesText)"
                : (order.reason ?? "")
            try await AuditStore.append(AuditEntry(userID: owner.rawValue,
                                                   action: order.status == .executed ? "order.executed" : "order.failed",
                                                   entityID: order.id.description, detail: detail, ip: nil,
                                                   requestID: nil, time: execution.time), in: session)
            return order
        }
    }

    /// The order, if it is pending, read under its owner's account lock (with its row, for what it reserved). Read
    /// again once the lock is held: a cancellation (or another settlement of the same execution, which the engine
    /// retries after failures) that committed while this transaction waited for the lock must be seen here, or on
    /// PostgreSQL both would win.
    private static func pendingOrderLocked(_ orderID: UUID, in session: any WriteSession) async throws
        -> (Order, any SQLResultRow)? {
        guard let found = try await session.run("SELECT user_id, status FROM orders WHERE id = ?", [.uuid(orderID)])
            .first, try found.text("status") == OrderStatus.pending.rawValue
        else { return nil }
        try await Reservations.lockAccount(UserID(try found.uuid("user_id")), in: session)
        guard let row = try await session.run("SELECT * FROM orders WHERE id = ?", [.uuid(orderID)]).first else {
            return nil
        }
        let order = try Order(row: row)
        return order.status == .pending ? (order, row) : nil
    }

    /// Writes the holding after a trade: the position row's quantity, average and realised P&L (its reserved shares
    /// are released separately), or a new row for a first buy.
    private static func save(_ holding: Holding, owner: UserID, existed: Bool, at time: Date,
                             in session: any WriteSession) async throws {
        if existed {
            try await session.run("""
                UPDATE positions SET quantity = ?, average_paise = ?, realised_paise = ?, updated_at = ?
                WHERE user_id = ? AND symbol = ?
                """, [.integer(holding.quantity), .integer(holding.averagePrice.paise),
                      .integer(holding.realisedPnL.paise), .date(time), .uuid(owner.rawValue),
                      .text(holding.symbol.rawValue)])
        } else {
            try await session.run("""
                INSERT INTO positions (id, user_id, symbol, quantity, average_paise, realised_paise, reserved_quantity,
                                       updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?)
                """, [.uuid(UUID.random()), .uuid(owner.rawValue), .text(holding.symbol.rawValue), .integer(holding.quantity),
                      .integer(holding.averagePrice.paise), .integer(holding.realisedPnL.paise), .date(time)])
        }
    }
}
