import Foundation
@testable import TradingCore

/// SplitMix64: a tiny, fast, seeded generator, so every randomised test replays exactly from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An exact amount from a rupee literal such as "2750.12"; traps on anything that is not a valid amount.
func rupees(_ text: String) -> Money {
    guard let decimal = Decimal(string: text), let money = Money(rupees: decimal) else {
        preconditionFailure("bad rupee literal \(text)")
    }
    return money
}

/// A deterministic rule id carrying `number`, so a firing maps back to the test's own numbering.
func ruleID(_ number: Int) -> RuleID {
    RuleID(uuid(number, tag: 0x52))
}

/// The number a `ruleID(_:)` was made from.
func ruleNumber(_ id: RuleID) -> Int {
    let bytes = id.rawValue.uuid
    let raw = [bytes.9, bytes.10, bytes.11, bytes.12, bytes.13, bytes.14, bytes.15]
    return Int(raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
}

func userID(_ number: Int) -> UserID { UserID(uuid(number, tag: 0x55)) }
func orderID(_ number: Int) -> OrderID { OrderID(uuid(number, tag: 0x4F)) }

private func uuid(_ number: Int, tag: UInt8) -> UUID {
    let n = UInt64(number)
    func byte(_ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: n >> shift) }
    return UUID(uuid: (tag, 0, 0, 0, 0, 0, 0x40, 0, 0x80, byte(48), byte(40), byte(32), byte(24), byte(16), byte(8),
                       byte(0)))
}

/// A fixed instant for tests that need a `Date` (2025-01-06 09:15 IST).
let marketOpen = Date(timeIntervalSince1970: 1_736_135_100)
