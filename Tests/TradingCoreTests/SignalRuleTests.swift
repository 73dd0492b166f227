import Foundation
import Testing
@testable import TradingCore

/// Each strategy kind's streaming rule, on hand-checked bars and against the same condition evaluated on the
/// indicators' batch forms over a seeded random walk.
@Suite("Strategies: signals on closed bars")
struct SignalRuleTests {
    static func bars(_ closes: [Double]) -> [Candle] {
        closes.enumerated().map { index, close in
            let price = Money(rupees: close)!
            return Candle(time: Date(timeIntervalSince1970: Double(index) * 86_400), open: price, high: price,
                          low: price, close: price, volume: 100)
        }
    }

    static func walk(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        var price = 100_000.0
        return (0..<count).map { _ in
            price = max(1_000, price + Double(Int.random(in: -300...300, using: &generator)) * 5)
            return price / 100
        }
    }

    /// (row, side) for every call the generator makes over `closes`.
    static func calls(_ recipe: SignalRecipe, _ closes: [Double]) -> [Call] {
        var generator = SignalGenerator(recipe: recipe)
        return bars(closes).enumerated().compactMap { row, bar in
            generator.close(bar).map { Call(row: row, side: $0.side) }
        }
    }

    struct Call: Equatable, CustomStringConvertible {
        let row: Int
        let side: OrderSide
        var description: String { "\(row):\(side.rawValue)" }
    }

    /// Crosses of `difference` with backtrader's semantics, from a whole series (nil before it has a value).
    static func crosses(_ difference: [Double?]) -> [Call] {
        var last = 0.0
        var found: [Call] = []
        for (row, value) in difference.enumerated() {
            guard let value else { continue }
            if value > 0 && last < 0 { found.append(Call(row: row, side: .buy)) }
            if value < 0 && last > 0 { found.append(Call(row: row, side: .sell)) }
            if value != 0 { last = value }
        }
        return found
    }

    @Test("SMA cross, checked by hand: buys when the fast average closes above the slow one, sells below")
    func smaCrossByHand() {
        // fast 2, slow 3 — row 2: 1.5 vs 2 (seeds, below); row 3: 1.5 vs 1.67; row 4: 2.5 vs 2 (cross up);
        // row 5: 2.5 vs 2.33; row 6: 1.5 vs 2 (cross down).
        #expect(Self.calls(.smaCross(fast: 2, slow: 3), [3, 2, 1, 2, 3, 2, 1]) == [
            Call(row: 4, side: .buy), Call(row: 6, side: .sell),
        ])
    }

    @Test("SMA cross: a tie is no cross, and the first difference only seeds the direction")
    func smaCrossTies() {
        // Equal averages (difference 0) until row 4, where the fast one rises above: no earlier side to cross from.
        #expect(Self.calls(.smaCross(fast: 2, slow: 3), [5, 5, 5, 5, 6, 7]).isEmpty)
        // Below, then touching (0), then above: a cross up at the row it goes above, not at the touch.
        #expect(Self.calls(.smaCross(fast: 1, slow: 2), [5, 4, 4, 5]) == [Call(row: 3, side: .buy)])
    }

    @Test("SMA cross agrees with exact averages over a random walk", arguments: [(2, 5), (10, 30), (20, 50)])
    func smaCrossWalk(fast: Int, slow: Int) {
        let closes = Self.walk(3_000, seed: UInt64(fast * 100 + slow))
        let paise = closes.map { Int64(($0 * 100).rounded()) }
        let difference: [Double?] = paise.indices.map { row in
            guard row >= slow - 1 else { return nil }
            let fastSum = paise[(row - fast + 1)...row].reduce(0, +)
            let slowSum = paise[(row - slow + 1)...row].reduce(0, +)
            return Double(fastSum * Int64(slow) - slowSum * Int64(fast))
        }
        let expected = Self.crosses(difference)
        #expect(expected.count > 20)
        #expect(Self.calls(.smaCross(fast: fast, slow: slow), closes) == expected)
    }

    @Test("EMA cross agrees with the batch EMAs")
    func emaCross() {
        let closes = Self.walk(3_000, seed: 11)
        let fast = EMA.values(closes, period: 12), slow = EMA.values(closes, period: 26)
        let difference: [Double?] = closes.indices.map { row in
            guard let a = fast[row], let b = slow[row] else { return nil }
            return a - b
        }
        #expect(Self.calls(.emaCross(fast: 12, slow: 26), closes) == Self.crosses(difference))
    }

    @Test("MACD cross agrees with the batch MACD histogram")
    func macdCross() {
        let closes = Self.walk(3_000, seed: 12)
        let histogram = MACD.values(closes).histogram
        let expected = Self.crosses(closes.indices.map { histogram[$0] })
        #expect(expected.count > 20)
        #expect(Self.calls(.macdCross(fast: 12, slow: 26, signal: 9), closes) == expected)
    }

    @Test("RSI enters oversold to buy and overbought to sell, as the batch RSI says")
    func rsi() {
        let closes = Self.walk(3_000, seed: 13)
        let values = RSI.values(closes, period: 14)
        var expected: [Call] = []
        for row in closes.indices.dropFirst() {
            guard let now = values[row], let before = values[row - 1] else { continue }
            if now < 30 && before >= 30 { expected.append(Call(row: row, side: .buy)) }
            if now > 70 && before <= 70 { expected.append(Call(row: row, side: .sell)) }
        }
        #expect(expected.count > 10)
        #expect(Self.calls(.rsi(period: 14, oversold: 30, overbought: 70), closes) == expected)
    }

    @Test("Bollinger breakout and mean reversion cross the bands the batch form computes")
    func bollinger() {
        let closes = Self.walk(3_000, seed: 14)
        let bands = BollingerBands.values(closes, period: 20, deviations: 2)
        var breakout: [Call] = [], reversion: [Call] = []
        for row in closes.indices.dropFirst() {
            guard let upper = bands.upper[row], let lower = bands.lower[row], let middle = bands.middle[row],
                  let upperBefore = bands.upper[row - 1], let lowerBefore = bands.lower[row - 1],
                  let middleBefore = bands.middle[row - 1] else { continue }
            let (now, before) = (closes[row], closes[row - 1])
            if now > upper && before <= upperBefore { breakout.append(Call(row: row, side: .buy)) }
            if now < lower && before >= lowerBefore {
                breakout.append(Call(row: row, side: .sell))
                reversion.append(Call(row: row, side: .buy))
            }
            if now > middle && before <= middleBefore { reversion.append(Call(row: row, side: .sell)) }
        }
        #expect(breakout.count > 10 && reversion.count > 10)
        #expect(Self.calls(.bollingerBreakout(period: 20, deviations: 2), closes) == breakout)
        #expect(Self.calls(.bollingerReversion(period: 20, deviations: 2), closes) == reversion)
    }

    @Test("a call carries its reason, its readings by name and a strength from 0 to 1")
    func callContents() throws {
        var generator = SignalGenerator(recipe: .smaCross(fast: 2, slow: 3))
        let calls = Self.bars([3, 2, 1, 2, 3]).compactMap { generator.close($0) }
        let call = try #require(calls.first)
        #expect(call.side == .buy)
        #expect(call.reason == "SMA(2) crossed above SMA(3)")
        #expect(call.values == ["fast": 2.5, "slow": 2, "close": 3])
        #expect(call.strength == 1, "25% apart is well past the 1% that counts as full strength")
        let weak = SignalCall(side: .sell, recipe: .rsi(period: 14, oversold: 30, overbought: 70), first: 71,
                              close: 100, strength: 0.1)
        #expect(weak.reason == "RSI(14) rose above 70 (overbought)" && weak.values == ["rsi": 71, "close": 100])
        #expect(SignalCall(side: .buy, recipe: .rsi(period: 14, oversold: 30, overbought: 70), first: 1, close: 1,
                           strength: .nan).strength == 0)
    }
}
