import Foundation
import TradingCore

/// StockCart's orders and holdings set beside Angel One's order book, trade book, holdings and positions, every
/// difference named, so a user sees at once whether the two agree. Pure: the caller fetches both sides.
///
/// Orders pair by their tag (`OrderTag`). A local order that failed or was cancelled without ever reaching the broker
/// (refused at placement) is not a difference; one pending or executed here and absent there is. Broker orders
/// without a StockCart tag (placed in the broker's own app) are listed as missing here. Holdings compare the local
/// quantity with the broker's settled, unsettled (T+1) and today's delivery quantities together.
public struct BrokerReconciliation: Equatable, Sendable {
    public enum Difference: String, Sendable, CaseIterable {
        case missingAtBroker = "missing_at_broker"
        case missingHere = "missing_here"
        case status
        case fillPrice = "fill_price"
        case quantity
    }

    public struct OrderLine: Equatable, Sendable {
        public var orderID: OrderID?
        public var brokerOrderID: String?
        public var symbol: String
        public var side: String
        public var quantity: Int64
        public var localStatus: OrderStatus?
        public var brokerStatus: String?
        public var localFillPaise: Int64?
        public var brokerFillPaise: Int64?
        public var localFilledQuantity: Int64?
        public var brokerFilledQuantity: Int64?
        public var differences: [Difference]
    }

    public struct HoldingLine: Equatable, Sendable {
        public var symbol: String
        public var localQuantity: Int64
        public var brokerQuantity: Int64
        public var differences: [Difference]
    }

    public var orders: [OrderLine]
    public var holdings: [HoldingLine]

    public var differenceCount: Int {
        orders.reduce(0) { $0 + $1.differences.count } + holdings.reduce(0) { $0 + $1.differences.count }
    }

    public var agrees: Bool { differenceCount == 0 }

    public static func compare(localOrders: [Order], localHoldings: [Symbol: Int64], book: [BrokerOrderRow],
                               trades: [BrokerTradeRow], holdings: [BrokerHoldingRow],
                               positions: [BrokerPositionRow]) -> BrokerReconciliation {
        var rowsByTag: [String: BrokerOrderRow] = [:]
        for row in book { if let tag = row.orderTag { rowsByTag[tag] = row } }
        var matchedRows = Set<String>()
        var lines: [OrderLine] = []
        for order in localOrders {
            let row = rowsByTag[OrderTag.of(order.id)]
            if let row { matchedRows.insert(row.orderID) }
            var line = OrderLine(orderID: order.id, brokerOrderID: row?.orderID, symbol: order.symbol.rawValue,
                                 side: order.side.rawValue, quantity: order.quantity, localStatus: order.status,
                                 brokerStatus: row?.status, localFillPaise: order.fillPrice?.paise,
                                 brokerFillPaise: nil, localFilledQuantity: order.status == .executed ? order.quantity : 0,
                                 brokerFilledQuantity: row?.filledShares, differences: [])
            guard let row else {
                // Refused at placement, or withdrawn before it: the broker never had it, rightly.
                if order.status == .pending || order.status == .executed { line.differences = [.missingAtBroker] }
                if order.status == .failed || order.status == .cancelled { line.localFilledQuantity = nil }
                lines.append(line)
                continue
            }
            line.brokerFillPaise = averagePaise(of: row, trades: trades)
            if !statusAgrees(order.status, row.status) { line.differences.append(.status) }
            if row.quantity != nil && row.quantity != order.quantity { line.differences.append(.quantity) }
            if order.status == .executed, row.status == "complete" {
                if let broker = line.brokerFillPaise, broker != order.fillPrice?.paise {
                    line.differences.append(.fillPrice)
                }
                if let filled = row.filledShares, filled != order.quantity, !line.differences.contains(.quantity) {
                    line.differences.append(.quantity)
                }
            }
            lines.append(line)
        }
        for row in book where !matchedRows.contains(row.orderID) {
            lines.append(OrderLine(orderID: nil, brokerOrderID: row.orderID, symbol: symbol(of: row.tradingSymbol ?? "?"),
                                   side: row.transactionType ?? "?", quantity: row.quantity ?? 0, localStatus: nil,
                                   brokerStatus: row.status, localFillPaise: nil,
                                   brokerFillPaise: averagePaise(of: row, trades: trades), localFilledQuantity: nil,
                                   brokerFilledQuantity: row.filledShares, differences: [.missingHere]))
        }

        var broker: [String: Int64] = [:]
        for holding in holdings where (holding.exchange ?? "NSE") == "NSE" {
            broker[symbol(of: holding.tradingSymbol), default: 0] += holding.quantity + holding.t1Quantity
        }
        for position in positions where (position.productType ?? "DELIVERY") == "DELIVERY"
            && (position.exchange ?? "NSE") == "NSE" {
            broker[symbol(of: position.tradingSymbol), default: 0] += position.netQuantity
        }
        let local = Dictionary(localHoldings.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +)
        let symbols = Set(local.keys).union(broker.keys).sorted()
        let holdingLines = symbols.compactMap { symbol -> HoldingLine? in
            let mine = local[symbol] ?? 0, theirs = broker[symbol] ?? 0
            guard mine != 0 || theirs != 0 else { return nil }
            return HoldingLine(symbol: symbol, localQuantity: mine, brokerQuantity: theirs,
                               differences: mine == theirs ? [] : [.quantity])
        }
        return BrokerReconciliation(orders: lines, holdings: holdingLines)
    }

    /// "RELIANCE-EQ" → "RELIANCE".
    public static func symbol(of tradingSymbol: String) -> String {
        tradingSymbol.hasSuffix("-EQ") ? String(tradingSymbol.dropLast(3)) : tradingSymbol
    }

    static func statusAgrees(_ local: OrderStatus, _ broker: String) -> Bool {
        switch local {
        case .executed: broker == "complete"
        case .failed: broker == "rejected"
        case .cancelled: broker == "cancelled"
        case .pending: !["complete", "rejected", "cancelled"].contains(broker)
        }
    }

    /// The size-weighted average of the order's fills in the trade book, to the paisa; the order book's average when
    /// the trade book has none.
    static func averagePaise(of row: BrokerOrderRow, trades: [BrokerTradeRow]) -> Int64? {
        let fills = trades.filter { $0.orderID == row.orderID }
        let size = fills.reduce(Int64(0)) { $0 + $1.fillSize }
        if size > 0 {
            let value = fills.reduce(Decimal(0)) { $0 + $1.fillPrice * Decimal($1.fillSize) }
            return AngelOneBroker.paise(value / Decimal(size))
        }
        guard let average = row.averagePrice, average > 0 else { return nil }
        return AngelOneBroker.paise(average)
    }
}
