import Foundation
import TradingCore

/// A fixed instant orders and ticks are stamped from (2025-01-06 09:15 IST).
let marketOpen = Date(timeIntervalSince1970: 1_736_135_100)

/// An exact amount from a rupee literal such as "1500.05"; traps on anything that is not a valid amount.
func rupees(_ text: String) -> Money {
    guard let decimal = Decimal(string: text), let money = Money(rupees: decimal) else {
        preconditionFailure("bad rupee literal \(text)")
    }
    return money
}

/// A deterministic order id carrying `number`.
func orderID(_ number: Int) -> OrderID {
    let n = UInt64(number)
    func byte(_ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: n >> shift) }
    return OrderID(UUID(uuid: (0x4F, 0, 0, 0, 0, 0, 0x40, 0, 0x80, byte(48), byte(40), byte(32), byte(24), byte(16),
                               byte(8), byte(0))))
}

let trader = UserID(UUID(uuid: (0x55, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 1)))

/// A pending order numbered `number`: LIMIT when `limit` is given, MARKET otherwise.
func makeOrder(_ number: Int, _ symbol: Symbol, _ side: OrderSide = .buy, limit: String? = nil) throws -> Order {
    try Order(id: orderID(number), owner: trader, symbol: symbol, side: side, type: limit == nil ? .market : .limit,
              quantity: 5, limitPrice: limit.map(rupees), createdAt: marketOpen)
}

/// A tick `offset` seconds after the market opened.
func tick(_ symbol: Symbol, _ price: String, at offset: TimeInterval = 1) -> Tick {
    Tick(symbol: symbol, price: rupees(price), volume: 100, time: marketOpen.addingTimeInterval(offset))
}
