import Foundation
import MarketData
import Testing
import TradingCore

@Suite("SimulatedMarket")
struct SimulatedMarketTests {
    private let start = IST.date(2025, 10, 1, 9, 15)

    /// Runs `steps` steps 0.25 s apart and returns every tick.
    private func run(_ market: inout SimulatedMarket, steps: Int) -> [Tick] {
        var ticks: [Tick] = []
        for index in 0..<steps {
            ticks += market.step(at: start.addingTimeInterval(Double(index) * market.stepSeconds))
        }
        return ticks
    }

    @Test func sameSeedGivesTheSameTape() {
        var first = SimulatedMarket(stocks: NiftyCatalogue.all, seed: 42)
        var second = SimulatedMarket(stocks: NiftyCatalogue.all, seed: 42)
        let a = run(&first, steps: 1_000)
        let b = run(&second, steps: 1_000)
        #expect(!a.isEmpty)
        #expect(a == b)
        #expect(first.prices == second.prices)
        #expect(first.stepCount == 1_000)
    }

    @Test func differentSeedsGiveDifferentTapes() {
        var first = SimulatedMarket(stocks: NiftyCatalogue.all, seed: 42)
        var second = SimulatedMarket(stocks: NiftyCatalogue.all, seed: 43)
        #expect(run(&first, steps: 1_000) != run(&second, steps: 1_000))
    }

    @Test func ticksArePositiveOnTheGridAndInCatalogueOrder() {
        var market = SimulatedMarket(stocks: NiftyCatalogue.all, seed: 5)
        let order = Dictionary(
            uniqueKeysWithValues: NiftyCatalogue.all.enumerated().map { ($0.element.symbol, $0.offset) })
        for index in 0..<2_000 {
            let time = start.addingTimeInterval(Double(index) * 0.25)
            let ticks = market.step(at: time)
            let positions = ticks.compactMap { order[$0.symbol] }
            #expect(positions.count == ticks.count)
            #expect(positions == positions.sorted())
            for tick in ticks {
                #expect(tick.price > .zero && tick.price.isOnTickGrid, "\(tick.symbol) \(tick.price)")
                #expect(tick.volume >= 1)
                #expect(tick.time == time)
            }
        }
    }

    @Test func mostButNotAllStocksTradeEachStep() {
        var market = SimulatedMarket(stocks: NiftyCatalogue.all, seed: 8)
        let steps = 2_000
        let ticks = run(&market, steps: steps)
        let rate = Double(ticks.count) / Double(steps * NiftyCatalogue.all.count)
        #expect((0.70...0.85).contains(rate), "tick rate \(rate)")
    }

    @Test func aStocksTicksDoNotDependOnTheOtherStocks() {
        var alone = SimulatedMarket(stocks: catalogued("RELIANCE", "TCS"), seed: 99)
        var crowded = SimulatedMarket(stocks: catalogued("INFY", "TCS", "WIPRO", "RELIANCE", "SBIN"), seed: 99)
        let a = run(&alone, steps: 500)
        let b = run(&crowded, steps: 500)
        for symbol: Symbol in ["RELIANCE", "TCS"] {
            #expect(a.filter { $0.symbol == symbol } == b.filter { $0.symbol == symbol }, "\(symbol)")
        }
    }

    @Test func pricesStartAtTheReferenceAndTrackTheLastTick() {
        let stocks = catalogued("HDFCBANK", "MARUTI")
        var market = SimulatedMarket(stocks: stocks, seed: 1)
        #expect(market.price(for: "HDFCBANK") == stocks[0].referencePrice)
        #expect(market.prices == Dictionary(uniqueKeysWithValues: stocks.map { ($0.symbol, $0.referencePrice) }))
        #expect(market.price(for: "TCS") == nil)
        let ticks = run(&market, steps: 200)
        for stock in stocks {
            #expect(market.price(for: stock.symbol) == ticks.last { $0.symbol == stock.symbol }?.price)
        }
    }

    @Test func duplicateStocksAreSimulatedOnce() {
        var market = SimulatedMarket(stocks: catalogued("ITC", "ITC", "LT"), seed: 3)
        #expect(market.stocks.map(\.symbol) == ["ITC", "LT"])
        let ticks = market.step(at: start)
        #expect(ticks.count <= 2)
    }

    /// Sampled every 25 simulated seconds, so ₹0.05 rounding noise is small next to the price moves being measured
    /// even for the lowest-priced stock.
    @Test(arguments: ["TATASTEEL", "WIPRO", "RELIANCE", "ADANIENT", "MARUTI"] as [Symbol])
    func realisedVolatilityMatchesTheConfiguredOne(symbol: Symbol) throws {
        let stock = try #require(NiftyCatalogue.stock(for: symbol))
        var market = SimulatedMarket(stocks: [stock], seed: 2024)
        let stride = 100
        let samples = 600
        var previous = rupees(stock.referencePrice)
        var returns: [Double] = []
        for sample in 0..<samples {
            for index in 0..<stride {
                _ = market.step(at: start.addingTimeInterval(Double(sample * stride + index) * 0.25))
            }
            let price = rupees(try #require(market.price(for: symbol)))
            returns.append(log(price / previous))
            previous = price
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)
        let sampleSeconds = Double(stride) * market.stepSeconds
        let annualised = (variance * 252 * 22_500 / sampleSeconds).squareRoot()
        let ratio = annualised / stock.annualVolatility
        #expect((0.5...2.0).contains(ratio), "\(symbol): realised \(annualised) vs \(stock.annualVolatility)")
    }

    @Test func aSessionsTicksAddUpToAboutTheAverageDailyVolume() {
        let stocks = catalogued("ULTRACEMCO", "HDFCBANK", "ETERNAL")
        // 2.5 s steps: 9,000 steps make one 6 h 15 min session.
        var market = SimulatedMarket(stocks: stocks, seed: 77, stepSeconds: 2.5)
        var volumes: [Symbol: Int64] = [:]
        for index in 0..<9_000 {
            for tick in market.step(at: start.addingTimeInterval(Double(index) * 2.5)) {
                volumes[tick.symbol, default: 0] += tick.volume
            }
        }
        for stock in stocks {
            let ratio = Double(volumes[stock.symbol] ?? 0) / Double(stock.averageDailyVolume)
            #expect((0.8...1.2).contains(ratio), "\(stock.symbol) session volume ratio \(ratio)")
        }
    }
}

/// Rupees as a double, for return arithmetic in tests.
private func rupees(_ money: Money) -> Double { Double(money.paise) / 100 }
