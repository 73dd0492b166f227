import Foundation
import Testing
@testable import TradingCore

@Suite("Risk manager: sizing, limits, order rate, daily loss and the kill switch")
struct RiskManagerTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    let price = rupees("100.00")

    func account(cash: String = "100000.00", equity: String? = nil, exposure: [Symbol: Money] = [:])
        -> RiskAccount {
        RiskAccount(cash: rupees(cash), equity: rupees(equity ?? cash), dayStartEquity: rupees(equity ?? cash),
                    exposure: exposure)
    }

    @Test("each sizing asks for whole shares")
    func sizing() {
        let equity = rupees("100000.00")
        #expect(PositionSizing.fixedQuantity(7).quantity(price: price, equity: equity, atr: nil) == 7)
        #expect(PositionSizing.fixedAmount(rupees("1050.00")).quantity(price: price, equity: equity, atr: nil) == 10)
        #expect(PositionSizing.percentOfEquity(100).quantity(price: rupees("333.00"), equity: equity, atr: nil) == 300)
        #expect(PositionSizing.percentOfEquity(25).quantity(price: price, equity: equity, atr: nil) == 250)
        // 1% of ₹1,00,000 at risk with a stop 2 ATR (2 × ₹2.50) away: ₹1,000 / ₹5 = 200 shares.
        #expect(PositionSizing.atrRisk(riskPercent: 1, atrMultiple: 2).quantity(price: price, equity: equity,
                                                                                atr: 2.5) == 200)
        #expect(PositionSizing.atrRisk(riskPercent: 1, atrMultiple: 2).quantity(price: price, equity: equity,
                                                                                atr: nil) == 0)
    }

    @Test("an entry within every limit is approved as asked")
    func approved() {
        var risk = RiskManager(charges: nil)
        let decision = risk.checkEntry(symbol: "INFY", price: price, sizing: .fixedQuantity(10), atr: nil,
                                       account: account(), now: now)
        #expect(decision == .approved(10))
    }

    @Test("caps resize an entry and say why; none left denies it")
    func caps() {
        var risk = RiskManager(limits: RiskLimits(maxSymbolExposure: rupees("5000.00"),
                                                  maxTotalExposure: rupees("20000.00"),
                                                  maxOrderValue: rupees("3000.00")), charges: nil)
        let capped = risk.checkEntry(symbol: "INFY", price: price, sizing: .fixedQuantity(100), atr: nil,
                                     account: account(), now: now)
        #expect(capped.outcome == .resized && capped.quantity == 30 && capped.requestedQuantity == 100)
        #expect(capped.reason == "resized from 100 to 30: order value capped at ₹3,000.00")
        let symbol = risk.checkEntry(symbol: "INFY", price: price, sizing: .fixedQuantity(25), atr: nil,
                                     account: account(exposure: ["INFY": rupees("4000.00")]), now: now)
        #expect(symbol.quantity == 10 && symbol.reason?.contains("exposure to INFY capped at ₹5,000.00") == true)
        let total = risk.checkEntry(symbol: "TCS", price: price, sizing: .fixedQuantity(25), atr: nil,
                                    account: account(exposure: ["INFY": rupees("19950.00")]), now: now)
        #expect(total.outcome == .denied && total.quantity == 0)
        #expect(total.reason?.contains("total exposure capped at ₹20,000.00") == true)
    }

    @Test("max open positions denies a new symbol but not one already held")
    func openPositions() {
        var risk = RiskManager(limits: RiskLimits(maxOpenPositions: 2), charges: nil)
        let held: [Symbol: Money] = ["INFY": rupees("1000.00"), "TCS": rupees("1000.00")]
        let fresh = risk.checkEntry(symbol: "SBIN", price: price, sizing: .fixedQuantity(1), atr: nil,
                                    account: account(exposure: held), now: now)
        #expect(fresh == .denied("2 positions open, the limit is 2", requested: 1))
        let more = risk.checkEntry(symbol: "INFY", price: price, sizing: .fixedQuantity(1), atr: nil,
                                   account: account(exposure: held), now: now)
        #expect(more.outcome == .approved)
    }

    @Test("cash must cover the shares and their charges")
    func cashWithCharges() throws {
        let schedule = ChargeSchedule()
        var risk = RiskManager(charges: schedule)
        let decision = risk.checkEntry(symbol: "INFY", price: price, sizing: .percentOfEquity(100), atr: nil,
                                       account: account(cash: "10000.00"), now: now)
        #expect(decision.outcome == .resized && decision.requestedQuantity == 100)
        let quantity = decision.quantity
        func cost(_ shares: Int64) throws -> Int64 {
            try price.multiplied(by: shares).paise + schedule.charges(side: .buy, price: price, quantity: shares).total.paise
        }
        #expect(try cost(quantity) <= rupees("10000.00").paise)
        #expect(try cost(quantity + 1) > rupees("10000.00").paise, "the most shares the cash covers")
        #expect(decision.reason == "resized from 100 to \(quantity): cash ₹10,000.00 covers \(quantity) shares with charges")
    }

    @Test("the order rate stays at 8 a second: the ninth entry in a second is denied, exits always pass")
    func orderRate() {
        var risk = RiskManager(charges: nil)
        for offset in 0..<7 {
            let decision = risk.checkEntry(symbol: "INFY", price: price, sizing: .fixedQuantity(1), atr: nil,
                                           account: account(), now: now.addingTimeInterval(Double(offset) * 0.1))
            #expect(decision.outcome == .approved)
        }
        #expect(risk.approveExit(quantity: 5, now: now.addingTimeInterval(0.75)) == .approved(5))
        let ninth = risk.checkEntry(symbol: "INFY", price: price, sizing: .fixedQuantity(1), atr: nil,
                                    account: account(), now: now.addingTimeInterval(0.9))
        #expect(ninth == .denied("order rate limit: 8 orders in the last second (at most 8)", requested: 1))
        #expect(risk.approveExit(quantity: 5, now: now.addingTimeInterval(0.95)) == .approved(5),
                "an exit is never held back")
        let later = risk.checkEntry(symbol: "INFY", price: price, sizing: .fixedQuantity(1), atr: nil,
                                    account: account(), now: now.addingTimeInterval(1.71))
        #expect(later.outcome == .approved, "a second after the oldest of the last eight")
    }

    @Test("a tripped kill switch denies every entry until re-armed; exits still pass")
    func killSwitch() {
        var risk = RiskManager(charges: nil)
        risk.trip("tripped by the user")
        risk.trip("a second reason does not replace the first")
        let denied = risk.checkEntry(symbol: "INFY", price: price, sizing: .fixedQuantity(1), atr: nil,
                                     account: account(), now: now)
        #expect(denied == .denied("kill switch tripped: tripped by the user", requested: 1))
        #expect(risk.approveExit(quantity: 3, now: now) == .approved(3))
        risk.rearm()
        #expect(risk.killSwitch == nil)
        #expect(risk.checkEntry(symbol: "INFY", price: price, sizing: .fixedQuantity(1), atr: nil,
                                account: account(), now: now.addingTimeInterval(2)).outcome == .approved)
    }

    @Test("the daily loss is reached at the limit, measured from the day's starting equity")
    func dailyLoss() {
        let risk = RiskManager(limits: RiskLimits(maxDailyLoss: rupees("5000.00")), charges: nil)
        func at(_ equity: String) -> RiskAccount {
            RiskAccount(cash: .zero, equity: rupees(equity), dayStartEquity: rupees("100000.00"))
        }
        #expect(!risk.dailyLossReached(at("95000.05")))
        #expect(risk.dailyLossReached(at("95000.00")))
        #expect(!RiskManager(charges: nil).dailyLossReached(at("1.00")), "no limit, never reached")
    }

    @Test("no whole share, or a sizing of zero, is denied saying so")
    func nothingToBuy() {
        var risk = RiskManager(charges: nil)
        let decision = risk.checkEntry(symbol: "INFY", price: rupees("5000.00"), sizing: .fixedAmount(rupees("100.00")),
                                       atr: nil, account: account(), now: now)
        #expect(decision == .denied("fixed amount ₹100.00 buys no whole share at ₹5,000.00", requested: 0))
    }
}
