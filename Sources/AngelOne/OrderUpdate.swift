import Foundation

/// One message of SmartAPI's order-update WebSocket: an order of the account changed state
/// (`../shared/reference/protocols.md` §3).
///
/// `{"user-id", "status-code", "order-status": "AB01", "error-message", "orderData": {…order-book row…}}`; the first
/// message after connecting is `AB00` with an empty `orderData`. Fields inside `orderData` come as strings or
/// numbers, so every number is read leniently.
public struct OrderUpdate: Equatable, Sendable {
    /// `order-status`, AB00 to AB11.
    public enum Status: String, Sendable, CaseIterable {
        case connected = "AB00"
        case open = "AB01"
        case cancelled = "AB02"
        case rejected = "AB03"
        case modified = "AB04"
        case complete = "AB05"
        case afterMarketReceived = "AB06"
        case afterMarketCancelled = "AB07"
        case afterMarketModifyReceived = "AB08"
        case openPending = "AB09"
        case triggerPending = "AB10"
        case modifyPending = "AB11"

        /// Whether the order can change no more.
        public var isFinal: Bool {
            self == .cancelled || self == .rejected || self == .complete || self == .afterMarketCancelled
        }
    }

    public let status: Status
    /// The broker's order id; empty on the greeting.
    public let orderID: String
    /// The tag StockCart set when placing the order (its own order's reference), if any.
    public let orderTag: String?
    public let tradingSymbol: String?
    /// Average fill price in rupees, when something filled.
    public let averagePrice: Decimal?
    public let filledQuantity: Int64?
    /// The broker's text: the rejection reason on AB03.
    public let text: String?

    /// Why a message could not be read.
    public struct Unreadable: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads one text message. Frames that are not JSON objects (the `0x00` keep-alives some servers send) are
    /// `Unreadable`, to be skipped.
    public static func decode(_ text: String) throws(Unreadable) -> OrderUpdate {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(text.utf8))
        } catch {
            throw Unreadable(description: "not an order update: \(String(text.prefix(80)))")
        }
        guard let status = Status(rawValue: wire.status) else {
            throw Unreadable(description: "unknown order-status \(wire.status)")
        }
        let data = wire.orderData
        return OrderUpdate(
            status: status, orderID: data?.orderID ?? "", orderTag: data?.orderTag.flatMap { $0.isEmpty ? nil : $0 },
            tradingSymbol: data?.tradingSymbol.flatMap { $0.isEmpty ? nil : $0 }, averagePrice: data?.averagePrice?.value,
            filledQuantity: data?.filledShares?.integer, text: data?.text.flatMap { $0.isEmpty ? nil : $0 })
    }

    public init(status: Status, orderID: String, orderTag: String?, tradingSymbol: String?, averagePrice: Decimal?,
                filledQuantity: Int64?, text: String?) {
        self.status = status
        self.orderID = orderID
        self.orderTag = orderTag
        self.tradingSymbol = tradingSymbol
        self.averagePrice = averagePrice
        self.filledQuantity = filledQuantity
        self.text = text
    }

    private struct Wire: Decodable {
        let status: String
        let orderData: OrderData?

        enum CodingKeys: String, CodingKey {
            case status = "order-status"
            case orderData
        }
    }

    private struct OrderData: Decodable {
        let orderID: String?
        let orderTag: String?
        let tradingSymbol: String?
        let averagePrice: LenientNumber?
        let filledShares: LenientNumber?
        let text: String?

        enum CodingKeys: String, CodingKey {
            case orderID = "orderid"
            case orderTag = "ordertag"
            case tradingSymbol = "tradingsymbol"
            case averagePrice = "averageprice"
            case filledShares = "filledshares"
            case text
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            orderID = try? container.decodeIfPresent(LenientString.self, forKey: .orderID)?.value
            orderTag = try? container.decodeIfPresent(LenientString.self, forKey: .orderTag)?.value
            tradingSymbol = try? container.decodeIfPresent(LenientString.self, forKey: .tradingSymbol)?.value
            averagePrice = try? container.decodeIfPresent(LenientNumber.self, forKey: .averagePrice)
            filledShares = try? container.decodeIfPresent(LenientNumber.self, forKey: .filledShares)
            text = try? container.decodeIfPresent(LenientString.self, forKey: .text)?.value
        }
    }
}
