import Engine
import Foundation
import TradingCore

// `backtest-bench --csv FILE [--repeat N] [--fast F --slow S]`: the SMA-crossover backtest through the real
// `Backtester` (trading desk, risk check, paper broker, ledger), no costs, 100% of equity, over the bars of FILE and
// over those bars repeated N times end to end (dates shifted by the file's span at each repetition, so the series
// runs on), each timed best of three. Prints one line of JSON per run: {"bars", "seconds", "bars_per_second",
// "trades", "final_value"}. Parsing the file is not timed (backtrader's figure is its cerebro.run() alone too).

func option(_ name: String) -> String? {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else {
        return nil
    }
    return CommandLine.arguments[index + 1]
}

guard let path = option("--csv"), let data = FileManager.default.contents(atPath: path) else {
    FileHandle.standardError.write(Data("usage: backtest-bench --csv FILE [--repeat N] [--fast F --slow S]\n".utf8))
    exit(2)
}
let repeats = option("--repeat").flatMap(Int.init) ?? 1
let fast = option("--fast").flatMap(Int.init) ?? 10
let slow = option("--slow").flatMap(Int.init) ?? 30
let parsed: CandleCSV.Parsed
do {
    parsed = try CandleCSV.parse(String(decoding: data, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("backtest-bench: \(error.description)\n".utf8))
    exit(2)
}

let plan = StrategyPlan(id: StrategyID(UUID()), name: "bench", recipe: .smaCross(fast: fast, slow: slow),
                        timeframe: parsed.interval, watchlist: [], sizing: .percentOfEquity(100))
let backtester = Backtester(plan: plan, settings: BacktestSettings(cash: Money(paise: 1_000_000_00), charges: nil))

func measure(_ bars: [Candle]) {
    var best = Double.infinity
    var report: BacktestReport?
    for _ in 0..<3 {
        let start = ContinuousClock.now
        report = backtester.run(symbol: "BENCH", bars: bars)
        let elapsed = ContinuousClock.now - start
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    let line: [String: Any] = ["bars": bars.count, "seconds": best, "bars_per_second": Double(bars.count) / best,
                               "trades": report!.trades.count, "final_value": report!.finalValue.rupeesDouble]
    let json = try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
    FileHandle.standardOutput.write(json + Data("\n".utf8))
}

measure(parsed.candles)
if repeats > 1, let first = parsed.candles.first, let last = parsed.candles.last {
    let span = last.time.timeIntervalSince(first.time) + TimeInterval(parsed.interval.seconds)
    var tiled: [Candle] = []
    tiled.reserveCapacity(parsed.candles.count * repeats)
    for round in 0..<repeats {
        let shift = span * Double(round)
        for var bar in parsed.candles {
            bar.time += shift
            tiled.append(bar)
        }
    }
    measure(tiled)
}
