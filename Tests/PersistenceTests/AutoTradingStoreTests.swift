import Fluent
import Foundation
import Persistence
import Testing
import TestSupport
import TradingCore

@Suite("Auto-trading storage: strategies, signals with their orders, the auto-trader's state, backtests")
struct AutoTradingStoreTests {
    static let charges = ChargeSchedule(brokerage: .flat(Money(paise: 20_00)))

    static func audit(_ owner: UserID, _ action: String = "test") -> AuditEntry {
        AuditEntry(userID: owner.rawValue, action: action, ip: nil, requestID: nil, time: Fixtures.start)
    }

    static func plan(_ watchlist: [Symbol] = ["INFY", "TCS"]) -> StrategyPlan {
        StrategyPlan(id: StrategyID(UUID()), name: "cross", recipe: .smaCross(fast: 5, slow: 20), timeframe: .fiveMinutes,
                     watchlist: watchlist, sizing: .atrRisk(riskPercent: 1.5, atrMultiple: 2),
                     exits: ExitRules(stopLossPercent: 2.5, trailingStopPercent: 4, onOppositeSignal: false))
    }

    static func signal(_ owner: UserID, _ strategy: StrategyID, bar: Date?, quantity: Int64 = 10,
                       side: OrderSide = .buy, orderID: OrderID? = nil, trigger: ExitTrigger = .signal) -> SignalRecord {
        SignalRecord(id: orderID?.rawValue ?? UUID(), owner: owner, strategyID: strategy, strategyName: "cross",
                     symbol: "INFY", timeframe: .fiveMinutes, barTime: bar, time: Fixtures.start.addingTimeInterval(300),
                     trigger: trigger, side: side, reason: "SMA(5) crossed above SMA(20)",
                     values: bar == nil ? nil : ["fast": 1510.5, "slow": 1502.25], strength: bar == nil ? nil : 0.4,
                     price: Money(paise: 1_500_00), risk: .approved(quantity), orderID: orderID)
    }

    @Test("a strategy round-trips whole and is its owner's only", arguments: TestDatabase.enabled)
    func strategies(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let other = try await Fixtures.user(db)
            let store = StrategyStore(database: db)
            let stored = StoredStrategy(owner: owner, plan: Self.plan(), enabled: true, createdAt: Fixtures.start,
                                        updatedAt: Fixtures.start)
            #expect(try await store.save(stored, audit: Self.audit(owner)))
            #expect(try await store.get(stored.plan.id, owner: owner) == stored)
            #expect(try await store.get(stored.plan.id, owner: other) == nil)
            var stolen = stored
            stolen.owner = other
            stolen.plan.name = "stolen"
            #expect(try await !store.save(stolen, audit: Self.audit(other)), "another user's id is not theirs to write")
            #expect(try await store.get(stored.plan.id, owner: owner)?.plan.name == "cross")
            #expect(try await !store.delete(stored.plan.id, owner: other, audit: Self.audit(other)))
            #expect(try await store.list(owner: owner).count == 1)
            #expect(try await store.list(owner: other).isEmpty)
            #expect(try await store.delete(stored.plan.id, owner: owner, audit: Self.audit(owner)))
            #expect(try await store.list(owner: owner).isEmpty)
        }
    }

    @Test("a decision is stored once with its order; the same bar again stores and places nothing",
          arguments: TestDatabase.enabled)
    func signalsOnce(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let strategy = StrategyID(UUID())
            let orders = OrderStore(database: db, charges: Self.charges)
            let recorder = DatabaseSignalRecorder(database: db, orders: orders)
            let order = try Fixtures.order(owner, quantity: 10)
            let bar = Fixtures.start
            let first = try await recorder.record(Self.signal(owner, strategy, bar: bar, orderID: order.id), order: order)
            #expect(first?.orderID == order.id)
            #expect(try await orders.get(order.id, owner: owner)?.status == .pending)
            let replayed = try Fixtures.order(owner, quantity: 10)
            let again = try await recorder.record(Self.signal(owner, strategy, bar: bar, orderID: replayed.id),
                                                  order: replayed)
            #expect(again == nil, "the bar's decision was stored before")
            #expect(try await orders.get(replayed.id, owner: owner) == nil, "and its order was not placed")
            let listed = try await SignalStore(database: db).list(owner: owner)
            #expect(listed.items.count == 1 && listed.items[0].values == ["fast": 1510.5, "slow": 1502.25])
            #expect(listed.items[0].strength == 0.4 && listed.items[0].barTime == bar)
            // A stop has no bar: it is keyed by its time, and has no values.
            let stop = try await recorder.record(Self.signal(owner, strategy, bar: nil, side: .sell, trigger: .stopLoss),
                                                 order: nil)
            #expect(stop?.values == nil && stop?.trigger == .stopLoss)
            #expect(try await SignalStore(database: db).list(owner: owner, strategy: strategy).items.count == 2)
            #expect(try await SignalStore(database: db).list(owner: try await Fixtures.user(db)).items.isEmpty)
        }
    }

    @Test("an order the funds cannot cover is stored as a denied decision, and nothing is placed",
          arguments: TestDatabase.enabled)
    func fundsRefusal(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db, cash: Money(paise: 1_000_00))
            let orders = OrderStore(database: db, charges: Self.charges)
            let order = try Fixtures.order(owner, quantity: 10)
            let stored = try await DatabaseSignalRecorder(database: db, orders: orders)
                .record(Self.signal(owner, StrategyID(UUID()), bar: Fixtures.start, orderID: order.id), order: order)
            let record = try #require(stored)
            #expect(record.orderID == nil && record.risk.outcome == .denied && record.risk.quantity == 0)
            #expect(record.risk.reason?.contains("insufficient cash") == true)
            #expect(try await orders.get(order.id, owner: owner) == nil)
            #expect(try await SignalStore(database: db).list(owner: owner).items.first?.risk.outcome == .denied)
        }
    }

    @Test("each strategy's position is rebuilt from the orders its auto-trader placed", arguments: TestDatabase.enabled)
    func positions(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let strategy = StrategyID(UUID())
            let orders = OrderStore(database: db, charges: Self.charges)
            let recorder = DatabaseSignalRecorder(database: db, orders: orders)
            let settle = DatabaseExecutionRecorder(database: db, charges: Self.charges)
            var bar = Fixtures.start
            func decide(_ side: OrderSide, _ quantity: Int64, fill: Int64?) async throws -> OrderID {
                let order = try Fixtures.order(owner, side: side, quantity: quantity)
                bar = bar.addingTimeInterval(300)
                _ = try await recorder.record(Self.signal(owner, strategy, bar: bar, quantity: quantity, side: side,
                                                          orderID: order.id), order: order)
                if let fill {
                    _ = try await settle.settle(Execution(orderID: order.id, price: Money(paise: fill), time: bar))
                }
                return order.id
            }
            _ = try await decide(.buy, 10, fill: 1_500_00)
            _ = try await decide(.buy, 30, fill: 1_520_00)
            _ = try await orders.place(.init(order: try Fixtures.order(owner, quantity: 5), estimatePrice:
                Money(paise: 1_500_00)), idempotencyKey: nil)  // the user's own: not the strategy's
            let working = try await decide(.sell, 40, fill: nil)
            let lanes = try await StrategyPositions(database: db).lanes(of: owner)
            let lane = try #require(lanes[strategy]?["INFY"])
            #expect(lane.quantity == 40 && lane.entryPrice == Money(paise: 1_515_00))
            #expect(lane.highWater == Money(paise: 1_520_00))
            #expect(lane.working?.id == working && lane.working?.side == .sell && lane.working?.quantity == 40)
            #expect(lanes.count == 1)
        }
    }

    @Test("the auto-trader's state round-trips with its limits", arguments: TestDatabase.enabled)
    func state(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let store = AutoTraderStateStore(database: db)
            #expect(try await store.get(owner) == nil)
            let limits = RiskLimits(maxOpenPositions: 3, maxSymbolExposure: Money(paise: 50_000_00),
                                    maxTotalExposure: Money(paise: 2_00_000_00), maxOrderValue: Money(paise: 25_000_00),
                                    maxOrdersPerSecond: 5, maxDailyLoss: Money(paise: 10_000_00))
            let state = StoredAutoTrader(owner: owner, running: true, startedAt: Fixtures.start,
                                         killReason: "tripped by the user", killedAt: Fixtures.start, limits: limits,
                                         day: "2026-11-30", dayStartEquity: Money(paise: 10_00_000_00),
                                         updatedAt: Fixtures.start)
            try await store.save(state, audit: Self.audit(owner))
            #expect(try await store.get(owner) == state)
            var stopped = state
            stopped.running = false
            stopped.killReason = nil
            stopped.killedAt = nil
            try await store.save(stopped, audit: nil)
            #expect(try await store.all() == [stopped])
        }
    }

    @Test("backtests are stored, listed without their reports, and their owner's only", arguments: TestDatabase.enabled)
    func backtests(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let owner = try await Fixtures.user(db)
            let store = BacktestStore(database: db)
            var backtest = StoredBacktest(id: UUID(), owner: owner, symbol: "INFY", interval: .oneDay, kind: .rsi,
                                          parameters: ["period": 14, "oversold": 30, "overbought": 70], request: "{}",
                                          status: "running", progress: 0, createdAt: Fixtures.start)
            try await store.save(backtest)
            let unfinished = StoredBacktest(id: UUID(), owner: owner, symbol: "TCS", interval: .oneDay, kind: .smaCross,
                                            parameters: [:], request: "{}", status: "running", progress: 0.5,
                                            createdAt: Fixtures.start.addingTimeInterval(1))
            try await store.save(unfinished)
            backtest.status = "done"
            backtest.progress = 1
            backtest.report = #"{"final_value": 1234.5}"#
            backtest.finalValue = Money(paise: 1_234_50)
            backtest.trades = 7
            backtest.totalReturnPercent = -12.5
            backtest.finishedAt = Fixtures.start.addingTimeInterval(5)
            try await store.save(backtest)
            try await store.failUnfinished(now: Fixtures.start.addingTimeInterval(9))
            let read = try #require(try await store.get(backtest.id, owner: owner))
            #expect(read.report == backtest.report && read.trades == 7 && read.finalValue == Money(paise: 1_234_50))
            #expect(read.parameters == backtest.parameters && read.status == "done")
            let listed = try await store.list(owner: owner)
            #expect(listed.map(\.id) == [unfinished.id, backtest.id] && listed.allSatisfy { $0.report == nil })
            #expect(listed[0].status == "failed" && listed[0].error == "the server stopped while it ran")
            let other = try await Fixtures.user(db)
            #expect(try await store.get(backtest.id, owner: other) == nil)
            #expect(try await !store.delete(backtest.id, owner: other))
            #expect(try await store.delete(backtest.id, owner: owner))
            #expect(try await store.get(backtest.id, owner: owner) == nil)
        }
    }
}
