import Foundation
import Testing
import TradingCore

private func makeOrder(side: OrderSide = .buy, type: OrderType = .market, quantity: Int64 = 10,
                       limit: Money? = nil) throws(ValidationError) -> Order {
    try Order(id: orderID(1), owner: userID(1), symbol: "RELIANCE", side: side, type: type, quantity: quantity,
              limitPrice: limit, createdAt: marketOpen)
}

/// A request the constructor must refuse, and the field it must blame.
struct InvalidOrder: Sendable, CustomTestStringConvertible {
    var label: String
    var type: OrderType
    var quantity: Int64
    var limit: Money?
    var field: String
    var testDescription: String { label }
}

/// One of the three ways out of PENDING.
enum Transition: String, CaseIterable, Sendable {
    case execute, fail, cancel

    var target: OrderStatus {
        switch self {
        case .execute: .executed
        case .fail: .failed
        case .cancel: .cancelled
        }
    }

    func apply(to order: inout Order, at time: Date) throws(OrderTransitionError) {
        switch self {
        case .execute:
            // Charges on a few shares at ₹2,800.50 always fit; the `?? .zero` only satisfies the typed throw.
            let charges = (try? ChargeSchedule().charges(side: order.side, price: rupees("2800.50"),
                                                         quantity: order.quantity)) ?? .zero
            try order.execute(price: rupees("2800.50"), charges: charges, at: time)
        case .fail: try order.fail(reason: "insufficient cash", at: time)
        case .cancel: try order.cancel(at: time)
        }
    }
}

@Suite("Order state machine")
struct OrderStateMachineTests {
    @Test("invalid requests are refused, naming the field", arguments: [
        InvalidOrder(label: "quantity 0", type: .market, quantity: 0, limit: nil, field: "quantity"),
        InvalidOrder(label: "negative quantity", type: .market, quantity: -5, limit: nil, field: "quantity"),
        InvalidOrder(label: "quantity over the maximum", type: .market, quantity: Order.maxQuantity + 1, limit: nil,
                     field: "quantity"),
        InvalidOrder(label: "Int64.max quantity", type: .limit, quantity: .max, limit: Money(paise: 100),
                     field: "quantity"),
        InvalidOrder(label: "LIMIT without a limit price", type: .limit, quantity: 10, limit: nil,
                     field: "limit_price"),
        InvalidOrder(label: "LIMIT at ₹0", type: .limit, quantity: 10, limit: .zero, field: "limit_price"),
        InvalidOrder(label: "LIMIT at a negative price", type: .limit, quantity: 10, limit: Money(paise: -5),
                     field: "limit_price"),
        InvalidOrder(label: "MARKET with a limit price", type: .market, quantity: 10, limit: Money(paise: 100),
                     field: "limit_price"),
    ])
    func validation(invalid: InvalidOrder) throws {
        for side in OrderSide.allCases {
            let error = #expect(throws: ValidationError.self) {
                _ = try makeOrder(side: side, type: invalid.type, quantity: invalid.quantity, limit: invalid.limit)
            }
            #expect(error?.field == invalid.field)
            #expect(error?.reason.isEmpty == false)
        }
    }

    @Test("valid requests start PENDING with nothing filled", arguments: [
        (OrderType.market, Int64(1), nil),
        (.market, Order.maxQuantity, nil),
        (.limit, 10, Money(paise: 5)),
        (.limit, 10, Money(paise: 280_050)),
    ] as [(OrderType, Int64, Money?)])
    func validOrders(type: OrderType, quantity: Int64, limit: Money?) throws {
        let order = try makeOrder(side: .sell, type: type, quantity: quantity, limit: limit)
        #expect(order.status == .pending)
        #expect(!order.status.isTerminal)
        #expect(order.quantity == quantity)
        #expect(order.limitPrice == limit)
        #expect(order.fillPrice == nil && order.charges == nil && order.reason == nil && order.executedAt == nil)
        #expect(order.createdAt == marketOpen && order.updatedAt == marketOpen)
    }

    @Test("PENDING → EXECUTED records the fill")
    func execute() throws {
        var order = try makeOrder(quantity: 100)
        let charges = try ChargeSchedule().charges(side: .buy, price: rupees("1000.00"), quantity: 100)
        let later = marketOpen.addingTimeInterval(2)
        try order.execute(price: rupees("1000.00"), charges: charges, at: later)
        #expect(order.status == .executed)
        #expect(order.fillPrice == rupees("1000.00"))
        #expect(order.charges?.total == rupees("142.22"))
        #expect(order.executedAt == later)
        #expect(order.updatedAt == later)
        #expect(order.reason == nil)
    }

    @Test("PENDING → FAILED records the reason")
    func fail() throws {
        var order = try makeOrder()
        let later = marketOpen.addingTimeInterval(1)
        try order.fail(reason: "insufficient cash", at: later)
        #expect(order.status == .failed)
        #expect(order.reason == "insufficient cash")
        #expect(order.updatedAt == later)
        #expect(order.fillPrice == nil && order.executedAt == nil && order.charges == nil)
    }

    @Test("PENDING → CANCELLED, with a default or given reason")
    func cancel() throws {
        var byUser = try makeOrder(type: .limit, limit: rupees("100.00"))
        try byUser.cancel(at: marketOpen.addingTimeInterval(5))
        #expect(byUser.status == .cancelled)
        #expect(byUser.reason == "cancelled by user")
        #expect(byUser.updatedAt == marketOpen.addingTimeInterval(5))

        var atClose = try makeOrder(type: .limit, limit: rupees("100.00"))
        try atClose.cancel(at: marketOpen, reason: "market closed")
        #expect(atClose.reason == "market closed")
    }

    @Test("terminal orders refuse every further transition and stay unchanged",
          arguments: Transition.allCases, Transition.allCases)
    func terminalIsFinal(first: Transition, then: Transition) throws {
        var order = try makeOrder()
        try first.apply(to: &order, at: marketOpen.addingTimeInterval(1))
        #expect(order.status == first.target)
        #expect(order.status.isTerminal)
        let settled = order
        let error = #expect(throws: OrderTransitionError.self) {
            try then.apply(to: &order, at: marketOpen.addingTimeInterval(60))
        }
        #expect(error?.from == first.target)
        #expect(error?.to == then.target)
        #expect(order == settled)
    }

    @Test("the transition table: only PENDING moves, and only to a terminal state",
          arguments: OrderStatus.allCases, OrderStatus.allCases)
    func transitionTable(from: OrderStatus, to: OrderStatus) {
        #expect(from.canTransition(to: to) == (from == .pending && to != .pending))
        #expect(from.isTerminal == (from != .pending))
    }

    @Test("isMarketable: a buy at or below its limit, a sell at or above it, a market order always", arguments: [
        (OrderSide.buy, "99.95", true), (.buy, "100.00", true), (.buy, "100.05", false),
        (.sell, "100.05", true), (.sell, "100.00", true), (.sell, "99.95", false),
    ] as [(OrderSide, String, Bool)])
    func marketable(side: OrderSide, price: String, expected: Bool) throws {
        let limit = try makeOrder(side: side, type: .limit, limit: rupees("100.00"))
        #expect(limit.isMarketable(at: rupees(price)) == expected)
        let market = try makeOrder(side: side, type: .market)
        #expect(market.isMarketable(at: rupees(price)))
    }

    @Test("restoring keeps every stored field as is")
    func restoring() throws {
        let charges = try ChargeSchedule().charges(side: .sell, price: rupees("1000.00"), quantity: 100)
        let order = Order(restoring: orderID(7), owner: userID(3), symbol: "TCS", side: .sell, type: .limit,
                          quantity: 100, limitPrice: rupees("990.00"), status: .executed,
                          fillPrice: rupees("1000.00"), charges: charges, reason: nil, createdAt: marketOpen,
                          executedAt: marketOpen.addingTimeInterval(3), updatedAt: marketOpen.addingTimeInterval(3))
        #expect(order.id == orderID(7) && order.owner == userID(3) && order.symbol == "TCS")
        #expect(order.status == .executed && order.fillPrice == rupees("1000.00"))
        #expect(order.charges?.total == rupees("127.22"))
        #expect(order.executedAt == marketOpen.addingTimeInterval(3))
    }

    @Test("the transition error names both states")
    func errorDescription() throws {
        var order = try makeOrder()
        try order.execute(price: rupees("1.00"), charges: .zero, at: marketOpen)
        let error = #expect(throws: OrderTransitionError.self) { try order.cancel(at: marketOpen) }
        #expect(error?.description == "order is EXECUTED and cannot become CANCELLED")
    }

    @Test("statuses, sides and types use the wire spellings")
    func rawValues() {
        #expect(OrderStatus.allCases.map(\.rawValue) == ["PENDING", "EXECUTED", "FAILED", "CANCELLED"])
        #expect(OrderSide.allCases.map(\.rawValue) == ["BUY", "SELL"])
        #expect(OrderType.allCases.map(\.rawValue) == ["MARKET", "LIMIT"])
    }
}
