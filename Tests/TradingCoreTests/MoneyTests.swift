import Foundation
import Testing
import TradingCore

@Suite("Money")
struct MoneyTests {
    @Test("rupee numbers with at most two decimals parse exactly", arguments: [
        (2750.12, 275_012), (0.05, 5), (0.1, 10), (1, 100), (0, 0), (-12.5, -1_250), (0.29, 29), (1.15, 115),
        (4.35, 435), (1_000_000.01, 100_000_001), (99_999.99, 9_999_999), (12_345_678.91, 1_234_567_891),
        // Amounts in the crores still have exact paise.
        (139_999_987.05, 13_999_998_705), (98_765_432.12, 9_876_543_212), (99_999_999_999.99, 9_999_999_999_999),
    ] as [(Double, Int64)])
    func parsesDouble(value: Double, paise: Int64) throws {
        let money = try #require(Money(rupees: value))
        #expect(money.paise == paise)
    }

    @Test("sub-paisa precision, NaN, infinities and out-of-range numbers are rejected", arguments: [
        2750.123, 0.001, 0.005, 1.999, -0.125, 12_345_678.125, .nan, .signalingNaN, .infinity, -.infinity,
        1e11, -1e11, 1e300, .greatestFiniteMagnitude,
    ] as [Double])
    func rejectsDouble(value: Double) {
        #expect(Money(rupees: value) == nil)
    }

    @Test("every paisa amount up to ₹10,000 survives the Double round trip")
    func doubleRoundTripSmall() {
        var failures: [Int64] = []
        for paise in Int64(-1_000)...1_000_000 where Money(rupees: Double(paise) / 100)?.paise != paise {
            failures.append(paise)
        }
        #expect(failures.count == 0, "first failures: \(failures.prefix(5))")
    }

    @Test("random amounts up to ₹10,000 crore survive the Double round trip; a third decimal is refused")
    func doubleRoundTripLarge() {
        var random = SeededGenerator(seed: 42)
        var failures: [Int64] = []
        var accepted: [Int64] = []
        for _ in 0..<100_000 {
            // Spread over every magnitude: pick the number of digits first.
            let digits = Int64.random(in: 1...13, using: &random)
            var limit: Int64 = 1
            for _ in 0..<digits { limit *= 10 }
            let paise = Int64.random(in: 0..<min(limit, 9_999_999_999_999), using: &random)
            if Money(rupees: Double(paise) / 100)?.paise != paise { failures.append(paise) }
            // Three tenths of a paisa off the grid is no whole number of paise at any size.
            if Money(rupees: (Double(paise) + 0.3) / 100) != nil { accepted.append(paise) }
        }
        #expect(failures.count == 0, "amounts that failed, e.g. \(failures.prefix(5))")
        #expect(accepted.count == 0, "sub-paisa amounts accepted, e.g. \(accepted.prefix(5))")
    }

    @Test("Decimal rupees parse exactly", arguments: [
        ("2750.12", 275_012), ("0.05", 5), ("-0.05", -5), ("2750.10", 275_010), ("0", 0),
        ("99999999999.99", 9_999_999_999_999),
    ] as [(String, Int64)])
    func parsesDecimal(text: String, paise: Int64) throws {
        let decimal = try #require(Decimal(string: text))
        let money = try #require(Money(rupees: decimal))
        #expect(money.paise == paise)
        #expect(money.rupees == Decimal(string: text))
    }

    @Test("Decimal rupees with sub-paisa precision, NaN or out of range are rejected", arguments: [
        Decimal(string: "2750.123")!, Decimal(string: "0.001")!, Decimal(string: "-0.005")!, Decimal.nan,
        Decimal(string: "100000000000")!, Decimal(string: "1e30")!, Decimal(string: "-1e30")!,
    ])
    func rejectsDecimal(value: Decimal) {
        #expect(Money(rupees: value) == nil)
    }

    @Test("rupee views of an amount")
    func rupeeViews() {
        let money = Money(paise: 275_012)
        #expect(money.rupees == Decimal(string: "2750.12"))
        #expect(money.rupeesDouble == 2750.12)
        #expect(Money(paise: -5).rupees == Decimal(string: "-0.05"))
    }

    @Test("the ₹0.05 tick grid", arguments: [
        (0, true), (5, true), (100_000, true), (280_050, true), (-5, true), (1, false), (100_003, false),
        (280_051, false),
    ] as [(Int64, Bool)])
    func tickGrid(paise: Int64, onGrid: Bool) {
        #expect(Money(paise: paise).isOnTickGrid == onGrid)
        #expect(Money.tickSize == Money(paise: 5))
    }

    @Test("rounding to the nearest tick, never below one tick", arguments: [
        (10_000, 10_000), (10_001, 10_000), (10_002, 10_000), (10_003, 10_005), (10_004, 10_005), (10_005, 10_005),
        (10_007, 10_005), (10_008, 10_010), (0, 5), (1, 5), (2, 5), (3, 5), (-40, 5),
    ] as [(Int64, Int64)])
    func roundedToTick(paise: Int64, rounded: Int64) {
        let result = Money(paise: paise).roundedToTick()
        #expect(result == Money(paise: rounded))
        #expect(result.isOnTickGrid)
    }

    @Test("arithmetic and ordering are on whole paise")
    func arithmetic() throws {
        let a = rupees("2750.12")
        let b = rupees("0.88")
        #expect(a + b == rupees("2751.00"))
        #expect(a - b == rupees("2749.24"))
        #expect(b - a == -rupees("2749.24"))
        #expect(try a.multiplied(by: 3) == rupees("8250.36"))
        var c = a
        c += b
        #expect(c == rupees("2751.00"))
        c -= a
        #expect(c == b)
        #expect(b < a && !(a < b) && a <= a)
        #expect([a, b, .zero, -b].sorted() == [-b, .zero, b, a])
        #expect(max(a, b) == a)
        // Ten lakh additions of five paise drift by nothing.
        var sum = Money.zero
        for _ in 0..<1_000_000 { sum += .tickSize }
        #expect(sum == rupees("50000.00"))
    }

    @Test("description is the Indian-format amount")
    func description() {
        #expect(rupees("1000000.00").description == "₹10,00,000.00")
        #expect("\(rupees("2800.50"))" == "₹2,800.50")
    }

    @Test("rupeesText prints what the exact Decimal prints, without dividing")
    func rupeesText() {
        var amounts: [Int64] = Array(-1_000...1_000) + [Int64.max, Int64.min + 1, 275_005, 275_050, 275_000, 10_000_000_00]
        var generator = SystemRandomNumberGenerator()
        amounts += (0..<5_000).map { _ in Int64.random(in: -10_000_000_000_000...10_000_000_000_000, using: &generator) }
        for paise in amounts {
            let money = Money(paise: paise)
            #expect(money.rupeesText == "\(money.rupees)", "\(paise) paise")
        }
    }
}

