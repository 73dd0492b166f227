import Foundation
import Testing
import TradingCore

/// Every indicator against TA-Lib (`Fixtures/indicators.json`, written by `scripts/generate-indicator-fixtures.py`
/// with TA-Lib 0.8.2 over a seeded series with flat stretches): a value within 1e-9 relative on every row where TA-Lib
/// has one, none where it has none; and the streaming form equal to the batch form on every row.
@Suite("Indicators against TA-Lib")
struct IndicatorTests {
    struct Fixture: Decodable {
        struct Bars: Decodable {
            let open: [Double], high: [Double], low: [Double], close: [Double], volume: [Double]
        }

        struct Series: Decodable {
            let SMA_20: [Double?], EMA_20: [Double?], RSI_14: [Double?], ATR_14: [Double?], ADX_14: [Double?]
            let OBV: [Double?]
            let MACD_12_26_9: [String: [Double?]]
            let BBANDS_20_2: [String: [Double?]]
            let STOCH_14_3_3: [String: [Double?]]
        }

        let bars: Bars
        let series: Series
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/indicators.json")
        // A missing or broken fixture is a failing test run, loudly.
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// The rows where the two disagree: a value on one side only, or values further apart than 1e-9 relative (to the
    /// larger of the two magnitudes and 1, so values crossing zero compare absolutely).
    static func mismatches(_ ours: some Collection<Double?>, _ theirs: some Collection<Double?>) -> [Int] {
        let ours = Array(ours), theirs = Array(theirs)
        guard ours.count == theirs.count else { return [-1] }
        return ours.indices.filter { index in
            switch (ours[index], theirs[index]) {
            case (nil, nil): false
            case let (a?, b?): abs(a - b) > 1e-9 * max(abs(a), abs(b), 1)
            default: true
            }
        }
    }

    var bars: Fixture.Bars { Self.fixture.bars }

    @Test("the fixture is the series it claims: 600 bars, TA-Lib's values where its seeding rules put them")
    func fixtureShape() {
        #expect(bars.close.count == 600)
        #expect(Self.fixture.series.SMA_20.firstIndex { $0 != nil } == 19)
        #expect(Self.fixture.series.RSI_14.firstIndex { $0 != nil } == 14)
        #expect(Self.fixture.series.ATR_14.firstIndex { $0 != nil } == 14)
        #expect(Self.fixture.series.ADX_14.firstIndex { $0 != nil } == 27)
        #expect(Self.fixture.series.STOCH_14_3_3["slowk"]!.firstIndex { $0 != nil } == 17)
        #expect(Self.fixture.series.SMA_20.compactMap { $0 }.count == 581)
    }

    @Test("SMA(20), EMA(20) and RSI(14) agree with TA-Lib, and streaming equals batch")
    func closeOnly() {
        let close = bars.close
        let sma = SMA.values(close, period: 20)
        #expect(Self.mismatches(sma, Self.fixture.series.SMA_20) == [])
        var streamingSMA = SMA(period: 20)
        #expect(close.map { streamingSMA.update($0) } == Array(sma))

        let ema = EMA.values(close, period: 20)
        #expect(Self.mismatches(ema, Self.fixture.series.EMA_20) == [])
        var streamingEMA = EMA(period: 20)
        #expect(close.map { streamingEMA.update($0) } == Array(ema))

        let rsi = RSI.values(close, period: 14)
        #expect(Self.mismatches(rsi, Self.fixture.series.RSI_14) == [])
        var streamingRSI = RSI(period: 14)
        #expect(close.map { streamingRSI.update($0) } == Array(rsi))
    }

    @Test("MACD(12,26,9) agrees with TA-Lib from row 33 (its seeding quirk included), and streaming equals batch")
    func macd() {
        let batch = MACD.values(bars.close)
        let expected = Self.fixture.series.MACD_12_26_9
        #expect(batch.macd.firstRow == 33 && batch.signal.firstRow == 33 && batch.histogram.firstRow == 33)
        #expect(Self.mismatches(batch.macd, expected["macd"]!) == [])
        #expect(Self.mismatches(batch.signal, expected["signal"]!) == [])
        #expect(Self.mismatches(batch.histogram, expected["hist"]!) == [])
        var streaming = MACD()
        let streamed = bars.close.map { streaming.update($0) }
        #expect(Self.mismatches(streamed.map { $0?.macd }, batch.macd) == [])
        #expect(Self.mismatches(streamed.map { $0?.signal }, batch.signal) == [])
        #expect(Self.mismatches(streamed.map { $0?.histogram }, batch.histogram) == [])
    }

    @Test("Bollinger bands (20, 2) agree with TA-Lib, flat stretches included, and streaming equals batch")
    func bollinger() {
        let batch = BollingerBands.values(bars.close)
        let expected = Self.fixture.series.BBANDS_20_2
        #expect(Self.mismatches(batch.upper, expected["upper"]!) == [])
        #expect(Self.mismatches(batch.middle, expected["middle"]!) == [])
        #expect(Self.mismatches(batch.lower, expected["lower"]!) == [])
        var streaming = BollingerBands()
        let streamed = bars.close.map { streaming.update($0) }
        #expect(streamed.map { $0?.upper } == Array(batch.upper))
        #expect(streamed.map { $0?.middle } == Array(batch.middle))
        #expect(streamed.map { $0?.lower } == Array(batch.lower))
    }

    @Test("ATR(14), STOCH(14,3,3) and ADX(14) agree with TA-Lib, and streaming equals batch")
    func highLowClose() {
        let (high, low, close) = (bars.high, bars.low, bars.close)
        let atr = ATR.values(high: high, low: low, close: close)
        #expect(Self.mismatches(atr, Self.fixture.series.ATR_14) == [])
        var streamingATR = ATR()
        #expect(close.indices.map { streamingATR.update(high: high[$0], low: low[$0], close: close[$0]) } == Array(atr))

        let stoch = Stochastic.values(high: high, low: low, close: close)
        #expect(Self.mismatches(stoch.slowK, Self.fixture.series.STOCH_14_3_3["slowk"]!) == [])
        #expect(Self.mismatches(stoch.slowD, Self.fixture.series.STOCH_14_3_3["slowd"]!) == [])
        var streamingStoch = Stochastic()
        let streamed = close.indices.map { streamingStoch.update(high: high[$0], low: low[$0], close: close[$0]) }
        #expect(streamed.map { $0?.slowK } == Array(stoch.slowK))
        #expect(streamed.map { $0?.slowD } == Array(stoch.slowD))

        let adx = ADX.values(high: high, low: low, close: close)
        #expect(adx.firstRow == 27)
        #expect(Self.mismatches(adx, Self.fixture.series.ADX_14) == [])
    }

    @Test("OBV agrees with TA-Lib on every row, and streaming equals batch")
    func obv() {
        let batch = OBV.values(close: bars.close, volume: bars.volume)
        #expect(Self.mismatches(batch, Self.fixture.series.OBV) == [])
        var streaming = OBV()
        #expect(batch.firstRow == 0)
        #expect(bars.close.indices.map { streaming.update(close: bars.close[$0], volume: bars.volume[$0]) } == batch.values)
    }

    @Test("session VWAP: Σ typical price × volume / Σ volume, afresh each IST day, none before the day has volume")
    func vwap() {
        let nineFifteen = Date(timeIntervalSince1970: 1_796_009_400 - 45 * 60) // 2026-11-30 09:15 IST
        let bars = [
            IndicatorBar(time: nineFifteen, open: 100, high: 102, low: 98, close: 100, volume: 0),
            IndicatorBar(time: nineFifteen.addingTimeInterval(60), open: 100, high: 103, low: 99, close: 101, volume: 10),
            IndicatorBar(time: nineFifteen.addingTimeInterval(120), open: 101, high: 106, low: 100, close: 104, volume: 30),
            IndicatorBar(time: nineFifteen.addingTimeInterval(86_400), open: 110, high: 112, low: 108, close: 110,
                         volume: 5),
        ]
        let batch = SessionVWAP.values(bars)
        #expect(batch[0] == nil)
        #expect(batch[1] == 101)
        // (101 × 10 + 103.333… × 30) / 40
        #expect(abs(batch[2]! - (101.0 * 10 + (310.0 / 3) * 30) / 40) < 1e-12)
        #expect(batch[3] == 110, "a new IST day starts afresh")
        var streaming = SessionVWAP()
        #expect(bars.map { streaming.update($0) } == batch)
    }
}
