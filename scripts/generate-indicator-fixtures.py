#!/usr/bin/env python3
"""Writes Tests/TradingCoreTests/Fixtures/indicators.json: a seeded synthetic OHLCV series and what TA-Lib (the PyPI
wheel, which bundles the C library) computes over it for every indicator StockCart implements, null where TA-Lib gives
no value. The series is made up (a random walk with flat stretches and gaps, so zero ranges and equal closes occur),
so the fixture is ours to commit; the real NSE history in ../shared/data is compared at test time instead.

    pip install TA-Lib==0.8.2 numpy && python3 scripts/generate-indicator-fixtures.py
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import talib

OUT = Path(__file__).resolve().parents[1] / "Tests" / "TradingCoreTests" / "Fixtures" / "indicators.json"


def series(count: int = 600, seed: int = 20261130) -> dict[str, list[float]]:
    rng = random.Random(seed)
    price = 1500.0
    rows = {"open": [], "high": [], "low": [], "close": [], "volume": []}
    for index in range(count):
        if 200 <= index < 215:  # a flat stretch: no range, no change
            o = h = l = c = price
            v = 0.0 if index % 2 else 1000.0
        else:
            o = round(price + rng.gauss(0, 4), 2)
            c = round(o + rng.gauss(0, 12), 2)
            h = round(max(o, c) + abs(rng.gauss(0, 6)), 2)
            l = round(min(o, c) - abs(rng.gauss(0, 6)), 2)
            v = float(rng.randint(10_000, 2_000_000))
            price = c
        rows["open"].append(o)
        rows["high"].append(h)
        rows["low"].append(l)
        rows["close"].append(c)
        rows["volume"].append(v)
    return rows


def listed(values) -> list:
    return [None if math.isnan(x) else float(x) for x in values]


def main() -> None:
    rows = series()
    o, h, l, c, v = (np.array(rows[k], dtype=float) for k in ("open", "high", "low", "close", "volume"))
    macd, signal, hist = talib.MACD(c, 12, 26, 9)
    upper, middle, lower = talib.BBANDS(c, 20, 2, 2, 0)
    slowk, slowd = talib.STOCH(h, l, c, 14, 3, 0, 3, 0)
    out = {
        "talib": talib.__version__,
        "bars": rows,
        "series": {
            "SMA_20": listed(talib.SMA(c, 20)),
            "EMA_20": listed(talib.EMA(c, 20)),
            "RSI_14": listed(talib.RSI(c, 14)),
            "MACD_12_26_9": {"macd": listed(macd), "signal": listed(signal), "hist": listed(hist)},
            "BBANDS_20_2": {"upper": listed(upper), "middle": listed(middle), "lower": listed(lower)},
            "ATR_14": listed(talib.ATR(h, l, c, 14)),
            "STOCH_14_3_3": {"slowk": listed(slowk), "slowd": listed(slowd)},
            "ADX_14": listed(talib.ADX(h, l, c, 14)),
            "OBV": listed(talib.OBV(c, v)),
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({len(rows['close'])} bars, TA-Lib {talib.__version__})")


if __name__ == "__main__":
    main()
