import Fluent
import Foundation
import TradingCore

/// Settles broker executions: in one transaction the order becomes EXECUTED (cash, holding and trade row updated
/// through `Ledger`) or FAILED with the ledger's reason, its reservation is released, and an audit row is written
/// either way. An order that is no longer pending settles nothing.
public struct FluentExecutionRecorder: ExecutionRecorder {
    let database: any Database
    let charges: ChargeSchedule

    public init(database: any Database, charges: ChargeSchedule) {
        self.database = database
        self.charges = charges
    }

    public func settle(_ execution: Execution) async throws -> Order? {
        try await TransactionRunner.run(on: database) { tx in
            guard let found = try await OrderModel.find(execution.orderID.rawValue, on: tx),
                  found.status == OrderStatus.pending.rawValue
            else { return nil }
            // Read the order again under the account lock: a cancellation (or another settlement of this execution,
            // which the engine retries after failures) that committed while this transaction waited for the lock
            // must be seen here, or on PostgreSQL both would win.
            try await AccountLock.acquire(UserID(found.userID), on: tx)
            guard let row = try await OrderModel.find(execution.orderID.rawValue, on: tx) else { return nil }
            var order = try row.toCore()
            guard order.status == .pending else { return nil }
            let reserved = row.reservedPaise
            guard let account = try await AccountModel.query(on: tx)
                .filter(\.$userID == order.owner.rawValue).first()
            else { throw PersistenceError.corruptRow(table: AccountModel.schema, id: nil) }
            let position = try await PositionModel.query(on: tx)
                .filter(\.$userID == order.owner.rawValue).filter(\.$symbol == order.symbol.rawValue).first()
                ?? PositionModel(userID: order.owner.rawValue, symbol: order.symbol.rawValue, updatedAt: execution.time)
            // A trade too large for `Money` fails its order (with the ledger's reason) rather than being retried
            // for ever; orders within `OrderLimits` never get there.
            let holding = try position.toCore()
            let settlement: Result<(cash: Money, holding: Holding, charges: ChargeBreakdown), Ledger.Rejection>
            do {
                let breakdown = try charges.charges(side: order.side, price: execution.price, quantity: order.quantity)
                settlement = Ledger.settle(side: order.side, quantity: order.quantity, price: execution.price,
                                           charges: breakdown.total, cash: Money(paise: account.cashPaise),
                                           holding: holding)
                    .map { ($0.cash, $0.holding, breakdown) }
            } catch {
                settlement = .failure(.amountOutOfRange)
            }
            switch settlement {
            case let .success((cash, holding, breakdown)):
                try order.execute(price: execution.price, charges: breakdown, at: execution.time)
                account.cashPaise = cash.paise
                account.updatedAt = execution.time
                try await account.update(on: tx)
                position.apply(holding, at: execution.time)
                try await position.save(on: tx)
                try await TradeModel(orderID: order.id.rawValue, userID: order.owner.rawValue,
                                     symbol: order.symbol.rawValue, side: order.side.rawValue,
                                     quantity: order.quantity, pricePaise: execution.price.paise,
                                     chargesPaise: breakdown.total.paise, executedAt: execution.time).create(on: tx)
            case let .failure(rejection):
                try order.fail(reason: rejection.description, at: execution.time)
            }
            try await Reservations.release(order, reservedPaise: reserved, on: tx)
            row.apply(order)
            try await row.update(on: tx)
            let detail = order.status == .executed
                ? "\(order.side.rawValue) \(order.quantity) \(order.symbol) @\(execution.price.rupees)"
                : (order.reason ?? "")
            try await AuditLogModel(userID: order.owner.rawValue,
                                    action: order.status == .executed ? "order.executed" : "order.failed",
                                    entityID: order.id.description, detail: detail, ip: nil, requestID: nil,
                                    createdAt: execution.time).create(on: tx)
            return order
        }
    }
}
