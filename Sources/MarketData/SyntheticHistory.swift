import Foundation
import TradingCore

/// Plausible, reproducible price history for a stock, so charts have something to show before live ticks arrive.
///
/// History is generated backwards from the stock's reference price, which makes the last close equal that price
/// exactly and lets the live simulator (which starts there) continue without a jump. Each session draws from its own
/// random stream, keyed by the seed, the symbol and how many sessions back it lies, so the daily and the 1-minute
/// history agree on every session's open, close and volume when called with the same seed and `endingBefore`.
/// The session's high and low are drawn separately in each (exact Brownian-maximum samples for one bar versus the
/// extremes of 375 minute bars), so a caller that shows both should rebuild the overlapping daily bars from the
/// minutes, as `MarketHub` does.
public enum SyntheticHistory {
    /// Share of a day's return variance that arises overnight (the open's gap); the rest accrues in the session.
    /// A fifth keeps gaps small next to intraday ranges, as on NSE large caps.
    static let overnightVarianceShare = 0.2

    /// One daily bar per weekday session for the `sessions` weekdays before the IST day containing `endingBefore`,
    /// ascending, each stamped at IST midnight (`CandleInterval.oneDay.bucketStart`). The last bar closes at the
    /// reference price.
    public static func dailyCandles(for stock: StockInfo, seed: UInt64, sessions: Int = 250,
                                    endingBefore: Date) -> [Candle] {
        plan(for: stock, seed: seed, sessions: sessions, endingBefore: endingBefore).map(\.candle)
    }

    /// 1-minute bars from 09:15 to 15:29 IST (375 per session) for the `sessions` weekdays before the IST day
    /// containing `endingBefore`, ascending; the last bar closes at the reference price.
    public static func intradayCandles(for stock: StockInfo, seed: UInt64, sessions: Int = 2,
                                       endingBefore: Date) -> [Candle] {
        let plans = plan(for: stock, seed: seed, sessions: sessions, endingBefore: endingBefore)
        var bars: [Candle] = []
        bars.reserveCapacity(plans.count * NSESession.minutesPerSession)
        for session in plans {
            appendMinuteBars(of: session, stock: stock, seed: seed, to: &bars)
        }
        return bars
    }

    /// What a session looks like at daily resolution, plus the unrounded prices the minute path must join.
    private struct SessionPlan {
        var day: Date
        /// 0 for the session just before `endingBefore`, 1 for the one before that, …: the random-stream key.
        var sessionsBack: Int
        var open: Double
        var close: Double
        var candle: Candle
    }

    private static func plan(for stock: StockInfo, seed: UInt64, sessions: Int, endingBefore: Date) -> [SessionPlan] {
        let days = NSESession.weekdays(count: sessions, before: endingBefore)
        guard !days.isEmpty else { return [] }
        let dailyVariance = stock.annualVolatility * stock.annualVolatility / NSESession.sessionsPerYear
        let sessionVariance = dailyVariance * (1 - overnightVarianceShare)
        let sessionSigma = sessionVariance.squareRoot()
        let gapSigma = (dailyVariance * overnightVarianceShare).squareRoot()
        let symbolLabel = SeededGenerator.label(for: stock.symbol)

        var plans: [SessionPlan] = []
        plans.reserveCapacity(days.count)
        var close = PriceGrid.rupees(stock.referencePrice)
        for (sessionsBack, day) in days.reversed().enumerated() {
            var random = SeededGenerator(seed: SeededGenerator.derivedSeed(
                seed, symbolLabel, StreamPurpose.dailyHistory, UInt64(sessionsBack)))
            let sessionZ = random.nextStandardNormal()
            let logReturn = sessionSigma * sessionZ
            let gap = gapSigma * random.nextStandardNormal()
            let volumeNoise = exp(0.3 * random.nextStandardNormal() - 0.045)
            let upper = brownianMaximum(logReturn: logReturn, variance: sessionVariance, random: &random)
            let lower = brownianMinimum(logReturn: logReturn, variance: sessionVariance, random: &random)

            let open = close * exp(-logReturn)
            let openMoney = PriceGrid.money(rupees: open)
            // The newest close is pinned to the reference price itself rather than to a rounded double of it.
            let closeMoney = sessionsBack == 0 ? stock.referencePrice : PriceGrid.money(rupees: close)
            let high = max(PriceGrid.money(rupees: open * exp(upper)), openMoney, closeMoney)
            let low = min(PriceGrid.money(rupees: open * exp(lower)), openMoney, closeMoney)
            // Big-move days trade more: E|z| ≈ 0.8, so the multiplier averages about 1.
            let activity = 0.8 + 0.25 * abs(sessionZ)
            let volume = max(Int64((Double(stock.averageDailyVolume) * volumeNoise * activity).rounded()), 1)
            let candle = Candle(time: day, open: openMoney, high: high, low: low, close: closeMoney, volume: volume)
            plans.append(SessionPlan(day: day, sessionsBack: sessionsBack, open: open, close: close, candle: candle))
            close = open * exp(-gap)
        }
        return plans.reversed()
    }

    /// The session as 375 one-minute bars: a Brownian bridge in log price from the planned open to the planned close,
    /// with the planned volume spread over a U-shaped intraday profile (busy open and close, quiet lunch).
    private static func appendMinuteBars(of session: SessionPlan, stock: StockInfo, seed: UInt64,
                                         to bars: inout [Candle]) {
        let minutes = NSESession.minutesPerSession
        let count = Double(minutes)
        var random = SeededGenerator(seed: SeededGenerator.derivedSeed(
            seed, SeededGenerator.label(for: stock.symbol), StreamPurpose.minuteHistory, UInt64(session.sessionsBack)))
        let dailyVariance = stock.annualVolatility * stock.annualVolatility / NSESession.sessionsPerYear
        let minuteVariance = dailyVariance * (1 - overnightVarianceShare) / count
        let minuteSigma = minuteVariance.squareRoot()

        // Free walk first, then pin both ends: subtracting the walk's own end point linearly yields a bridge.
        var walk = [Double](repeating: 0, count: minutes + 1)
        for index in 1...minutes {
            walk[index] = walk[index - 1] + minuteSigma * random.nextStandardNormal()
        }
        let logOpen = log(session.open)
        let logClose = log(session.close)
        var path = [Double](repeating: 0, count: minutes + 1)
        for index in 0...minutes {
            let fraction = Double(index) / count
            path[index] = logOpen + walk[index] - fraction * walk[minutes] + fraction * (logClose - logOpen)
        }
        // The ends are set exactly so the first open and the last close match the daily bar to the paisa.
        var prices = path.map { exp($0) }
        prices[0] = session.open
        prices[minutes] = session.close

        let weights = (0..<minutes).map { index -> Double in
            let fromMiddle = 2 * Double(index) / (count - 1) - 1
            return (1 + 2 * fromMiddle * fromMiddle) * exp(0.5 * random.nextStandardNormal() - 0.125)
        }
        let totalWeight = weights.reduce(0, +)
        let sessionVolume = session.candle.volume

        let sessionStart = session.day.addingTimeInterval(NSESession.openOffsetSeconds)
        var assigned: Int64 = 0
        for index in 0..<minutes {
            let step = path[index + 1] - path[index]
            let upper = brownianMaximum(logReturn: step, variance: minuteVariance, random: &random)
            let lower = brownianMinimum(logReturn: step, variance: minuteVariance, random: &random)
            let open = PriceGrid.money(rupees: prices[index])
            var close = PriceGrid.money(rupees: prices[index + 1])
            if session.sessionsBack == 0 && index == minutes - 1 { close = stock.referencePrice }
            let high = max(PriceGrid.money(rupees: prices[index] * exp(upper)), open, close)
            let low = min(PriceGrid.money(rupees: prices[index] * exp(lower)), open, close)
            var volume = Int64((Double(sessionVolume) * weights[index] / totalWeight).rounded(.down))
            // Flooring leaves a few shares over; the closing minute takes them so minutes sum to the daily volume.
            if index == minutes - 1 { volume = sessionVolume - assigned }
            assigned += volume
            bars.append(Candle(time: sessionStart.addingTimeInterval(Double(index) * 60),
                               open: open, high: high, low: low, close: close, volume: volume))
        }
    }

    /// The highest log excursion above the start of a Brownian path that moved `logReturn` with total `variance`:
    /// an exact draw from the maximum of a Brownian bridge, so ranges are realistic without simulating ticks.
    private static func brownianMaximum(logReturn: Double, variance: Double,
                                        random: inout SeededGenerator) -> Double {
        let spread = logReturn * logReturn - 2 * variance * log(random.nextPositiveUnitInterval())
        return (logReturn + spread.squareRoot()) / 2
    }

    /// The lowest log excursion below the start; the mirror image of `brownianMaximum`.
    private static func brownianMinimum(logReturn: Double, variance: Double,
                                        random: inout SeededGenerator) -> Double {
        let spread = logReturn * logReturn - 2 * variance * log(random.nextPositiveUnitInterval())
        return (logReturn - spread.squareRoot()) / 2
    }
}
