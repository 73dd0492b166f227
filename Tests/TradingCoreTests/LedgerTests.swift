import Testing
import TradingCore

/// Settles a trade and returns the new cash and holding, or records why it was refused.
private func settled(_ side: OrderSide, _ quantity: Int64, at price: String, charges: Money = .zero,
                     cash: Money, holding: Holding) throws -> (cash: Money, holding: Holding) {
    try Ledger.settle(side: side, quantity: quantity, price: rupees(price), charges: charges, cash: cash,
                      holding: holding).get()
}

/// The rejection for a trade that must be refused.
private func rejection(_ side: OrderSide, _ quantity: Int64, at price: String, charges: String = "0.00",
                       cash: String, holding: Holding) -> Ledger.Rejection? {
    let result = Ledger.settle(side: side, quantity: quantity, price: rupees(price), charges: rupees(charges),
                               cash: rupees(cash), holding: holding)
    guard case .failure(let rejection) = result else { return nil }
    return rejection
}

@Suite("Ledger")
struct LedgerTests {
    let empty = Holding(symbol: "INFY")

    @Test("a buy costs price × quantity + charges and sets the average price")
    func buy() throws {
        let (cash, holding) = try settled(.buy, 100, at: "1000.00", charges: rupees("142.22"),
                                          cash: rupees("200000.00"), holding: empty)
        #expect(cash == rupees("99857.78"))
        #expect(holding.quantity == 100)
        // Charges are kept out of the average.
        #expect(holding.averagePrice == rupees("1000.00"))
        #expect(holding.realisedPnL == .zero)
        #expect(holding.symbol == "INFY")
    }

    @Test("a buy that takes exactly all the cash is allowed")
    func buyExactlyAllCash() throws {
        let (cash, holding) = try settled(.buy, 10, at: "999.00", charges: rupees("10.00"), cash: rupees("10000.00"),
                                          holding: empty)
        #expect(cash == .zero)
        #expect(holding.quantity == 10)
    }

    @Test("buys average the price, weighted by quantity, rounded half up to the paisa", arguments: [
        // (first buy, second buy, average)
        ((10, "100.00"), (30, "104.00"), "103.00"),
        ((1, "100.00"), (1, "100.01"), "100.01"),     // 100.005 → half up
        ((1, "100.00"), (2, "100.01"), "100.01"),     // 100.00666…
        ((2, "100.00"), (1, "100.01"), "100.00"),     // 100.00333…
        ((3, "2750.15"), (5, "2800.50"), "2781.62"),  // 22,252.95 / 8 = 2,781.61875
    ] as [((Int64, String), (Int64, String), String)])
    func averaging(first: (Int64, String), second: (Int64, String), average: String) throws {
        let afterFirst = try settled(.buy, first.0, at: first.1, cash: rupees("1000000.00"), holding: empty)
        let afterSecond = try settled(.buy, second.0, at: second.1, cash: afterFirst.cash,
                                      holding: afterFirst.holding)
        #expect(afterSecond.holding.quantity == first.0 + second.0)
        #expect(afterSecond.holding.averagePrice == rupees(average))
    }

    @Test("a buy the cash cannot cover is refused with the amounts, and nothing changes", arguments: [
        ("10000.00", "0.01"),  // the charges tip it over
        ("9999.99", "0.00"),
        ("0.00", "0.00"),
    ])
    func insufficientCash(cash: String, charges: String) {
        let holding = Holding(symbol: "INFY", quantity: 5, averagePrice: rupees("900.00"), realisedPnL: rupees("12.00"))
        let before = holding
        let refused = rejection(.buy, 10, at: "1000.00", charges: charges, cash: cash, holding: holding)
        let needed = rupees("10000.00") + rupees(charges)
        #expect(refused == .insufficientCash(needed: needed, available: rupees(cash)))
        #expect(holding == before)
    }

    @Test("a sell credits price × quantity − charges and realises (price − average) × quantity")
    func sellRealisesProfit() throws {
        let holding = Holding(symbol: "INFY", quantity: 10, averagePrice: rupees("1000.00"))
        let (cash, after) = try settled(.sell, 4, at: "1100.00", charges: rupees("10.00"), cash: rupees("500.00"),
                                        holding: holding)
        #expect(cash == rupees("4890.00"))  // 500 + 4,400 − 10
        #expect(after.quantity == 6)
        #expect(after.averagePrice == rupees("1000.00"))  // selling does not move the average
        #expect(after.realisedPnL == rupees("400.00"))     // gross of charges
    }

    @Test("a sell below the average realises a loss, and realised P&L accumulates")
    func sellRealisesLoss() throws {
        let holding = Holding(symbol: "INFY", quantity: 10, averagePrice: rupees("1000.00"),
                              realisedPnL: rupees("250.00"))
        let (_, after) = try settled(.sell, 5, at: "950.50", cash: .zero, holding: holding)
        #expect(after.realisedPnL == rupees("250.00") - rupees("247.50"))
        #expect(after.quantity == 5)
    }

    @Test("selling more than held is refused, and nothing changes", arguments: [(11, 10), (1, 0)] as [(Int64, Int64)])
    func insufficientHoldings(selling: Int64, held: Int64) {
        let holding = Holding(symbol: "INFY", quantity: held, averagePrice: held > 0 ? rupees("1000.00") : .zero)
        let before = holding
        let refused = rejection(.sell, selling, at: "1100.00", cash: "100.00", holding: holding)
        #expect(refused == .insufficientHoldings(wanted: selling, held: held))
        #expect(holding == before)
    }

    @Test("selling everything resets the average, keeps the realised P&L, and a new buy starts afresh")
    func sellAllResetsAverage() throws {
        let holding = Holding(symbol: "INFY", quantity: 10, averagePrice: rupees("1000.00"))
        let (cash, flat) = try settled(.sell, 10, at: "1200.00", charges: rupees("20.00"), cash: .zero,
                                       holding: holding)
        #expect(cash == rupees("11980.00"))
        #expect(flat.quantity == 0)
        #expect(flat.averagePrice == .zero)
        #expect(flat.realisedPnL == rupees("2000.00"))

        let (_, again) = try settled(.buy, 3, at: "1300.00", cash: cash, holding: flat)
        #expect(again.averagePrice == rupees("1300.00"))
        #expect(again.quantity == 3)
        #expect(again.realisedPnL == rupees("2000.00"))
    }

    @Test("a round trip through the worked example's charges")
    func roundTrip() throws {
        let schedule = ChargeSchedule()
        let buyCharges = try schedule.charges(side: .buy, price: rupees("1000.00"), quantity: 100).total
        let sellCharges = try schedule.charges(side: .sell, price: rupees("1000.00"), quantity: 100).total
        let bought = try settled(.buy, 100, at: "1000.00", charges: buyCharges,
                                 cash: rupees("100142.22"), holding: empty)
        #expect(bought.cash == .zero)
        let sold = try settled(.sell, 100, at: "1000.00", charges: sellCharges,
                               cash: bought.cash, holding: bought.holding)
        // Selling at the buy price loses exactly the charges of both sides.
        #expect(sold.cash == rupees("100000.00") - rupees("127.22"))
        #expect(sold.holding.realisedPnL == .zero)
    }

    @Test("rejections describe themselves in rupees")
    func rejectionDescriptions() {
        #expect(Ledger.Rejection.insufficientCash(needed: rupees("10000.01"), available: rupees("10000.00"))
            .description == "insufficient cash: needs ₹10,000.01, available ₹10,000.00")
        #expect(Ledger.Rejection.insufficientHoldings(wanted: 11, held: 10).description
            == "insufficient holdings: selling 11, holding 10")
    }

    @Test("unrealised P&L is (price − average) × quantity")
    func unrealised() throws {
        let holding = Holding(symbol: "INFY", quantity: 7, averagePrice: rupees("1500.25"))
        #expect(try holding.unrealisedPnL(at: rupees("1510.25")) == rupees("70.00"))
        #expect(try holding.unrealisedPnL(at: rupees("1500.00")) == -rupees("1.75"))
        #expect(try Holding(symbol: "INFY").unrealisedPnL(at: rupees("99.00")) == .zero)
    }
}
