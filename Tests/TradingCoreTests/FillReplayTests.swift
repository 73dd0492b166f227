import Foundation
import Testing
@testable import TradingCore

@Suite("Fill replay: round trips first in, first out, and equity")
struct FillReplayTests {
    static func fill(_ minute: Int, _ side: OrderSide, _ quantity: Int64, _ price: String, charges: String,
                     _ symbol: Symbol = "INFY") -> Fill {
        Fill(time: Date(timeIntervalSince1970: 1_700_000_000 + Double(minute) * 60), symbol: symbol, side: side,
             quantity: quantity, price: rupees(price), charges: rupees(charges), strategy: nil)
    }

    @Test("a sell closes the oldest shares first, each leg's charges shared by quantity")
    func fifo() {
        var replay = FillReplay(cash: rupees("100000.00"))
        replay.apply(Self.fill(0, .buy, 10, "100.00", charges: "10.00"))
        replay.apply(Self.fill(1, .buy, 30, "110.00", charges: "30.00"))
        replay.apply(Self.fill(2, .sell, 20, "120.00", charges: "8.00"))
        // 10 from the first lot (its ₹10 charges, and half the sale's ₹8), 10 from the second (a third of its ₹30,
        // and the other ₹4).
        #expect(replay.closed.count == 2)
        #expect(replay.closed[0].quantity == 10 && replay.closed[0].entryPrice == rupees("100.00"))
        #expect(replay.closed[0].charges == rupees("14.00") && replay.closed[0].pnl == rupees("186.00"))
        #expect(replay.closed[1].quantity == 10 && replay.closed[1].entryPrice == rupees("110.00"))
        #expect(replay.closed[1].charges == rupees("14.00") && replay.closed[1].pnl == rupees("86.00"))
        #expect(replay.holdings == ["INFY": 20] && replay.costs == ["INFY": rupees("2200.00")])
        // Cash: 1,00,000 − 1,010 − 3,330 + 2,392.
        #expect(replay.cash == rupees("98052.00"))
        #expect(replay.equity { _ in rupees("125.00") } == rupees("100552.00"))
        #expect(replay.equity { _ in nil } == rupees("100252.00"), "no price: valued at cost")
    }

    @Test("fills of different symbols never pair with each other")
    func symbolsApart() {
        var replay = FillReplay(cash: rupees("10000.00"))
        replay.apply(Self.fill(0, .buy, 5, "100.00", charges: "0.00", "INFY"))
        replay.apply(Self.fill(1, .sell, 5, "90.00", charges: "0.00", "TCS"))
        #expect(replay.closed.isEmpty && replay.holdings == ["INFY": 5])
    }
}
