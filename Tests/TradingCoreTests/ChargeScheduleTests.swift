import Foundation
import Testing
import TradingCore

/// One expected charge breakdown, every figure a rupee literal.
struct ExpectedCharges: Sendable, CustomTestStringConvertible {
    var label: String
    var brokerage: ChargeSchedule.Brokerage
    var side: OrderSide
    var price: String
    var quantity: Int64
    var fee: String, stt: String, exchange: String, sebi: String, stamp: String, gst: String, total: String

    var testDescription: String { label }

    var breakdown: ChargeBreakdown {
        ChargeBreakdown(brokerage: rupees(fee), stt: rupees(stt), exchange: rupees(exchange), sebi: rupees(sebi),
                        stampDuty: rupees(stamp), gst: rupees(gst))
    }
}

private let flat20 = ChargeSchedule.Brokerage.flat(rupees("20.00"))
private let flat0 = ChargeSchedule.Brokerage.flat(.zero)
/// Angel One style: 0.1 % of the trade value, at most ₹20, at least ₹2.
private let angel = ChargeSchedule.Brokerage.percent(rate: Decimal(string: "0.001")!, cap: rupees("20.00"),
                                                     floor: rupees("2.00"))

@Suite("ChargeSchedule")
struct ChargeScheduleTests {
    @Test("the worked example of protocols.md §8", arguments: [
        ExpectedCharges(label: "buy 100 × ₹1,000, ₹20 brokerage", brokerage: flat20, side: .buy, price: "1000.00",
                        quantity: 100, fee: "20.00", stt: "100.00", exchange: "2.97", sebi: "0.10", stamp: "15.00",
                        gst: "4.15", total: "142.22"),
        ExpectedCharges(label: "sell 100 × ₹1,000, ₹20 brokerage", brokerage: flat20, side: .sell, price: "1000.00",
                        quantity: 100, fee: "20.00", stt: "100.00", exchange: "2.97", sebi: "0.10", stamp: "0.00",
                        gst: "4.15", total: "127.22"),
        ExpectedCharges(label: "buy 100 × ₹1,000, ₹0 brokerage", brokerage: flat0, side: .buy, price: "1000.00",
                        quantity: 100, fee: "0.00", stt: "100.00", exchange: "2.97", sebi: "0.10", stamp: "15.00",
                        gst: "0.55", total: "118.62"),
        ExpectedCharges(label: "sell 100 × ₹1,000, ₹0 brokerage", brokerage: flat0, side: .sell, price: "1000.00",
                        quantity: 100, fee: "0.00", stt: "100.00", exchange: "2.97", sebi: "0.10", stamp: "0.00",
                        gst: "0.55", total: "103.62"),
        // 0.1 % of ₹1,00,000 is ₹100, capped at ₹20: the same as the flat fee.
        ExpectedCharges(label: "buy 100 × ₹1,000, 0.1 % brokerage capped", brokerage: angel, side: .buy,
                        price: "1000.00", quantity: 100, fee: "20.00", stt: "100.00", exchange: "2.97", sebi: "0.10",
                        stamp: "15.00", gst: "4.15", total: "142.22"),
    ])
    func workedExample(expected: ExpectedCharges) throws {
        let charges = try ChargeSchedule(brokerage: expected.brokerage)
            .charges(side: expected.side, price: rupees(expected.price), quantity: expected.quantity)
        #expect(charges == expected.breakdown)
        #expect(charges.total == rupees(expected.total))
    }

    @Test("the default schedule is ₹20 flat with STT to the paisa")
    func defaults() throws {
        let schedule = ChargeSchedule()
        #expect(schedule.brokerage == flat20)
        #expect(schedule.sttRounding == .paisa)
        #expect(try schedule.charges(side: .buy, price: rupees("1000.00"), quantity: 100).total == rupees("142.22"))
    }

    @Test("percent brokerage is capped and floored", arguments: [
        // (price, quantity, brokerage): 0.1 % of the trade value, within [₹2, ₹20]
        ("1000.00", 1, "2.00"),      // ₹1 → floor
        ("1000.00", 2, "2.00"),      // exactly the floor
        ("1543.21", 1, "2.00"),      // ₹1.54321 → floor
        ("500.00", 10, "5.00"),      // inside the band
        ("1543.21", 10, "15.43"),    // ₹15.4321, rounded to the paisa
        ("1000.05", 3, "3.00"),      // ₹3.00015
        ("1000.00", 20, "20.00"),    // exactly the cap
        ("1000.00", 100, "20.00"),   // ₹100 → cap
        ("10000.00", 1_000_000, "20.00"),
    ] as [(String, Int64, String)])
    func percentBrokerage(price: String, quantity: Int64, brokerage: String) throws {
        let schedule = ChargeSchedule(brokerage: angel)
        for side in OrderSide.allCases {
            let charges = try schedule.charges(side: side, price: rupees(price), quantity: quantity)
            #expect(charges.brokerage == rupees(brokerage))
        }
    }

    @Test("STT rounds to the rupee (half up) or to the paisa, as configured", arguments: [
        // (price, quantity, STT to the rupee, STT to the paisa)
        ("1000.00", 100, "100.00", "100.00"),
        ("1234.50", 1, "1.00", "1.23"),     // ₹1.2345
        ("1500.00", 1, "2.00", "1.50"),     // ₹1.5: half rounds up
        ("2499.00", 1, "2.00", "2.50"),     // ₹2.499 (and ₹2.499 → ₹2.50 to the paisa)
        ("2750.15", 7, "19.00", "19.25"),   // ₹19.25105
        ("499.95", 1, "0.00", "0.50"),      // ₹0.49995
        ("500.00", 1, "1.00", "0.50"),      // ₹0.5
    ] as [(String, Int64, String, String)])
    func sttRounding(price: String, quantity: Int64, toRupee: String, toPaisa: String) throws {
        for side in OrderSide.allCases {
            let rupee = try ChargeSchedule(brokerage: flat20, sttRounding: .rupee)
                .charges(side: side, price: rupees(price), quantity: quantity)
            let paisa = try ChargeSchedule(brokerage: flat20, sttRounding: .paisa)
                .charges(side: side, price: rupees(price), quantity: quantity)
            #expect(rupee.stt == rupees(toRupee))
            #expect(paisa.stt == rupees(toPaisa))
            // Only STT changes with the policy.
            #expect(rupee.total - rupee.stt == paisa.total - paisa.stt)
        }
    }

    @Test("components round half up to the paisa")
    func halfUp() throws {
        let schedule = ChargeSchedule(brokerage: flat0)
        // Stamp duty on ₹300 is ₹0.045 (half-even would give 0.04).
        let buy = try schedule.charges(side: .buy, price: rupees("300.00"), quantity: 1)
        #expect(buy.stampDuty == rupees("0.05"))
        #expect(buy == ChargeBreakdown(brokerage: .zero, stt: rupees("0.30"), exchange: rupees("0.01"), sebi: .zero,
                                       stampDuty: rupees("0.05"), gst: .zero))
        #expect(buy.total == rupees("0.36"))
        // The SEBI fee on ₹5,000 is ₹0.005 (half-even would give 0.00).
        let sell = try schedule.charges(side: .sell, price: rupees("5000.00"), quantity: 1)
        #expect(sell.sebi == rupees("0.01"))
        #expect(sell.exchange == rupees("0.15"))  // ₹0.1485
    }

    @Test("stamp duty is charged on buys only",
          arguments: [("1000.00", 100), ("2750.15", 7), ("0.05", 1)] as [(String, Int64)])
    func stampDutyBuyOnly(price: String, quantity: Int64) throws {
        let schedule = ChargeSchedule()
        let buy = try schedule.charges(side: .buy, price: rupees(price), quantity: quantity)
        let sell = try schedule.charges(side: .sell, price: rupees(price), quantity: quantity)
        #expect(sell.stampDuty == .zero)
        #expect(buy.total - buy.stampDuty == sell.total)
    }

    @Test("GST is on brokerage, exchange and SEBI charges, not on STT or stamp duty")
    func gstBase() throws {
        let base = ChargeSchedule(brokerage: flat20)
        var heavierTaxes = base
        heavierTaxes.sttRate = Decimal(string: "0.002")!
        heavierTaxes.stampDutyRate = Decimal(string: "0.0003")!
        for side in OrderSide.allCases {
            let a = try base.charges(side: side, price: rupees("1000.00"), quantity: 100)
            let b = try heavierTaxes.charges(side: side, price: rupees("1000.00"), quantity: 100)
            #expect(a.gst == b.gst)
            #expect(b.stt == rupees("200.00"))
        }
        var dearerBroker = base
        dearerBroker.brokerage = .flat(rupees("40.00"))
        // 18 % of (40 + 2.97 + 0.10) = 7.7526.
        #expect(try dearerBroker.charges(side: .buy, price: rupees("1000.00"), quantity: 100).gst == rupees("7.75"))
    }

    @Test("the total is the sum of the components")
    func totalIsSum() {
        let charges = ChargeBreakdown(brokerage: Money(paise: 1), stt: Money(paise: 20), exchange: Money(paise: 300),
                                      sebi: Money(paise: 4_000), stampDuty: Money(paise: 50_000),
                                      gst: Money(paise: 600_000))
        #expect(charges.total == Money(paise: 654_321))
        #expect(ChargeBreakdown.zero.total == .zero)
    }

    @Test("the largest order the system accepts does not overflow")
    func largeOrder() throws {
        // 10 lakh shares at ₹10,000: ₹1,000 crore of turnover.
        let charges = try ChargeSchedule().charges(side: .buy, price: rupees("10000.00"), quantity: Order.maxQuantity)
        #expect(charges.stt == rupees("10000000.00"))
        #expect(charges.stampDuty == rupees("1500000.00"))
        #expect(charges.exchange == rupees("297000.00"))
        #expect(charges.sebi == rupees("10000.00"))
        // 18 % of (20 + 297,000 + 10,000) = 55,263.60.
        #expect(charges.gst == rupees("55263.60"))
    }
}
