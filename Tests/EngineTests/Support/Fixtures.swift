import Foundation
import TradingCore

/// A fixed instant the simulated clock starts at (2025-01-06 09:15 IST).
let marketOpen = Date(timeIntervalSince1970: 1_736_135_100)

/// An exact amount from a rupee literal such as "1510.05"; traps on anything that is not a valid amount.
func rupees(_ text: String) -> Money {
    guard let decimal = Decimal(string: text), let money = Money(rupees: decimal) else {
        preconditionFailure("bad rupee literal \(text)")
    }
    return money
}

/// Deterministic ids, so a failing expectation names the test's own numbering.
func ruleID(_ number: Int) -> RuleID { RuleID(numberedUUID(number, tag: 0x52)) }
func userID(_ number: Int) -> UserID { UserID(numberedUUID(number, tag: 0x55)) }
func orderID(_ number: Int) -> OrderID { OrderID(numberedUUID(number, tag: 0x4F)) }

private func numberedUUID(_ number: Int, tag: UInt8) -> UUID {
    let n = UInt64(number)
    func byte(_ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: n >> shift) }
    return UUID(uuid: (tag, 0, 0, 0, 0, 0, 0x40, 0, 0x80, byte(48), byte(40), byte(32), byte(24), byte(16), byte(8),
                       byte(0)))
}

/// A stored rule numbered `number` watching `[min, max]` (rupee literals) on `symbol`.
func makeRule(_ number: Int, _ symbol: Symbol, _ min: String, _ max: String, mode: RuleMode = .once,
              state: PriceRule.State = .watching) throws -> PriceRule {
    PriceRule(id: ruleID(number), owner: userID(number % 3 + 1), symbol: symbol,
              range: try PriceRange(min: rupees(min), max: rupees(max)), mode: mode, state: state, fireCount: 0,
              createdAt: marketOpen, updatedAt: marketOpen, lastFiredAt: nil)
}

/// A pending order numbered `number`; a LIMIT order when `limit` is given, MARKET otherwise.
func makeOrder(_ number: Int, _ symbol: Symbol, _ side: OrderSide = .buy, limit: String? = nil,
               quantity: Int64 = 10) throws -> Order {
    try Order(id: orderID(number), owner: userID(number % 3 + 1), symbol: symbol, side: side,
              type: limit == nil ? .market : .limit, quantity: quantity, limitPrice: limit.map(rupees),
              createdAt: marketOpen)
}

/// Polls `condition` until it holds or `timeout` passes; true if it held. For "eventually" checks on the
/// engine's asynchronous commit path, never as a fixed wait.
/// The timeout is generous on purpose: the whole suite runs in parallel on two cores, and a passing condition
/// returns at once, so only a failing test waits it out.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return true
}
