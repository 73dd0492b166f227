import Fluent
import Foundation
import TradingCore

/// The auto-trader's decisions: stored with their orders (`DatabaseSignalRecorder`) and listed, newest first, to
/// their owner only.
public struct SignalStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// The owner's signals (of one strategy and one symbol when given), newest first: up to `limit`, after the
    /// signal `after`. Throws `UnknownPageCursor` when `after` is not one of the owner's signals.
    public func list(owner: UserID, strategy: StrategyID? = nil, symbol: Symbol? = nil, after: UUID? = nil,
                     limit: Int = 100) async throws -> Page<SignalRecord> {
        let query = SignalModel.query(on: database).filter(\.$userID == owner.rawValue)
        if let strategy { query.filter(\.$strategyID == strategy.rawValue) }
        if let symbol { query.filter(\.$symbol == symbol.rawValue) }
        return try await KeysetFilter.page(query, owner: owner.rawValue, after: after, limit: limit,
                                           timeColumn: "decided_at", descending: true, on: database,
                                           { try Self.record($0) }, id: \.id)
    }

    /// The key that makes a decision unique: a bar-close signal by its bar, a stop or square-off by its time.
    static func dedupeKey(_ signal: SignalRecord) -> String {
        let at = signal.barTime ?? signal.time
        return "\(signal.strategyID)|\(signal.symbol.rawValue)|\(signal.trigger.rawValue)|"
            + String(Int64((at.timeIntervalSince1970 * 1_000).rounded()))
    }

    /// Inserts `signal` unless its decision is stored already; true when inserted.
    static func insert(_ signal: SignalRecord, in session: any WriteSession) async throws -> Bool {
        let rows = try await session.run("""
            INSERT INTO signals (id, user_id, strategy_id, strategy_name, symbol, timeframe, trigger, bar_time,
                                 decided_at, side, reason, signal_values, strength, price_paise, risk_outcome,
                                 requested_quantity, quantity, risk_reason, order_id, dedupe_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
            """, [.uuid(signal.id), .uuid(signal.owner.rawValue), .uuid(signal.strategyID.rawValue),
                  .text(signal.strategyName), .text(signal.symbol.rawValue), .text(signal.timeframe.rawValue),
                  .text(signal.trigger.rawValue), .date(signal.barTime), .date(signal.time), .text(signal.side.rawValue),
                  .text(signal.reason), .text(signal.values.map(StrategyColumns.numbers)),
                  .double(signal.strength), .integer(signal.price.paise),
                  .text(signal.risk.outcome.rawValue), .integer(signal.risk.requestedQuantity),
                  .integer(signal.risk.quantity), .text(signal.risk.reason), .uuid(signal.orderID?.rawValue),
                  .text(dedupeKey(signal))])
        return !rows.isEmpty
    }

    static func record(_ model: SignalModel) throws -> SignalRecord {
        let id = try model.requireID()
        guard let symbol = Symbol(model.symbol), let timeframe = CandleInterval(rawValue: model.timeframe),
              let trigger = ExitTrigger(rawValue: model.trigger), let side = OrderSide(rawValue: model.side),
              let outcome = RiskDecision.Outcome(rawValue: model.riskOutcome)
        else { throw PersistenceError.corruptRow(table: SignalModel.schema, id: id) }
        return SignalRecord(id: id, owner: UserID(model.userID), strategyID: StrategyID(model.strategyID),
                            strategyName: model.strategyName, symbol: symbol, timeframe: timeframe,
                            barTime: model.barTime, time: model.decidedAt, trigger: trigger, side: side,
                            reason: model.reason, values: model.values.map(StrategyColumns.numbers),
                            strength: model.strength, price: Money(paise: model.pricePaise),
                            risk: RiskDecision(outcome: outcome, requestedQuantity: model.requestedQuantity,
                                               quantity: model.quantity, reason: model.riskReason),
                            orderID: model.orderID.map(OrderID.init))
    }
}

/// Stores each auto-trader decision with the order it places, in one transaction: the order's funds are set
/// aside as for any order (a refusal stores the decision as denied, saying why, and places nothing), and a
/// decision stored before (the same bar, replayed after a restart) stores and places nothing.
public struct DatabaseSignalRecorder: SignalRecorder {
    let database: any Database
    let orders: OrderStore

    public init(database: any Database, orders: OrderStore) {
        self.database = database
        self.orders = orders
    }

    public func record(_ signal: SignalRecord, order: Order?) async throws -> SignalRecord? {
        let orders = orders
        do {
            return try await TransactionRunner.write(on: database) { session in
                guard try await SignalStore.insert(signal, in: session) else { return nil }
                if let order {
                    _ = try await orders.insert([.init(order: order, estimatePrice: signal.price)], checkoutID: nil,
                                                idempotencyKey: nil, strategyID: signal.strategyID.rawValue,
                                                in: session)
                }
                return signal
            }
        } catch let refusal as FundsError where order != nil {
            var refused = signal
            refused.risk = .denied(refusal.description, requested: signal.risk.requestedQuantity)
            refused.orderID = nil
            let denied = refused
            return try await TransactionRunner.write(on: database) { session in
                try await SignalStore.insert(denied, in: session) ? denied : nil
            }
        }
    }
}
