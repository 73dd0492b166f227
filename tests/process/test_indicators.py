"""`stockcart indicators` and `stockcart import-candles` as a user runs them.

Indicators: on the real NSE history in ../shared/data (daily files, and the intraday one), every series of
`stockcart indicators --csv FILE --json` agrees with TA-Lib (the PyPI wheel) to 1e-9 relative wherever TA-Lib has a
value, and is null exactly where TA-Lib has none. Skipped, saying so, when ../shared/data is absent.

Import: a file is imported once however often it is run, and a malformed one is refused with its line number,
storing nothing.
"""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest
import talib

from conftest import REPO_ROOT, server_env

DATA = REPO_ROOT.parent / "shared" / "data"


def real_files() -> list[Path]:
    if not DATA.is_dir():
        return []
    return sorted((DATA / "nse-daily").glob("*.csv")) + sorted((DATA / "nse-intraday").glob("*.csv"))


def columns(path: Path) -> dict[str, np.ndarray]:
    lines = path.read_text().strip().splitlines()[1:]
    rows = [line.split(",") for line in lines]
    return {name: np.array([float(row[index]) for row in rows])
            for index, name in enumerate(["open", "high", "low", "close", "volume"], start=1)}


def talib_series(path: Path) -> dict:
    c = columns(path)
    h, l, cl, v = c["high"], c["low"], c["close"], c["volume"]
    macd, signal, hist = talib.MACD(cl, 12, 26, 9)
    upper, middle, lower = talib.BBANDS(cl, 20, 2, 2, 0)
    slowk, slowd = talib.STOCH(h, l, cl, 14, 3, 0, 3, 0)
    return {"SMA_20": talib.SMA(cl, 20), "EMA_20": talib.EMA(cl, 20), "RSI_14": talib.RSI(cl, 14),
            "MACD_12_26_9": {"macd": macd, "signal": signal, "hist": hist},
            "BBANDS_20_2": {"upper": upper, "middle": middle, "lower": lower},
            "ATR_14": talib.ATR(h, l, cl, 14), "STOCH_14_3_3": {"slowk": slowk, "slowd": slowd},
            "ADX_14": talib.ADX(h, l, cl, 14), "OBV": talib.OBV(cl, v)}


def disagreements(ours: list, theirs: np.ndarray) -> list[int]:
    assert len(ours) == len(theirs)
    bad = []
    for index, (a, b) in enumerate(zip(ours, theirs)):
        if math.isnan(b):
            if a is not None:
                bad.append(index)
        elif a is None or abs(a - b) > 1e-9 * max(abs(a), abs(b), 1):
            bad.append(index)
    return bad


@pytest.mark.parametrize("path", real_files() or [pytest.param(None, marks=pytest.mark.skip(
    reason=f"{DATA} is absent: the real-history comparison with TA-Lib needs ../shared/data"))],
    ids=lambda p: p.name if p else "no-data")
def test_every_series_agrees_with_talib_on_real_history(stockcart_bin, path):
    result = subprocess.run([str(stockcart_bin), "indicators", "--csv", str(path), "--json"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    expected = talib_series(path)
    assert report["rows"] == len(expected["OBV"])
    assert set(report["series"]) == set(expected)
    for name, values in expected.items():
        if isinstance(values, dict):
            assert set(report["series"][name]) == set(values), name
            for part, column in values.items():
                assert disagreements(report["series"][name][part], column) == [], f"{name}.{part}"
        else:
            assert disagreements(report["series"][name], values) == [], name


def stored_bars(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "stockcart.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM candles").fetchone()[0]


def import_candles(binary: Path, data_dir: Path, symbol: str, csv: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), "import-candles", "--symbol", symbol, "--csv", str(csv)], capture_output=True,
                          text=True, timeout=120, env=server_env(data_dir), cwd=REPO_ROOT)


def test_import_is_idempotent_and_a_malformed_file_is_refused_whole(stockcart_bin, tmp_path):
    data_dir = tmp_path / "data"
    good = tmp_path / "infy.csv"
    good.write_text("date,open,high,low,close,volume\n2024-01-01,1500.5,1510,1490.25,1505.05,100000\n"
                    "2024-01-02,1505,1520,1500,1519.95,120000\n2024-01-03,1519.95,1525.5,1511,1512.4,90000\n")
    first = import_candles(stockcart_bin, data_dir, "INFY", good)
    assert first.returncode == 0, first.stderr
    assert "imported 3 1d bars of INFY" in first.stdout
    again = import_candles(stockcart_bin, data_dir, "infy", good)
    assert again.returncode == 0, again.stderr
    assert stored_bars(data_dir) == 3, "importing twice changes nothing"

    bad = tmp_path / "bad.csv"
    bad.write_text("date,open,high,low,close,volume\n2024-02-01,10,11,9,10.5,100\n2024-02-02,10,11,9,ten,100\n")
    refused = import_candles(stockcart_bin, data_dir, "INFY", bad)
    assert refused.returncode == 2
    assert "line 3" in refused.stderr and "close 'ten'" in refused.stderr and "nothing was imported" in refused.stderr
    assert stored_bars(data_dir) == 3, "not even the good first row of a bad file is stored"

    unknown = import_candles(stockcart_bin, data_dir, "NOTASTOCK", good)
    assert unknown.returncode == 2 and "catalogue" in unknown.stderr
