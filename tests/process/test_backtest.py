"""`stockcart backtest` as a user runs it, beside backtrader.

Parity: with `--no-costs` a long-only SMA crossover reproduces backtrader's trades (quantity, dates, prices, P&L)
and its final value and cash to the paisa, on a synthetic series generated here (always) and on every file of the
real NSE history in ../shared/data (skipped, saying so, when it is absent). backtrader runs through
benchmarks/backtest/backtrader_sma.py with cheat_on_open, the convention of ../shared/reference/indicators.md.

Costs: by default the report itemises the Indian delivery charges, and every figure adds up. Bad input: each mistake
is refused with exit status 2 and a message naming what is wrong; `--symbol` reads the stored candles.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import REPO_ROOT, server_env

DATA = REPO_ROOT.parent / "shared" / "data"
REFERENCE = REPO_ROOT / "benchmarks" / "backtest" / "backtrader_sma.py"
PAIRS = [(10, 30), (5, 20), (20, 50)]
START = date(2000, 1, 3)


def real_files() -> list[Path]:
    if not DATA.is_dir():
        return []
    return sorted((DATA / "nse-daily").glob("*.csv")) + sorted((DATA / "nse-intraday").glob("*.csv"))


def synthetic_csv(path: Path, bars: int = 3000, seed: int = 7) -> Path:
    """A random walk on the ₹0.05 grid with daily dates (weekends included: dates need only increase)."""
    rng = random.Random(seed)
    price = 50_000  # paise
    lines = ["date,open,high,low,close,volume"]
    for day in range(bars):
        open_ = max(500, price + rng.randint(-40, 40) * 5)
        close = max(500, open_ + rng.randint(-300, 300) * 5)
        high = max(open_, close) + rng.randint(0, 60) * 5
        low = max(100, min(open_, close) - rng.randint(0, 60) * 5)
        date = START + timedelta(days=day)
        lines.append(f"{date:%Y-%m-%d},{open_ / 100:.2f},{high / 100:.2f},{low / 100:.2f},{close / 100:.2f},"
                     f"{rng.randint(1000, 9000)}")
        price = close
    path.write_text("\n".join(lines) + "\n")
    return path


def ours(binary: Path, csv: Path, *args: str) -> dict:
    result = subprocess.run([str(binary), "backtest", "--csv", str(csv), "--json", *args], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def backtrader(csv: Path, fast: int, slow: int) -> dict:
    result = subprocess.run([sys.executable, str(REFERENCE), "--csv", str(csv), "--fast", str(fast),
                             "--slow", str(slow)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def trade_rows(report: dict) -> list[tuple]:
    return [(t["quantity"], t["entry_date"], round(t["entry_price"], 2), t["exit_date"], round(t["exit_price"], 2),
             round(t["pnl"], 2)) for t in report["trades"]]


def assert_same(mine: dict, theirs: dict, label: str) -> None:
    assert trade_rows(mine) == trade_rows(theirs), f"{label}: trades differ"
    assert round(mine["final_value"], 2) == round(theirs["final_value"], 2), f"{label}: final value"
    assert round(mine["cash"], 2) == round(theirs["cash"], 2), f"{label}: cash"
    if theirs["open_position"] is None:
        assert mine["open_position"] is None, label
    else:
        position = mine["open_position"]
        assert (position["quantity"], position["entry_date"], round(position["entry_price"], 2)) == (
            theirs["open_position"]["quantity"], theirs["open_position"]["entry_date"],
            round(theirs["open_position"]["entry_price"], 2)), label


@pytest.mark.parametrize("fast,slow", PAIRS)
def test_sma_cross_matches_backtrader_on_a_synthetic_series(stockcart_bin, tmp_path, fast, slow):
    csv = synthetic_csv(tmp_path / "WALK.csv")
    mine = ours(stockcart_bin, csv, "--strategy", "sma-cross", "--fast", str(fast), "--slow", str(slow),
                "--cash", "1000000", "--no-costs")
    theirs = backtrader(csv, fast, slow)
    assert len(theirs["trades"]) > 20, "the walk crosses often enough to test something"
    assert_same(mine, theirs, f"synthetic {fast}/{slow}")


@pytest.mark.skipif(not real_files(), reason="../shared/data is absent: the real-history parity check is skipped")
@pytest.mark.parametrize("path", real_files(), ids=lambda p: p.stem)
def test_sma_cross_matches_backtrader_on_real_history(stockcart_bin, path):
    for fast, slow in PAIRS:
        assert_same(ours(stockcart_bin, path, "--fast", str(fast), "--slow", str(slow), "--no-costs"),
                    backtrader(path, fast, slow), f"{path.stem} {fast}/{slow}")


def test_costs_are_itemised_and_add_up(stockcart_bin, tmp_path):
    csv = synthetic_csv(tmp_path / "WALK.csv")
    free = ours(stockcart_bin, csv, "--no-costs")
    paid = ours(stockcart_bin, csv)
    assert paid["costs"] is True and free["costs"] is False
    assert all(value == 0 for value in free["charges"].values())
    charges = paid["charges"]
    parts = ["brokerage", "stt", "exchange", "sebi", "stamp_duty", "gst"]
    assert all(charges[name] > 0 for name in parts)
    assert round(sum(charges[name] for name in parts), 2) == charges["total"]
    # Every trade's net P&L is its gross less both legs' charges; brokerage is ₹20 a leg.
    for trade in paid["trades"]:
        assert round(trade["gross_pnl"] - trade["charges"], 2) == trade["pnl"]
        assert trade["charges"] > 40
    assert charges["brokerage"] == 20 * (2 * len(paid["trades"]) + (1 if paid["open_position"] else 0))
    # Cash and the open position make the final value; costs leave less than no costs on the same signals.
    position = paid["open_position"]
    assert round(paid["cash"] + (position["market_value"] if position else 0), 2) == paid["final_value"]
    assert paid["final_value"] < free["final_value"]
    assert paid["metrics"]["trades"] == len(paid["trades"])
    assert paid["equity"][0]["equity"] == 1_000_000 and paid["equity"][-1]["equity"] == paid["final_value"]


def test_every_strategy_kind_runs_and_reports(stockcart_bin, tmp_path):
    csv = synthetic_csv(tmp_path / "WALK.csv")
    for kind in ["sma-cross", "ema-cross", "rsi", "macd-cross", "bollinger-breakout", "bollinger-reversion"]:
        report = ours(stockcart_bin, csv, "--strategy", kind, "--stop-loss", "5", "--trailing-stop", "8")
        assert report["strategy"]["kind"] == kind
        assert report["decisions"]["signals"] > 0, kind
        assert report["metrics"]["trades"] == len(report["trades"]), kind
        assert {t["exit_reason"] for t in report["trades"]} <= {"signal", "stop_loss", "trailing_stop"}, kind


def run_refused(binary: Path, *args: str, env: dict | None = None) -> str:
    result = subprocess.run([str(binary), "backtest", *args], capture_output=True, text=True, timeout=120, env=env,
                            cwd=REPO_ROOT)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert result.stdout == "", "nothing is reported for a refused run"
    return result.stderr


def test_bad_input_is_refused_naming_what_is_wrong(stockcart_bin, tmp_path):
    csv = synthetic_csv(tmp_path / "WALK.csv", bars=200)
    cases = {
        ("--strategy", "momentum"): "strategy: unknown strategy 'momentum'",
        ("--fast", "30", "--slow", "10"): "parameters.fast: fast (30) must be below slow (10)",
        ("--fast", "0"): "parameters.fast: fast must be a whole number of bars from 1 to 1000",
        ("--fast", "2.5"): "parameters.fast: fast must be a whole number",
        ("--period", "14"): "parameters.period: sma-cross has no parameter period",
        ("--strategy", "rsi", "--oversold", "120"): "parameters.oversold: oversold must be from 0 to 100",
        ("--strategy", "rsi", "--oversold", "80", "--overbought", "70"): "oversold (80) must be below overbought",
        ("--strategy", "bollinger-breakout", "--deviations", "0"): "parameters.deviations",
        ("--stop-loss", "150"): "exits.stop_loss_percent: stop_loss_percent must be above 0 and below 100",
        ("--sizing", "percent:250"): "sizing: sizing must be percent:P",
        ("--cash=-5",): "cash: cash must be a positive amount",
        ("--cash", "0"): "cash: cash must be a positive amount",
        ("--cash", "100.123"): "cash: cash must be a positive amount with at most two decimals",
    }
    for args, expected in cases.items():
        assert expected in run_refused(stockcart_bin, "--csv", str(csv), *args), args
    assert "cannot be read" in run_refused(stockcart_bin, "--csv", str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("date,open,high,low,close,volume\n2024-02-01,10,11,9,10.5,100\n2024-02-02,10,11,9,ten,100\n")
    assert "line 3" in run_refused(stockcart_bin, "--csv", str(bad))
    assert "give --csv FILE or --symbol SYMBOL" in run_refused(stockcart_bin)


def test_symbol_reads_the_stored_candles(stockcart_bin, tmp_path):
    data_dir = tmp_path / "data"
    env = server_env(data_dir)
    missing = run_refused(stockcart_bin, "--symbol", "INFY", env=env)
    assert "INFY has no stored 1d bars" in missing and "import-candles" in missing
    assert "catalogue" in run_refused(stockcart_bin, "--symbol", "NOTASTOCK", env=env)
    csv = synthetic_csv(tmp_path / "INFY.csv", bars=600)
    imported = subprocess.run([str(stockcart_bin), "import-candles", "--symbol", "INFY", "--csv", str(csv)],
                              capture_output=True, text=True, timeout=120, env=env, cwd=REPO_ROOT)
    assert imported.returncode == 0, imported.stderr
    stored = subprocess.run([str(stockcart_bin), "backtest", "--symbol", "infy", "--json", "--no-costs"],
                            capture_output=True, text=True, timeout=120, env=env, cwd=REPO_ROOT)
    assert stored.returncode == 0, stored.stderr
    from_store, from_file = json.loads(stored.stdout), ours(stockcart_bin, csv, "--no-costs")
    assert from_store["symbol"] == "INFY" and from_store["bars"] == from_file["bars"]
    assert trade_rows(from_store) == trade_rows(from_file)
    assert from_store["final_value"] == from_file["final_value"]


def test_the_readable_report_names_the_figures(stockcart_bin, tmp_path):
    csv = synthetic_csv(tmp_path / "WALK.csv", bars=400)
    result = subprocess.run([str(stockcart_bin), "backtest", "--csv", str(csv)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    for text in ["SMA(10, 30) cross on WALK", "Starting cash", "Final value", "Charges: brokerage", "Win rate",
                 "Max drawdown", "Sharpe / Sortino"]:
        assert text in result.stdout
