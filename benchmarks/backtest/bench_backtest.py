#!/usr/bin/env python3
"""`make bench-backtest`: the SMA(10, 30) crossover backtest through StockCart's real engine beside backtrader on
the same file, in the same run.

Writes a seeded random walk of BARS daily bars (default 200,000) as a CSV, runs backtrader over it
(backtrader_sma.py: cheat_on_open, no costs; its cerebro.run() timed once, as it is slow), then `backtest-bench` over
the same file and over the file repeated REPEAT times (default 50: 10,000,000 bars), each best of three. Checks that
both engines made the same trades and final value on the shared file, then prints bars per second and the targets:
at least 10,000,000 bars/s over the long run, and at least 100x backtrader's bars/s on the shared file: PASS or FAIL.

    make bench-backtest
    python3 benchmarks/backtest/bench_backtest.py --bars 50000 --repeat 20
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_BARS_PER_SECOND = 10_000_000
TARGET_RATIO = 100


def write_walk(path: Path, count: int, seed: int = 20261130) -> None:
    """Daily bars on the ₹0.05 grid: a log-price random walk (1.5% a day) pulled gently back towards ₹1,500, so
    the series neither dies nor explodes however long it runs."""
    rng = random.Random(seed)
    anchor = math.log(1500)
    level = anchor
    start = date(1900, 1, 1)

    def tick(rupees: float) -> int:
        return max(5, round(rupees * 20)) * 5  # paise, a multiple of 5

    with path.open("w") as out:
        out.write("date,open,high,low,close,volume\n")
        for day in range(count):
            open_ = tick(math.exp(level + rng.gauss(0, 0.003)))
            level += rng.gauss(0, 0.015) + 0.002 * (anchor - level)
            close = tick(math.exp(level))
            high = max(open_, close) + tick(abs(rng.gauss(0, 5)))
            low = max(5, min(open_, close) - tick(abs(rng.gauss(0, 5))))
            out.write(f"{start + timedelta(days=day):%Y-%m-%d},{open_ / 100:.2f},{high / 100:.2f},"
                      f"{low / 100:.2f},{close / 100:.2f},{rng.randint(1000, 900000)}\n")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--binary", default=".build/release/backtest-bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "walk.csv"
        write_walk(csv, args.bars)
        reference = json.loads(subprocess.run([sys.executable, str(HERE / "backtrader_sma.py"), "--csv", str(csv)],
                                              check=True, capture_output=True, text=True).stdout)
        runs = [json.loads(line) for line in subprocess.run(
            [args.binary, "--csv", str(csv), "--repeat", str(args.repeat)], check=True, capture_output=True,
            text=True).stdout.splitlines()]
    same, long = runs[0], runs[-1]
    agree = (same["trades"] == len(reference["trades"]) + (0 if reference["open_position"] is None else 0)
             and round(same["final_value"], 2) == round(reference["final_value"], 2))
    ratio = same["bars_per_second"] / reference["bars_per_second"]
    print(f"SMA(10, 30) crossover, no costs, 100% of equity; {args.bars:,} bars shared, {long['bars']:,} in the long run")
    print(f"  backtrader 1.9.78.123 (cheat_on_open)  {args.bars:>12,} bars  {reference['seconds']:8.3f} s  "
          f"{reference['bars_per_second']:>14,.0f} bars/s  {len(reference['trades'])} trades")
    print(f"  StockCart, same file                   {same['bars']:>12,} bars  {same['seconds']:8.4f} s  "
          f"{same['bars_per_second']:>14,.0f} bars/s  {same['trades']} trades")
    print(f"  StockCart, file x{args.repeat:<4}                  {long['bars']:>12,} bars  {long['seconds']:8.4f} s  "
          f"{long['bars_per_second']:>14,.0f} bars/s  {long['trades']} trades")
    print(f"  same trades and final value as backtrader: {'yes' if agree else 'NO'} "
          f"(final value {same['final_value']:,.2f} vs {reference['final_value']:,.2f})")
    speed_ok = long["bars_per_second"] >= TARGET_BARS_PER_SECOND
    ratio_ok = ratio >= TARGET_RATIO
    print(f"target: >= {TARGET_BARS_PER_SECOND:,} bars/s: {long['bars_per_second']:,.0f}  "
          f"{'PASS' if speed_ok else 'FAIL'}")
    print(f"target: >= {TARGET_RATIO}x backtrader: {ratio:,.0f}x  {'PASS' if ratio_ok else 'FAIL'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
