import Foundation
import TradingCore

/// A pure, steppable market simulator: every call to `step(at:)` advances each stock's price by one time step of
/// geometric Brownian motion and returns the trades printed in that step.
///
/// It holds no clock and does no I/O, so it can be driven by a live feed, a backtest or a test alike. Each symbol
/// has its own random stream, derived from the seed and the symbol's name, so the run is reproducible for a seed and
/// adding, removing or reordering stocks leaves every other stock's ticks unchanged.
public struct SimulatedMarket: Sendable {
    /// The simulated stocks, in the order ticks are emitted (duplicate symbols dropped, first kept).
    public let stocks: [StockInfo]
    /// Simulated trading time per step, in seconds.
    public let stepSeconds: Double
    /// Steps taken so far.
    public private(set) var stepCount = 0

    private var lanes: [Lane]
    private let positions: [Symbol: Int]

    /// - Parameters:
    ///   - stepSeconds: trading time one step represents; it scales the per-step volatility and the tick volume, so
    ///     a feed stepping every 250 ms should pass 0.25 to keep the configured annual volatility in real time.
    public init(stocks: [StockInfo], seed: UInt64, stepSeconds: Double = 0.25) {
        precondition(stepSeconds.isFinite && stepSeconds > 0, "stepSeconds must be positive")
        var seen = Set<Symbol>()
        let unique = stocks.filter { seen.insert($0.symbol).inserted }
        self.stocks = unique
        self.stepSeconds = stepSeconds
        self.lanes = unique.map { Lane(stock: $0, seed: seed, stepSeconds: stepSeconds) }
        self.positions = Dictionary(uniqueKeysWithValues: unique.enumerated().map { ($0.element.symbol, $0.offset) })
    }

    /// Advances every stock by one step and returns the ticks printed in it, all stamped `time`, in `stocks` order.
    /// A stock does not trade in every step (each has a fixed probability between 70 % and 85 %), as on a real tape.
    public mutating func step(at time: Date) -> [Tick] {
        stepCount += 1
        var ticks: [Tick] = []
        ticks.reserveCapacity(lanes.count)
        for index in lanes.indices {
            if let tick = lanes[index].advance(at: time) { ticks.append(tick) }
        }
        return ticks
    }

    /// The last traded price of every stock (the reference price until its first tick).
    public var prices: [Symbol: Money] {
        Dictionary(uniqueKeysWithValues: lanes.map { ($0.symbol, $0.lastTraded) })
    }

    /// Continues `symbol`'s walk from `price`: another instance simulated it meanwhile, and one market must not jump
    /// when this one takes the stock over.
    public mutating func follow(_ symbol: Symbol, at price: Money) {
        guard let index = positions[symbol], price.paise > 0 else { return }
        lanes[index].logPrice = log(PriceGrid.rupees(price))
        lanes[index].lastTraded = price
    }

    /// The last traded price of one stock, or nil if it is not simulated.
    public func price(for symbol: Symbol) -> Money? {
        positions[symbol].map { lanes[$0].lastTraded }
    }

    /// One stock's random walk and tape.
    private struct Lane: Sendable {
        let symbol: Symbol
        /// Log-return drift per step, -σ²/2, so the expected price (not the expected log price) stays level.
        let drift: Double
        /// Standard deviation of the log return per step.
        let sigma: Double
        let tickProbability: Double
        /// Mean shares per tick, chosen so a session's ticks add up to the average daily volume.
        let meanTickVolume: Double
        var generator: SeededGenerator
        /// The unrounded price lives in log space so that rounding to the grid never feeds back into the walk
        /// (rounding each step would bias and stall slow-moving stocks).
        var logPrice: Double
        var lastTraded: Money

        init(stock: StockInfo, seed: UInt64, stepSeconds: Double) {
            symbol = stock.symbol
            let variance = stock.annualVolatility * stock.annualVolatility * stepSeconds / NSESession.secondsPerYear
            sigma = variance.squareRoot()
            drift = -variance / 2
            // Liquid names print more often: 70 % for 100k shares/day rising to the 85 % cap around 100M.
            let liquidity = log10(max(Double(stock.averageDailyVolume), 1) / 100_000)
            tickProbability = min(max(0.70 + 0.05 * liquidity, 0.70), 0.85)
            let ticksPerSession = NSESession.secondsPerSession / stepSeconds * tickProbability
            meanTickVolume = max(Double(stock.averageDailyVolume) / ticksPerSession, 1)
            generator = SeededGenerator(seed: SeededGenerator.derivedSeed(
                seed, SeededGenerator.label(for: stock.symbol), StreamPurpose.liveTicks))
            logPrice = log(PriceGrid.rupees(stock.referencePrice))
            lastTraded = stock.referencePrice
        }

        mutating func advance(at time: Date) -> Tick? {
            // The walk moves every step whether or not anyone trades, so volatility does not depend on tick rate.
            logPrice += drift + sigma * generator.nextStandardNormal()
            guard generator.nextUnitInterval() < tickProbability else { return nil }
            let price = PriceGrid.money(rupees: exp(logPrice))
            // Exponential sizes: mostly small prints with the occasional block, at least one share.
            let size = -log(generator.nextPositiveUnitInterval()) * meanTickVolume
            let volume = max(Int64(size.rounded()), 1)
            lastTraded = price
            return Tick(symbol: symbol, price: price, volume: volume, time: time)
        }
    }
}
