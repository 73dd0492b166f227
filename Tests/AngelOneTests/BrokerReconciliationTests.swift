@testable import AngelOne
import Foundation
import Testing
import TradingCore

/// The reconciliation of local orders and holdings with Angel One's books: pairing by tag and every kind of
/// difference, and nothing reported where the two agree.
@Suite("Broker reconciliation")
struct BrokerReconciliationTests {
    static let owner = UserID(UUID())

    static func order(_ status: OrderStatus, quantity: Int64 = 10, fill: Int64? = nil) throws -> Order {
        let placed = try Order(id: OrderID(UUID()), owner: owner, symbol: "RELIANCE", side: .buy, type: .market,
                               quantity: quantity, limitPrice: nil, createdAt: Date())
        return Order(restoring: placed.id, owner: owner, symbol: "RELIANCE", side: .buy, type: .market,
                     quantity: quantity, limitPrice: nil, status: status, fillPrice: fill.map { Money(paise: $0) },
                     charges: nil, reason: nil, createdAt: placed.createdAt, executedAt: nil, updatedAt: placed.createdAt)
    }

    static func row(for order: Order, id: String, status: String, quantity: Int64? = nil, filled: Int64 = 0,
                    tag: String? = nil) -> BrokerOrderRow {
        BrokerOrderRow(orderID: id, orderTag: tag ?? OrderTag.of(order.id), tradingSymbol: "RELIANCE-EQ",
                       transactionType: "BUY", orderType: "MARKET", status: status, quantity: quantity ?? order.quantity,
                       filledShares: filled, averagePrice: nil, price: 0, text: nil, updateTime: nil)
    }

    static func fill(_ id: String, rupees: String, size: Int64) -> BrokerTradeRow {
        BrokerTradeRow(orderID: id, fillID: nil, tradingSymbol: "RELIANCE-EQ", transactionType: "BUY",
                       fillPrice: Decimal(string: rupees)!, fillSize: size, fillTime: nil)
    }

    @Test("an executed order, its fills and the holdings that agree report no difference")
    func agreement() throws {
        let executed = try Self.order(.executed, fill: 2_750_60)
        let report = BrokerReconciliation.compare(
            localOrders: [executed], localHoldings: ["RELIANCE": 15],
            book: [Self.row(for: executed, id: "A1", status: "complete", filled: 10)],
            trades: [Self.fill("A1", rupees: "2750.00", size: 4), Self.fill("A1", rupees: "2751.00", size: 6)],
            holdings: [BrokerHoldingRow(tradingSymbol: "RELIANCE-EQ", exchange: "NSE", quantity: 3, t1Quantity: 2,
                                        averagePrice: 2_700)],
            positions: [BrokerPositionRow(tradingSymbol: "RELIANCE-EQ", exchange: "NSE", productType: "DELIVERY",
                                          netQuantity: 10, averageNetPrice: nil)])
        #expect(report.agrees, "\(report)")
        #expect(report.orders.first?.brokerFillPaise == 2_750_60)
        #expect(report.holdings == [.init(symbol: "RELIANCE", localQuantity: 15, brokerQuantity: 15, differences: [])])
    }

    @Test("each kind of difference is named")
    func differences() throws {
        let pendingHere = try Self.order(.pending)
        let executedHere = try Self.order(.executed, fill: 2_750_00)
        let misPriced = try Self.order(.executed, fill: 2_750_00)
        let resized = try Self.order(.pending, quantity: 5)
        let refused = try Self.order(.failed)
        let outsider = BrokerOrderRow(orderID: "X9", orderTag: nil, tradingSymbol: "TCS-EQ", transactionType: "SELL",
                                      orderType: "LIMIT", status: "open", quantity: 1, filledShares: 0,
                                      averagePrice: nil, price: 3_900, text: nil, updateTime: nil)
        let report = BrokerReconciliation.compare(
            localOrders: [pendingHere, executedHere, misPriced, resized, refused], localHoldings: ["INFY": 4],
            book: [Self.row(for: pendingHere, id: "B1", status: "complete", filled: 10),
                   Self.row(for: misPriced, id: "B2", status: "complete", filled: 10),
                   Self.row(for: resized, id: "B3", status: "open", quantity: 6),
                   outsider],
            trades: [Self.fill("B1", rupees: "2750.00", size: 10), Self.fill("B2", rupees: "2750.05", size: 10)],
            holdings: [], positions: [])
        func line(_ order: Order) -> BrokerReconciliation.OrderLine? { report.orders.first { $0.orderID == order.id } }
        #expect(line(pendingHere)?.differences == [.status])
        #expect(line(executedHere)?.differences == [.missingAtBroker])
        #expect(line(misPriced)?.differences == [.fillPrice])
        #expect(line(resized)?.differences == [.quantity])
        #expect(line(refused)?.differences == [], "refused at placement: the broker never had it, rightly")
        let foreign = try #require(report.orders.first { $0.brokerOrderID == "X9" })
        #expect(foreign.differences == [.missingHere] && foreign.symbol == "TCS" && foreign.side == "SELL")
        #expect(report.holdings == [.init(symbol: "INFY", localQuantity: 4, brokerQuantity: 0, differences: [.quantity])])
        #expect(report.differenceCount == 6)
        #expect(!report.agrees)
    }

    @Test("status pairs: pending with any open variant, executed with complete, failed with rejected, cancelled with cancelled")
    func statusPairs() {
        #expect(BrokerReconciliation.statusAgrees(.pending, "open"))
        #expect(BrokerReconciliation.statusAgrees(.pending, "trigger pending"))
        #expect(!BrokerReconciliation.statusAgrees(.pending, "complete"))
        #expect(BrokerReconciliation.statusAgrees(.executed, "complete"))
        #expect(BrokerReconciliation.statusAgrees(.failed, "rejected"))
        #expect(BrokerReconciliation.statusAgrees(.cancelled, "cancelled"))
        #expect(!BrokerReconciliation.statusAgrees(.cancelled, "rejected"))
    }
}
