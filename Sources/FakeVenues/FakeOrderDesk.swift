import AngelOne
import Foundation
import Synchronization
import Vapor

/// The order side of the fake SmartAPI: an order book and a trade book per client code, `placeOrder`,
/// `cancelOrder`, `getOrderBook` and `getTradeBook` in SmartAPI's wire format (§1.6), the order-update WebSocket
/// (§3) pushing AB00–AB05 as orders change, and controls for tests to fill, reject or delay what was placed.
///
/// Orders rest as `open` until the test fills, rejects or cancels them; fills may come in several parts, each a
/// trade-book row, as an exchange reports them.
public final class FakeOrderDesk: Sendable {
    /// One order as the fake holds it.
    public struct Order: Sendable {
        public let orderID: String
        public let clientCode: String
        public let tag: String
        public let tradingSymbol: String
        public let token: String
        public let side: String
        public let orderType: String
        public let quantity: Int64
        public let price: String
        public var status: String
        public var filled: Int64 = 0
        /// Sum of price × size of the fills, in paise, for the average price.
        public var filledValuePaise: Int64 = 0
        public var text = ""
    }

    struct Fill {
        let clientCode: String
        let orderID: String
        let fillID: String
        let tradingSymbol: String
        let side: String
        let pricePaise: Int64
        let size: Int64
        let time: String
    }

    struct State {
        var orders: [String: Order] = [:]
        var order: [String] = []
        var fills: [Fill] = []
        var sockets: [String: [ObjectIdentifier: WebSocket]] = [:]
        var nextOrderNumber: Int64 = 261_130_000_000_001
        var placementDelay: Duration = .zero
        var orderTimes: [String: [Date]] = [:]
        /// Settled holdings per client: trading symbol → (quantity, average paise).
        var holdings: [String: [String: (quantity: Int64, averagePaise: Int64)]] = [:]
        var availableCashPaise: [String: Int64] = [:]
        /// When set, a cancellation request is accepted but the exchange fills the order at this price first.
        var fillBeforeCancelPaise: Int64?
    }

    private let state = Mutex(State())
    /// Listed NSE cash instruments, token → trading symbol, as placements must name them.
    private let instruments: [String: String]

    init(instruments: [FakeSmartAPI.ListedInstrument]) {
        self.instruments = Dictionary(instruments.map { ($0.token, "\($0.symbol)-EQ") }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: - controls for tests

    /// Every order placed, in order.
    public var orders: [Order] { state.withLock { state in state.order.compactMap { state.orders[$0] } } }

    public func order(tagged tag: String) -> Order? { orders.first { $0.tag == tag } }

    /// Answers placements only after `delay` (the order is booked at once, as a slow gateway's would be).
    public func delayPlacements(_ delay: Duration) { state.withLock { $0.placementDelay = delay } }

    /// Fills `size` more shares (all that remain by default) at `paise`: a trade-book row, and AB05 once complete.
    public func fill(_ orderID: String, paise: Int64, size: Int64? = nil) {
        let update = state.withLock { state -> (String, [String: Any])? in
            guard var order = state.orders[orderID], order.status == "open" else { return nil }
            let part = min(size ?? order.quantity - order.filled, order.quantity - order.filled)
            order.filled += part
            order.filledValuePaise += part * paise
            state.fills.append(Fill(clientCode: order.clientCode, orderID: orderID,
                                    fillID: "F\(state.fills.count + 1)", tradingSymbol: order.tradingSymbol,
                                    side: order.side, pricePaise: paise, size: part, time: Self.clockTime()))
            if order.filled == order.quantity { order.status = "complete" }
            state.orders[orderID] = order
            return (order.clientCode, Self.update(order, status: order.status == "complete" ? "AB05" : "AB01"))
        }
        if let (client, message) = update { push(message, to: client) }
    }

    /// Rejects an open order with the exchange's reason: AB03.
    public func reject(_ orderID: String, reason: String) {
        close(orderID, status: "rejected", code: "AB03", text: reason)
    }

    /// Cancels an open order as the exchange does at the end of the day: AB02.
    public func expire(_ orderID: String) { close(orderID, status: "cancelled", code: "AB02", text: "") }

    /// Makes the next cancellations race a fill and lose: the request is accepted, the order fills at `paise`.
    public func fillBeforeCancelling(at paise: Int64?) { state.withLock { $0.fillBeforeCancelPaise = paise } }

    /// Sets a client's settled holdings (shares bought on earlier days), as `getHolding` lists them.
    public func setHolding(clientCode: String, symbol: String, quantity: Int64, averagePaise: Int64) {
        state.withLock { $0.holdings[clientCode, default: [:]]["\(symbol)-EQ"] = (quantity, averagePaise) }
    }

    /// Sets a client's available cash, as `getRMS` reports it (₹10,00,000 by default).
    public func setAvailableCash(clientCode: String, paise: Int64) {
        state.withLock { $0.availableCashPaise[clientCode] = paise }
    }

    /// Pushes a raw text frame to a client's order-update sockets (a keep-alive, garbage).
    public func pushRaw(_ text: String, to clientCode: String) {
        for socket in state.withLock({ Array(($0.sockets[clientCode] ?? [:]).values) }) { socket.send(text) }
    }

    /// Closes every order-update socket (a dropped connection).
    public func dropSockets() {
        for socket in state.withLock({ $0.sockets.values.flatMap(\.values) }) { _ = socket.close(code: .goingAway) }
    }

    public var openSockets: Int { state.withLock { $0.sockets.values.reduce(0) { $0 + $1.count } } }

    // MARK: - handlers (the client code comes from the caller's authorised session)

    func place(_ body: [String: String], clientCode: String) async -> Response {
        guard let token = body["symboltoken"], let symbol = instruments[token], body["tradingsymbol"] == symbol else {
            return FakeSmartAPI.json(["status": false, "message": "Symbol Not Found", "errorcode": "AB1009",
                                      "data": NSNull()])
        }
        let tag = body["ordertag"] ?? ""
        guard tag.count < 20 else {
            return FakeSmartAPI.json(["status": false, "message": "ordertag length should be less than 20 characters",
                                      "errorcode": "AB4008", "data": NSNull()])
        }
        guard body["variety"] == "NORMAL", body["exchange"] == "NSE", body["producttype"] == "DELIVERY",
              let type = body["ordertype"], ["MARKET", "LIMIT"].contains(type),
              let side = body["transactiontype"], ["BUY", "SELL"].contains(side),
              let quantity = body["quantity"].flatMap({ Int64($0) }), quantity > 0 else {
            return FakeSmartAPI.json(["status": false, "message": "Invalid order parameters", "errorcode": "AB4036",
                                      "data": NSNull()])
        }
        // SmartAPI's order limit: 9 a second per client code, answered like its other rate limits.
        let now = Date()
        let (order, delay, limited) = state.withLock { state -> (Order?, Duration, Bool) in
            let recent = (state.orderTimes[clientCode] ?? []).filter { now.timeIntervalSince($0) < 1 }
            guard recent.count < 9 else { return (nil, .zero, true) }
            state.orderTimes[clientCode] = recent + [now]
            let id = String(state.nextOrderNumber)
            state.nextOrderNumber += 1
            let order = Order(orderID: id, clientCode: clientCode, tag: tag, tradingSymbol: symbol, token: token,
                              side: side, orderType: type, quantity: quantity, price: body["price"] ?? "0",
                              status: "open")
            state.orders[id] = order
            state.order.append(id)
            return (order, state.placementDelay, false)
        }
        if limited {
            return Response(status: .forbidden, headers: ["Content-Type": "text/plain"],
                            body: .init(string: "Access denied because of exceeding access rate"))
        }
        guard let order else { return Response(status: .internalServerError) }
        push(Self.update(order, status: "AB01"), to: clientCode)
        if delay > .zero { try? await Task.sleep(for: delay) }
        return FakeSmartAPI.json(["status": true, "message": "SUCCESS", "errorcode": "", "data": [
            "script": symbol, "orderid": order.orderID, "uniqueorderid": UUID().uuidString.lowercased(),
        ]])
    }

    func cancel(_ body: [String: String], clientCode: String) -> Response {
        guard let id = body["orderid"], let order = state.withLock({ $0.orders[id] }), order.clientCode == clientCode,
              order.status == "open" else {
            return FakeSmartAPI.json(["status": false, "message": "Order not found", "errorcode": "AB1013",
                                      "data": NSNull()])
        }
        if let price = state.withLock({ $0.fillBeforeCancelPaise }) {
            fill(id, paise: price)
        } else {
            close(id, status: "cancelled", code: "AB02", text: "")
        }
        return FakeSmartAPI.json(["status": true, "message": "SUCCESS", "errorcode": "", "data": [
            "orderid": id, "uniqueorderid": "",
        ]])
    }

    func orderBook(clientCode: String) -> Response {
        let rows = orders.filter { $0.clientCode == clientCode }.map(Self.row)
        // An empty book is `data: null`, as recorded.
        return FakeSmartAPI.json(["status": true, "message": "SUCCESS", "errorcode": "",
                                  "data": rows.isEmpty ? NSNull() : rows as Any])
    }

    func tradeBook(clientCode: String) -> Response {
        let rows: [[String: Any]] = state.withLock { $0.fills.filter { $0.clientCode == clientCode } }.map { fill in
            ["exchange": "NSE", "producttype": "DELIVERY", "tradingsymbol": fill.tradingSymbol, "instrumenttype": "",
             "symbolgroup": "EQ", "strikeprice": "-1", "optiontype": "", "expirydate": "", "marketlot": "1",
             "precision": "2", "multiplier": "-1", "tradevalue": Self.rupees(fill.pricePaise * fill.size),
             "transactiontype": fill.side, "fillprice": Self.rupees(fill.pricePaise), "fillsize": String(fill.size),
             "orderid": fill.orderID, "fillid": fill.fillID, "filltime": fill.time]
        }
        return FakeSmartAPI.json(["status": true, "message": "SUCCESS", "errorcode": "",
                                  "data": rows.isEmpty ? NSNull() : rows as Any])
    }

    /// `getHolding`: the settled holdings set by the test, numbers as numbers (as documented).
    func holdings(clientCode: String) -> Response {
        let rows: [[String: Any]] = state.withLock { $0.holdings[clientCode] ?? [:] }.sorted { $0.key < $1.key }
            .map { symbol, holding in
                ["tradingsymbol": symbol, "exchange": "NSE", "isin": "", "t1quantity": 0, "realisedquantity": holding.quantity,
                 "quantity": holding.quantity, "authorisedquantity": 0, "product": "DELIVERY", "collateralquantity": NSNull(),
                 "collateraltype": NSNull(), "haircut": 0, "averageprice": Double(holding.averagePaise) / 100,
                 "ltp": Double(holding.averagePaise) / 100, "symboltoken": "", "close": 0, "profitandloss": 0,
                 "pnlpercentage": 0]
            }
        return FakeSmartAPI.json(["status": true, "message": "SUCCESS", "errorcode": "",
                                  "data": rows.isEmpty ? NSNull() : rows as Any])
    }

    /// `getPosition`: today's DELIVERY net quantities from the fills, every value a string (as documented, the
    /// space after a minus included).
    func positions(clientCode: String) -> Response {
        let fills = state.withLock { $0.fills.filter { $0.clientCode == clientCode } }
        var net: [String: (quantity: Int64, value: Int64)] = [:]
        for fill in fills {
            let signed = fill.side == "BUY" ? fill.size : -fill.size
            net[fill.tradingSymbol, default: (0, 0)].quantity += signed
            net[fill.tradingSymbol, default: (0, 0)].value += signed * fill.pricePaise
        }
        let rows: [[String: Any]] = net.sorted { $0.key < $1.key }.map { symbol, position in
            let average = position.quantity == 0 ? 0 : position.value / position.quantity
            let value = Self.rupees(position.value)
            return ["exchange": "NSE", "symboltoken": "", "producttype": "DELIVERY", "tradingsymbol": symbol,
                    "symbolname": String(symbol.dropLast(3)), "instrumenttype": "", "netqty": String(position.quantity),
                    "avgnetprice": Self.rupees(average), "buyavgprice": Self.rupees(average),
                    "netvalue": value.hasPrefix("-") ? "- " + value.dropFirst() : value, "lotsize": "1"]
        }
        return FakeSmartAPI.json(["status": true, "message": "SUCCESS", "errorcode": "",
                                  "data": rows.isEmpty ? NSNull() : rows as Any])
    }

    /// `getRMS`: decimal strings.
    func funds(clientCode: String) -> Response {
        let cash = state.withLock { $0.availableCashPaise[clientCode] } ?? 10_00_000_00
        return FakeSmartAPI.json(["status": true, "message": "SUCCESS", "errorcode": "", "data": [
            "net": Self.rupees(cash), "availablecash": Self.rupees(cash), "availableintradaypayin": "0.00",
            "availablelimitmargin": "0.00", "collateral": "0.00", "m2munrealized": "0.00", "m2mrealized": "0.00",
            "utiliseddebits": "0.00", "utilisedspan": NSNull(), "utilisedoptionpremium": NSNull(),
            "utilisedholdingsales": NSNull(), "utilisedexposure": NSNull(), "utilisedturnover": NSNull(),
            "utilisedpayout": "0.00",
        ]])
    }

    /// The order-update socket of an authorised client: AB00 with an empty `orderData` first, as recorded.
    func attach(_ socket: WebSocket, clientCode: String) {
        let key = ObjectIdentifier(socket)
        state.withLock { $0.sockets[clientCode, default: [:]][key] = socket }
        socket.onClose.whenComplete { [self] _ in
            _ = state.withLock { $0.sockets[clientCode]?.removeValue(forKey: key) }
        }
        socket.send(Self.text(["user-id": clientCode, "status-code": "200", "order-status": "AB00",
                               "error-message": "", "orderData": [String: String]()]))
    }

    // MARK: - helpers

    private func close(_ orderID: String, status: String, code: String, text: String) {
        let update = state.withLock { state -> (String, [String: Any])? in
            guard var order = state.orders[orderID], order.status == "open" else { return nil }
            order.status = status
            order.text = text
            state.orders[orderID] = order
            return (order.clientCode, Self.update(order, status: code))
        }
        if let (client, message) = update { push(message, to: client) }
    }

    private func push(_ message: [String: Any], to clientCode: String) {
        let text = Self.text(message)
        for socket in state.withLock({ Array(($0.sockets[clientCode] ?? [:]).values) }) { socket.send(text) }
    }

    /// An order-book row: numbers as strings in some fields and numbers in others, as SmartAPI mixes them.
    static func row(_ order: Order) -> [String: Any] {
        let average = order.filled > 0 ? Double(order.filledValuePaise) / Double(order.filled) / 100 : 0
        return [
            "variety": "NORMAL", "ordertype": order.orderType, "producttype": "DELIVERY", "duration": "DAY",
            "price": Double(order.price) ?? 0, "triggerprice": 0, "quantity": String(order.quantity),
            "disclosedquantity": "0", "squareoff": 0, "stoploss": 0, "trailingstoploss": 0,
            "tradingsymbol": order.tradingSymbol, "transactiontype": order.side, "exchange": "NSE",
            "symboltoken": order.token, "instrumenttype": "", "strikeprice": -1, "optiontype": "", "expirydate": "",
            "lotsize": "1", "cancelsize": order.status == "cancelled" ? String(order.quantity - order.filled) : "0",
            "averageprice": average, "filledshares": String(order.filled),
            "unfilledshares": String(order.quantity - order.filled), "orderid": order.orderID, "text": order.text,
            "status": order.status, "orderstatus": order.status, "updatetime": "30-Nov-2026 10:00:00",
            "exchtime": "30-Nov-2026 10:00:00", "exchorderupdatetime": "30-Nov-2026 10:00:00", "fillid": "",
            "filltime": "", "parentorderid": "", "ordertag": order.tag, "uniqueorderid": "",
        ]
    }

    static func update(_ order: Order, status: String) -> [String: Any] {
        ["user-id": order.clientCode, "status-code": "200", "order-status": status, "error-message": "",
         "orderData": row(order)]
    }

    static func text(_ object: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: object)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    static func rupees(_ paise: Int64) -> String { String(format: "%.2f", Double(paise) / 100) }

    static func clockTime() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 19_800)
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }
}
