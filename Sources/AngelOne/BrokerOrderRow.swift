import Foundation

/// One row of the order book (§1.6), the fields StockCart reads. Every field is read leniently: ids and numbers
/// arrive as strings or numbers, and a missing one is nil rather than a failed book.
public struct BrokerOrderRow: Decodable, Equatable, Sendable {
    public let orderID: String
    public let orderTag: String?
    public let tradingSymbol: String?
    public let transactionType: String?
    public let orderType: String?
    /// `open`, `complete`, `cancelled`, `rejected`, or a pending variant (`open pending`, `trigger pending`, …).
    public let status: String
    public let quantity: Int64?
    public let filledShares: Int64?
    /// Rupees, exact.
    public let averagePrice: Decimal?
    public let price: Decimal?
    /// The broker's reason on a rejection.
    public let text: String?
    public let updateTime: String?

    public init(orderID: String, orderTag: String?, tradingSymbol: String?, transactionType: String?,
                orderType: String?, status: String, quantity: Int64?, filledShares: Int64?, averagePrice: Decimal?,
                price: Decimal?, text: String?, updateTime: String?) {
        self.orderID = orderID
        self.orderTag = orderTag
        self.tradingSymbol = tradingSymbol
        self.transactionType = transactionType
        self.orderType = orderType
        self.status = status
        self.quantity = quantity
        self.filledShares = filledShares
        self.averagePrice = averagePrice
        self.price = price
        self.text = text
        self.updateTime = updateTime
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "orderid"
        case orderTag = "ordertag"
        case tradingSymbol = "tradingsymbol"
        case transactionType = "transactiontype"
        case orderType = "ordertype"
        case status, orderStatus = "orderstatus"
        case quantity
        case filledShares = "filledshares"
        case averagePrice = "averageprice"
        case price, text
        case updateTime = "updatetime"
    }

    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) -> String? {
            (try? row.decodeIfPresent(LenientString.self, forKey: key))??.value.nonEmpty
        }
        func number(_ key: CodingKeys) -> LenientNumber? { (try? row.decodeIfPresent(LenientNumber.self, forKey: key)) ?? nil }
        orderID = text(.orderID) ?? ""
        orderTag = text(.orderTag)
        tradingSymbol = text(.tradingSymbol)
        transactionType = text(.transactionType)
        orderType = text(.orderType)
        status = (text(.status) ?? text(.orderStatus) ?? "").lowercased()
        quantity = number(.quantity)?.integer
        filledShares = number(.filledShares)?.integer
        averagePrice = number(.averagePrice)?.value
        price = number(.price)?.value
        self.text = text(.text)
        updateTime = text(.updateTime)
    }

    /// Whether the broker has finished with the order.
    public var isFinal: Bool { ["complete", "cancelled", "rejected"].contains(status) }
}

/// One fill of the trade book (§1.6): an order can fill in several.
public struct BrokerTradeRow: Decodable, Equatable, Sendable {
    public let orderID: String
    public let fillID: String?
    public let tradingSymbol: String?
    public let transactionType: String?
    /// Rupees, exact.
    public let fillPrice: Decimal
    public let fillSize: Int64
    /// "13:27:53", IST.
    public let fillTime: String?

    public init(orderID: String, fillID: String?, tradingSymbol: String?, transactionType: String?, fillPrice: Decimal,
                fillSize: Int64, fillTime: String?) {
        self.orderID = orderID
        self.fillID = fillID
        self.tradingSymbol = tradingSymbol
        self.transactionType = transactionType
        self.fillPrice = fillPrice
        self.fillSize = fillSize
        self.fillTime = fillTime
    }

    enum CodingKeys: String, CodingKey {
        case orderID = "orderid"
        case fillID = "fillid"
        case tradingSymbol = "tradingsymbol"
        case transactionType = "transactiontype"
        case fillPrice = "fillprice"
        case fillSize = "fillsize"
        case fillTime = "filltime"
    }

    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try row.decode(LenientString.self, forKey: .orderID).value
        fillID = (try? row.decodeIfPresent(LenientString.self, forKey: .fillID))??.value.nonEmpty
        tradingSymbol = (try? row.decodeIfPresent(LenientString.self, forKey: .tradingSymbol))??.value.nonEmpty
        transactionType = (try? row.decodeIfPresent(LenientString.self, forKey: .transactionType))??.value.nonEmpty
        guard let price = try row.decode(LenientNumber.self, forKey: .fillPrice).value,
              let size = try row.decode(LenientNumber.self, forKey: .fillSize).integer else {
            throw DecodingError.dataCorruptedError(forKey: .fillPrice, in: row,
                                                   debugDescription: "a fill without a price or a whole size")
        }
        fillPrice = price
        fillSize = size
        fillTime = (try? row.decodeIfPresent(LenientString.self, forKey: .fillTime))??.value.nonEmpty
    }
}

extension String {
    /// Nil for an empty string (SmartAPI sends "" for "none").
    var nonEmpty: String? { isEmpty ? nil : self }
}
