import Foundation
import Testing
import TradingCore

/// Amounts at and beyond the edges of `Money`: the checked arithmetic, the charge schedule and the ledger never trap,
/// and refuse exactly what does not fit. A request can put any number into these paths, so none of them may stop the
/// process.
@Suite("Extreme amounts: checked money arithmetic, charges and ledger")
struct ExtremeAmountsTests {
    /// Edges first, then random values of every magnitude.
    static func extreme(_ random: inout SeededGenerator) -> Int64 {
        let edges: [Int64] = [0, 1, -1, 2, 5, 99, 100, 1_000_000, 10_00_000_00, 10_00_00_000_00, 1 << 31, 1 << 32,
                              3_037_000_499, 3_037_000_500, Int64.max, Int64.max - 1, Int64.max / 2, Int64.max / 8,
                              Int64.min, Int64.min + 1, -(1 << 40)]
        switch Int.random(in: 0..<3, using: &random) {
        case 0: return edges.randomElement(using: &random)!
        case 1: return Int64.random(in: Int64.min...Int64.max, using: &random)
        default:
            let digits = Int.random(in: 0...18, using: &random)
            let bound = (0..<digits).reduce(Int64(1)) { value, _ in value * 10 }
            return Int64.random(in: -bound...bound, using: &random)
        }
    }

    static func fits(_ value: Decimal) -> Bool { value >= Decimal(Int64.min) && value <= Decimal(Int64.max) }

    @Test("checked ×, + and − give the exact result or AmountOutOfRange, never a trap")
    func checkedOperators() {
        var random = SeededGenerator(seed: 7)
        var mismatches: [String] = []
        for _ in 0..<50_000 {
            let a = Self.extreme(&random), b = Self.extreme(&random)
            let cases: [(String, Decimal, Money?)] = [
                ("×", Decimal(a) * Decimal(b), try? Money(paise: a).multiplied(by: b)),
                ("+", Decimal(a) + Decimal(b), try? Money(paise: a).adding(Money(paise: b))),
                ("−", Decimal(a) - Decimal(b), try? Money(paise: a).subtracting(Money(paise: b))),
            ]
            for (operation, exact, checked) in cases {
                let expected: Decimal? = Self.fits(exact) ? exact : nil
                if expected != checked.map({ Decimal($0.paise) }) { mismatches.append("\(a) \(operation) \(b)") }
            }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    @Test("the charge schedule refuses exactly the trades whose value does not fit, and adds up whatever it accepts")
    func chargesAtTheEdges() throws {
        var random = SeededGenerator(seed: 11)
        let schedules = [ChargeSchedule(), ChargeSchedule(brokerage: .flat(.zero), sttRounding: .rupee),
                         ChargeSchedule(brokerage: .percent(rate: Decimal(string: "0.001")!, cap: Money(paise: 20_00),
                                                            floor: Money(paise: 2_00)))]
        var accepted = 0, refused = 0
        for _ in 0..<20_000 {
            let price = Money(paise: abs(Self.extreme(&random) % Int64.max))
            let quantity = abs(Self.extreme(&random) % Int64.max)
            let schedule = schedules.randomElement(using: &random)!
            let side = OrderSide.allCases.randomElement(using: &random)!
            let turnover = Decimal(price.paise) * Decimal(quantity)
            do {
                let charges = try schedule.charges(side: side, price: price, quantity: quantity)
                accepted += 1
                #expect(Self.fits(turnover), "accepted \(price) × \(quantity)")
                let parts = [charges.brokerage, charges.stt, charges.exchange, charges.sebi, charges.stampDuty,
                             charges.gst]
                #expect(parts.allSatisfy { $0.paise >= 0 }, "negative charge for \(price) × \(quantity)")
                #expect(charges.total.paise == parts.reduce(Int64(0)) { $0 + $1.paise })
                // STT at 0.1 % of the turnover, rounded half up to the paisa (or the rupee).
                let sttPaise = turnover / 1_000
                let step: Decimal = schedule.sttRounding == .rupee ? 100 : 1
                var scaled = sttPaise / step, rounded = Decimal()
                NSDecimalRound(&rounded, &scaled, 0, .plain)
                #expect(Decimal(charges.stt.paise) == rounded * step, "STT of \(price) × \(quantity)")
            } catch {
                refused += 1
                #expect(!Self.fits(turnover), "refused \(price) × \(quantity), which fits")
            }
        }
        #expect(accepted > 1_000 && refused > 1_000, "the edges were not both exercised: \(accepted)/\(refused)")
    }

    @Test("the ledger settles exactly or refuses as out of range, never traps")
    func ledgerAtTheEdges() {
        var random = SeededGenerator(seed: 23)
        var outOfRange = 0, settled = 0
        for _ in 0..<50_000 {
            let side = OrderSide.allCases.randomElement(using: &random)!
            let quantity = Self.extreme(&random)
            let price = Money(paise: Self.extreme(&random))
            let charges = Money(paise: Self.extreme(&random))
            let cash = Money(paise: Self.extreme(&random))
            let held = abs(Self.extreme(&random) % Int64.max)
            let holding = Holding(symbol: "INFY", quantity: held, averagePrice: Money(paise: Self.extreme(&random)),
                                  realisedPnL: Money(paise: Self.extreme(&random)))
            let result = Ledger.settle(side: side, quantity: quantity, price: price, charges: charges, cash: cash,
                                       holding: holding)
            let value = Decimal(price.paise) * Decimal(quantity)
            switch result {
            case .success(let (newCash, newHolding)):
                settled += 1
                let expectedCash = side == .buy ? Decimal(cash.paise) - (value + Decimal(charges.paise))
                                                : Decimal(cash.paise) + (value - Decimal(charges.paise))
                #expect(Decimal(newCash.paise) == expectedCash, "cash after \(side) \(quantity) × \(price)")
                #expect(newHolding.quantity == (side == .buy ? held + quantity : held - quantity))
            case .failure(.amountOutOfRange):
                outOfRange += 1
                // Refused only when some step of the settlement, done exactly, does not fit in an Int64 of paise.
                let d = { (value: Int64) in Decimal(value) }
                let steps: [Decimal] = side == .buy
                    ? [value, value + d(charges.paise), d(held) + d(quantity),
                       d(holding.averagePrice.paise) * d(held) + value,
                       2 * (d(holding.averagePrice.paise) * d(held) + value) + d(held) + d(quantity),
                       2 * (d(held) + d(quantity)), d(cash.paise) - value - d(charges.paise)]
                    : [value, value - d(charges.paise), (d(price.paise) - d(holding.averagePrice.paise)),
                       (d(price.paise) - d(holding.averagePrice.paise)) * d(quantity),
                       d(holding.realisedPnL.paise) + (d(price.paise) - d(holding.averagePrice.paise)) * d(quantity),
                       d(cash.paise) + value - d(charges.paise)]
                #expect(quantity <= 0 || steps.contains { !Self.fits($0) },
                        "\(side) \(quantity) × \(price) refused although every step fits")
            case .failure(.insufficientCash(let needed, _)):
                #expect(side == .buy && needed > cash)
            case .failure(.insufficientHoldings):
                #expect(side == .sell && quantity > held)
            }
        }
        #expect(outOfRange > 1_000 && settled > 100, "the edges were not both exercised: \(settled)/\(outOfRange)")
    }

    @Test("an order's limit price and value are bounded")
    func orderLimits() throws {
        func order(_ type: OrderType, quantity: Int64, limit: Money?) throws -> Order {
            try Order(id: orderID(1), owner: userID(1), symbol: "ITC", side: .buy, type: type, quantity: quantity,
                      limitPrice: limit, createdAt: marketOpen)
        }
        let tooDear = OrderLimits.maxPrice + Money(paise: 1)
        #expect(throws: ValidationError(field: "limit_price",
                                        reason: "limit_price must be at most \(OrderLimits.maxPrice)")) {
            try order(.limit, quantity: 1, limit: tooDear)
        }
        // The issue's crash: 10 lakh shares at ₹99,999,999,999.99, refused on the price before any arithmetic.
        #expect(throws: ValidationError.self) {
            try order(.limit, quantity: 1_000_000, limit: Money(paise: 9_999_999_999_999))
        }
        // ₹10 crore exactly is allowed; a paisa more is not.
        let atCap = try order(.limit, quantity: 1_000, limit: Money(paise: 1_00_000_00))
        #expect(try atCap.checkedValue(marketPrice: Money(paise: 5)) == OrderLimits.maxValue)
        let overCap = try order(.limit, quantity: 1_001, limit: Money(paise: 1_00_000_00))
        #expect(throws: ValidationError.self) { try overCap.checkedValue(marketPrice: Money(paise: 5)) }
        // A MARKET order is valued at the market price, and the error names the field it was given.
        let market = try order(.market, quantity: 1_000_000, limit: nil)
        do {
            _ = try market.checkedValue(marketPrice: Money(paise: 2_800_00), field: "items[3].quantity")
            Issue.record("₹280 crore of RELIANCE passed the value cap")
        } catch {
            #expect(error.field == "items[3].quantity")
        }
        // Even a price no API would accept cannot overflow the check.
        #expect(throws: ValidationError.self) { try market.checkedValue(marketPrice: Money(paise: .max)) }
    }
}
