import Foundation

/// One row of `getHolding` (§1.7): shares settled in the demat account.
public struct BrokerHoldingRow: Decodable, Equatable, Sendable {
    public let tradingSymbol: String
    public let exchange: String?
    /// Settled quantity; `t1Quantity` is bought shares not yet settled (T+1).
    public let quantity: Int64
    public let t1Quantity: Int64
    /// Rupees, exact.
    public let averagePrice: Decimal?

    public init(tradingSymbol: String, exchange: String?, quantity: Int64, t1Quantity: Int64, averagePrice: Decimal?) {
        self.tradingSymbol = tradingSymbol
        self.exchange = exchange
        self.quantity = quantity
        self.t1Quantity = t1Quantity
        self.averagePrice = averagePrice
    }

    enum CodingKeys: String, CodingKey {
        case tradingSymbol = "tradingsymbol"
        case exchange, quantity
        case t1Quantity = "t1quantity"
        case averagePrice = "averageprice"
    }

    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        tradingSymbol = try row.decode(LenientString.self, forKey: .tradingSymbol).value
        exchange = (try? row.decodeIfPresent(LenientString.self, forKey: .exchange))??.value.nonEmpty
        quantity = (try? row.decodeIfPresent(LenientNumber.self, forKey: .quantity))??.integer ?? 0
        t1Quantity = (try? row.decodeIfPresent(LenientNumber.self, forKey: .t1Quantity))??.integer ?? 0
        averagePrice = (try? row.decodeIfPresent(LenientNumber.self, forKey: .averagePrice))??.value
    }
}

/// One row of `getPosition` (§1.7): the day's net position of an instrument and product. Every value is a string in
/// the documentation (`"netvalue": "- 2235.80"`, with a space after the minus).
public struct BrokerPositionRow: Decodable, Equatable, Sendable {
    public let tradingSymbol: String
    public let exchange: String?
    /// `DELIVERY` for a cash buy that settles into holdings tomorrow.
    public let productType: String?
    public let netQuantity: Int64
    /// Rupees, exact.
    public let averageNetPrice: Decimal?

    public init(tradingSymbol: String, exchange: String?, productType: String?, netQuantity: Int64,
                averageNetPrice: Decimal?) {
        self.tradingSymbol = tradingSymbol
        self.exchange = exchange
        self.productType = productType
        self.netQuantity = netQuantity
        self.averageNetPrice = averageNetPrice
    }

    enum CodingKeys: String, CodingKey {
        case tradingSymbol = "tradingsymbol"
        case exchange
        case productType = "producttype"
        case netQuantity = "netqty"
        case averageNetPrice = "avgnetprice"
        case buyAveragePrice = "buyavgprice"
    }

    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        tradingSymbol = try row.decode(LenientString.self, forKey: .tradingSymbol).value
        exchange = (try? row.decodeIfPresent(LenientString.self, forKey: .exchange))??.value.nonEmpty
        productType = (try? row.decodeIfPresent(LenientString.self, forKey: .productType))??.value.nonEmpty
        netQuantity = (try? row.decodeIfPresent(LenientNumber.self, forKey: .netQuantity))??.integer ?? 0
        let average = (try? row.decodeIfPresent(LenientNumber.self, forKey: .averageNetPrice))??.value
        averageNetPrice = average ?? (try? row.decodeIfPresent(LenientNumber.self, forKey: .buyAveragePrice))??.value
    }
}

/// What `getRMS` says about the account's money (§1.7): decimal strings, some possibly null.
public struct BrokerFunds: Decodable, Equatable, Sendable {
    /// Rupees, exact.
    public let net: Decimal?
    public let availableCash: Decimal?

    public init(net: Decimal?, availableCash: Decimal?) {
        self.net = net
        self.availableCash = availableCash
    }

    enum CodingKeys: String, CodingKey {
        case net
        case availableCash = "availablecash"
    }

    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        net = (try? row.decodeIfPresent(LenientNumber.self, forKey: .net))??.value
        availableCash = (try? row.decodeIfPresent(LenientNumber.self, forKey: .availableCash))??.value
    }
}
