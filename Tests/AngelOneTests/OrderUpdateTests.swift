@testable import AngelOne
import Foundation
import Testing

/// Messages of the order-update socket as `../shared/reference/protocols.md` §3 records them.
@Suite("Order updates: AB00 to AB11, lenient fields")
struct OrderUpdateTests {
    @Test("the greeting after connecting has an empty order")
    func greeting() throws {
        let text = #"{"user-id":"A123","status-code":"200","order-status":"AB00","error-message":"","orderData":{"variety":"","orderid":"","ordertag":"","price":0.0,"quantity":""}}"#
        let update = try OrderUpdate.decode(text)
        #expect(update.status == .connected && update.orderID.isEmpty && update.orderTag == nil)
    }

    @Test("a completed order: id, tag, fill price and quantity, numbers as strings or numbers", arguments: [
        #"{"user-id":"A123","status-code":"200","order-status":"AB05","error-message":"","orderData":{"orderid":"240101000000123","ordertag":"sc-7f3a","tradingsymbol":"SBIN-EQ","averageprice":"812.35","filledshares":"10","text":""}}"#,
        #"{"user-id":"A123","status-code":"200","order-status":"AB05","error-message":"","orderData":{"orderid":240101000000123,"ordertag":"sc-7f3a","tradingsymbol":"SBIN-EQ","averageprice":812.35,"filledshares":10}}"#,
    ])
    func complete(text: String) throws {
        let update = try OrderUpdate.decode(text)
        #expect(update.status == .complete && update.status.isFinal)
        #expect(update.orderID == "240101000000123")
        #expect(update.orderTag == "sc-7f3a")
        #expect(update.tradingSymbol == "SBIN-EQ")
        #expect(update.averagePrice == Decimal(string: "812.35"))
        #expect(update.filledQuantity == 10)
    }

    @Test("a rejection carries the broker's reason")
    func rejected() throws {
        let text = #"{"order-status":"AB03","orderData":{"orderid":"1","text":"Insufficient funds","averageprice":0,"filledshares":"0"}}"#
        let update = try OrderUpdate.decode(text)
        #expect(update.status == .rejected && update.text == "Insufficient funds" && update.filledQuantity == 0)
    }

    @Test("every status code reads, and only cancelled, rejected, complete and AMO-cancelled are final")
    func statuses() throws {
        for status in OrderUpdate.Status.allCases {
            let update = try OrderUpdate.decode(#"{"order-status":"\#(status.rawValue)","orderData":{"orderid":"9"}}"#)
            #expect(update.status == status)
            #expect(update.status.isFinal == [.cancelled, .rejected, .complete, .afterMarketCancelled].contains(status))
        }
    }

    @Test("keep-alive bytes, garbage and unknown codes are unreadable, to be skipped", arguments: [
        "\u{0}", "", "pong", "[]", #"{"order-status":"AB99"}"#, #"{"orderData":{}}"#,
    ])
    func unreadable(text: String) {
        #expect(throws: OrderUpdate.Unreadable.self) { try OrderUpdate.decode(text) }
    }

    @Test("lenient numbers: strings with blanks and grouping, numbers, empties", arguments: [
        ("\"100000.00\"", "100000"), ("\"- 2235.80\"", "-2235.8"), ("\"1,000.50\"", "1000.5"), ("996.2", "996.2"),
        ("\"\"", nil), ("null", nil), ("\"abc\"", nil), ("\"12e5\"", nil),
    ] as [(String, String?)])
    func lenientNumbers(json: String, expected: String?) throws {
        let number = try JSONDecoder().decode(LenientNumber.self, from: Data(json.utf8))
        #expect(number.value == expected.flatMap { Decimal(string: $0) })
    }
}
