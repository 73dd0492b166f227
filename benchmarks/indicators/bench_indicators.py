#!/usr/bin/env python3
"""`make bench-indicators`: StockCart's indicators (batch form, release build) beside TA-Lib called from Python on
the same bars, in the same run.

Writes a seeded random-walk series of BARS bars (default 10,000,000) to a file, times each TA-Lib function over it
(best of three, numpy arrays in, as a Python user calls them), runs `indicator-bench` on the same file, checks that
both computed the same last values, and prints each indicator's times and ratio and the total ratio against the target
(StockCart within 1.5x of TA-Lib's total, or faster): PASS or FAIL.

    make bench-indicators                 # 10,000,000 bars
    python3 benchmarks/indicators/bench_indicators.py --bars 1000000 --binary .build/release/indicator-bench
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import talib

TARGET = 1.5


def bars(count: int, seed: int = 20261130) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    close = np.round(1500 + np.cumsum(rng.normal(0, 2, count)), 2)
    close = np.maximum(close, 1.0)
    open_ = np.round(close + rng.normal(0, 1, count), 2)
    high = np.round(np.maximum(open_, close) + np.abs(rng.normal(0, 1.5, count)), 2)
    low = np.round(np.minimum(open_, close) - np.abs(rng.normal(0, 1.5, count)), 2)
    volume = rng.integers(1_000, 1_000_000, count).astype(np.float64)
    return {"open": open_, "high": high, "low": low, "close": close, "volume": volume}


def talib_runs(b: dict[str, np.ndarray]) -> list[tuple[str, callable]]:
    h, l, c, v = b["high"], b["low"], b["close"], b["volume"]

    def last(*arrays):
        return float(sum(array[-1] for array in arrays))

    return [
        ("SMA_20", lambda: last(talib.SMA(c, 20))),
        ("EMA_20", lambda: last(talib.EMA(c, 20))),
        ("RSI_14", lambda: last(talib.RSI(c, 14))),
        ("MACD_12_26_9", lambda: last(*talib.MACD(c, 12, 26, 9))),
        ("BBANDS_20_2", lambda: last(*talib.BBANDS(c, 20, 2, 2, 0))),
        ("ATR_14", lambda: last(talib.ATR(h, l, c, 14))),
        ("STOCH_14_3_3", lambda: last(*talib.STOCH(h, l, c, 14, 3, 0, 3, 0))),
        ("ADX_14", lambda: last(talib.ADX(h, l, c, 14))),
        ("OBV", lambda: last(talib.OBV(c, v))),
    ]


def best_of_three(work) -> tuple[float, float]:
    best, checksum = float("inf"), 0.0
    for _ in range(3):
        start = time.perf_counter()
        checksum = work()
        best = min(best, time.perf_counter() - start)
    return best, checksum


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=10_000_000)
    parser.add_argument("--binary", default=".build/release/indicator-bench")
    args = parser.parse_args()

    data = bars(args.bars)
    with tempfile.NamedTemporaryFile(suffix=".f64", delete=False) as handle:
        handle.write(struct.pack("<q", args.bars))
        for name in ("open", "high", "low", "close", "volume"):
            handle.write(data[name].astype("<f8").tobytes())
        path = handle.name
    try:
        reference = {name: best_of_three(work) for name, work in talib_runs(data)}
        result = subprocess.run([args.binary, path], capture_output=True, text=True, check=True)
        ours = {row["name"]: (row["seconds"], row["checksum"])
                for row in map(json.loads, result.stdout.strip().splitlines())}
    finally:
        os.unlink(path)

    print(f"Indicators over {args.bars:,} bars, batch form, best of 3 (TA-Lib {talib.__version__} from Python "
          f"with numpy arrays, beside StockCart's release build, same bars, same run)")
    print(f"  {'indicator':<14} {'TA-Lib s':>10} {'StockCart s':>12} {'ratio':>7}  same last values")
    total_ref = total_ours = 0.0
    all_same = True
    for name, (ref_seconds, ref_sum) in reference.items():
        our_seconds, our_sum = ours[name]
        same = abs(our_sum - ref_sum) <= 1e-9 * max(abs(ref_sum), 1)
        all_same &= same
        total_ref += ref_seconds
        total_ours += our_seconds
        print(f"  {name:<14} {ref_seconds:>10.4f} {our_seconds:>12.4f} {our_seconds / ref_seconds:>6.2f}x  "
              f"{'yes' if same else f'NO ({our_sum} vs {ref_sum})'}")
    ratio = total_ours / total_ref
    verdict = "PASS" if ratio <= TARGET and all_same else "FAIL"
    print(f"  {'total':<14} {total_ref:>10.4f} {total_ours:>12.4f} {ratio:>6.2f}x")
    print(f"target: StockCart's total within {TARGET}x of TA-Lib's (or faster), same values: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
