import Foundation

/// A `placeOrder` request for an NSE cash delivery order, as StockCart places them (§1.6): `NORMAL` variety,
/// `DELIVERY` product, `DAY` duration, MARKET or LIMIT, tagged with the StockCart order it carries out.
public struct OrderPlacement: Equatable, Sendable {
    public enum Side: String, Sendable { case buy = "BUY", sell = "SELL" }

    public let instrument: Instrument
    public let side: Side
    public let quantity: Int64
    /// Nil for a MARKET order; the limit in paise for a LIMIT order.
    public let limitPaise: Int64?
    /// Under 20 characters (SmartAPI refuses longer with AB4008): see `OrderTag`.
    public let tag: String

    public init(instrument: Instrument, side: Side, quantity: Int64, limitPaise: Int64?, tag: String) {
        self.instrument = instrument
        self.side = side
        self.quantity = quantity
        self.limitPaise = limitPaise
        self.tag = tag
    }

    /// The body SmartAPI expects: every value a string, prices in rupees.
    var body: [String: String] {
        [
            "variety": "NORMAL", "tradingsymbol": instrument.tradingSymbol, "symboltoken": instrument.token,
            "transactiontype": side.rawValue, "exchange": instrument.exchange,
            "ordertype": limitPaise == nil ? "MARKET" : "LIMIT", "producttype": "DELIVERY", "duration": "DAY",
            "price": limitPaise.map(Self.rupees) ?? "0", "squareoff": "0", "stoploss": "0",
            "quantity": String(quantity), "ordertag": tag,
        ]
    }

    /// 275005 → "2750.05".
    static func rupees(_ paise: Int64) -> String {
        let sign = paise < 0 ? "-" : ""
        let magnitude = paise.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// What `placeOrder` answers: the broker's ids for the order.
public struct PlacedOrder: Decodable, Equatable, Sendable {
    public let orderID: String
    public let uniqueOrderID: String?

    enum CodingKeys: String, CodingKey {
        case orderID = "orderid"
        case uniqueOrderID = "uniqueorderid"
    }

    public init(orderID: String, uniqueOrderID: String?) {
        self.orderID = orderID
        self.uniqueOrderID = uniqueOrderID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orderID = try container.decode(LenientString.self, forKey: .orderID).value
        uniqueOrderID = try container.decodeIfPresent(LenientString.self, forKey: .uniqueOrderID)?.value
    }
}
