import Foundation
import TradingCore

// `indicator-bench FILE`: the batch form of every indicator over the bars in FILE (written by
// benchmarks/indicators/bench_indicators.py: the bar count as a little-endian Int64, then the open, high, low, close
// and volume columns as little-endian Float64), timed best of three, one line of JSON per indicator on stdout:
// {"name": …, "seconds": …, "checksum": …}. The checksum (the sum of the last values) lets the driver see that the
// work was done and matches TA-Lib's.

guard CommandLine.arguments.count == 2, let data = FileManager.default.contents(atPath: CommandLine.arguments[1]) else {
    FileHandle.standardError.write(Data("usage: indicator-bench FILE\n".utf8))
    exit(2)
}
let count = data.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 0, as: Int64.self)) }
func column(_ index: Int) -> [Double] {
    data.withUnsafeBytes { raw in
        let base = 8 + index * count * 8
        return (0..<count).map { raw.loadUnaligned(fromByteOffset: base + $0 * 8, as: Double.self) }
    }
}
let high = column(1), low = column(2), close = column(3), volume = column(4)

/// Best of three wall-clock runs of `work`, and what the last run returned.
func time(_ work: () -> Double) -> (seconds: Double, checksum: Double) {
    var best = Double.infinity
    var checksum = 0.0
    for _ in 0..<3 {
        let start = ContinuousClock.now
        checksum = work()
        let elapsed = ContinuousClock.now - start
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return (best, checksum)
}

let runs: [(String, () -> Double)] = [
    ("SMA_20", { SMA.values(close, period: 20).values.last! }),
    ("EMA_20", { EMA.values(close, period: 20).values.last! }),
    ("RSI_14", { RSI.values(close, period: 14).values.last! }),
    ("MACD_12_26_9", { let v = MACD.values(close); return v.macd.values.last! + v.signal.values.last! + v.histogram.values.last! }),
    ("BBANDS_20_2", { let v = BollingerBands.values(close); return v.upper.values.last! + v.middle.values.last! + v.lower.values.last! }),
    ("ATR_14", { ATR.values(high: high, low: low, close: close).values.last! }),
    ("STOCH_14_3_3", { let v = Stochastic.values(high: high, low: low, close: close); return v.slowK.values.last! + v.slowD.values.last! }),
    ("ADX_14", { ADX.values(high: high, low: low, close: close).values.last! }),
    ("OBV", { OBV.values(close: close, volume: volume).values.last! }),
]
for (name, work) in runs {
    let (seconds, checksum) = time(work)
    FileHandle.standardOutput.write(Data(#"{"name": "\#(name)", "seconds": \#(seconds), "checksum": \#(checksum)}"#.utf8)
                                    + Data("\n".utf8))
}
