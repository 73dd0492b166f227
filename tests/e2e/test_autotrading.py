"""Auto-trading in the browser: a strategy created on the strategies page (the API's refusal shown next to the
parameter it names), the auto-trader started, a live signal listed as the socket pushes it, the kill switch tripped
through its confirmation and re-armed; a backtest over imported history with its progress, equity curve, trades
marked on the price chart, metrics, charges and trades; the stock chart's indicator menu (panes, remembered choice);
and the four pages at phone size. Screenshots go to tests/output/screenshots/ with the others.

What the server is assumed to do is the contract of docs/api.md ("Auto-trading"): the simulated market at
SIM_TICK_MS=250 closes a 1-minute bar every minute of wall time and has eight sessions of 1-minute history, so an SMA
2/3 crossover on ten stocks signals within a few bar closes; and a backtest reads the candle store, which
`stockcart import-candles` fills before the server starts.
"""

from __future__ import annotations

import math
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

from selenium.webdriver.support.ui import Select

from helpers import REPO_ROOT, Api, server_env
from ui import rupees, unique_email, wait_until

WATCHLIST = ["RELIANCE", "TCS", "INFY", "HDFCBANK", "ICICIBANK", "ITC", "SBIN", "LT", "AXISBANK", "WIPRO"]
SIGNAL_TIMEOUT = 240.0   # bar closes come once a minute of wall time; a crossover on one of ten stocks within four
BACKTEST_SYMBOL = "INFY"


def network_error(path: str, status: int) -> re.Pattern:
    """The console line Chromium writes for a fetch answered with an HTTP error status (not an app error)."""
    return re.compile(rf"{re.escape(path)}\S* - Failed to load resource: the server responded with a status of {status}\b")


def assert_fits(b, page: str) -> None:
    overflow = b.horizontal_overflow()
    assert overflow is None, f"{page}: the page scrolls sideways: {overflow}"
    unnamed = b.unnamed_controls()
    assert unnamed == [], f"{page}: controls without an accessible name: {unnamed}"


def signals_of(answer) -> list[dict]:
    """GET /api/signals is paged like the orders ({"signals": [...], "next_after": …})."""
    return answer["signals"] if isinstance(answer, dict) else answer


def param_values(b) -> dict[str, str]:
    return b.js("""return Object.fromEntries([...document.querySelectorAll('.strategy-form .param-grid input')]
                   .map((input) => [input.name, input.value]))""")


# ---- strategies, the auto-trader, signals and the kill switch --------------------------------------------------------

def test_strategy_signal_and_kill_switch(live_server, browser, allow_console):
    allow_console.append(network_error("/api/strategies", 422))  # fast above slow, refused on purpose below
    b = browser()
    b.sign_up(live_server.base_url, unique_email("auto"))
    api = Api(live_server.base_url, b.token())

    # The parameter inputs follow the kind, prefilled with its defaults.
    b.go("/strategies")
    b.find("form.strategy-form")
    assert param_values(b) == {"fast": "10", "slow": "30"}
    Select(b.find('select[name="kind"]')).select_by_value("rsi")
    b.wait(lambda d: param_values(b) == {"period": "14", "oversold": "30", "overbought": "70"}, "the RSI parameters")
    Select(b.find('select[name="kind"]')).select_by_value("macd-cross")
    b.wait(lambda d: param_values(b) == {"fast": "12", "slow": "26", "signal": "9"}, "the MACD parameters")
    Select(b.find('select[name="kind"]')).select_by_value("sma-cross")
    b.wait(lambda d: param_values(b) == {"fast": "10", "slow": "30"}, "the SMA parameters again")
    assert_fits(b, "strategies")

    # A fast period above the slow one: the server's reason next to the fast period, focus there, nothing stored.
    b.type('input[name="name"]', "E2E fast SMA")
    b.type('input[name="fast"]', "3")
    b.type('input[name="slow"]', "2")
    Select(b.find('select[name="timeframe"]')).select_by_value("1m")
    b.type('input[name="watchlist"]', ", ".join(WATCHLIST))
    Select(b.find('select[name="sizing_type"]')).select_by_value("fixed_quantity")
    b.type('input[name="quantity"]', "1")
    b.click('form.strategy-form button[type="submit"]')
    message = b.wait_text('[data-field="fast"] .field-error', bool, "the fast period's error")
    assert "slow" in message.lower(), message
    fast = b.find('input[name="fast"]')
    assert fast.get_attribute("aria-invalid") == "true"
    assert b.active_element() == fast, "focus should move to the field at fault"
    assert api.get("/api/strategies")["strategies"] == []
    b.screenshot("strategies-validation")

    # Corrected: created (enabled, as the form's checkbox says) and listed.
    b.type('input[name="fast"]', "2")
    b.type('input[name="slow"]', "3")
    b.wait(lambda d: b.find('input[name="fast"]').get_attribute("aria-invalid") is None, "the error to clear")
    b.click('form.strategy-form button[type="submit"]')
    row = ".strategies-table tr[data-strategy-id]"
    b.wait(lambda d: b.count(row) == 1, "the strategy in the list")
    assert b.find(row).get_attribute("data-enabled") == "true"
    assert "E2E fast SMA" in b.find(row).text
    stored = api.get("/api/strategies")["strategies"]
    assert len(stored) == 1, stored
    strategy = stored[0]
    assert strategy["name"] == "E2E fast SMA" and strategy["kind"] == "sma-cross", strategy
    assert strategy["parameters"] == {"fast": 2, "slow": 3}, strategy
    assert strategy["timeframe"] == "1m" and strategy["watchlist"] == WATCHLIST, strategy
    assert strategy["sizing"]["type"] == "fixed_quantity" and strategy["sizing"]["quantity"] == 1, strategy
    assert strategy["mode"] == "paper" and strategy["enabled"] is True, strategy
    b.screenshot("strategies")

    # Start the auto-trader.
    b.go("/autotrader")
    page = "section.autotrader"
    b.wait(lambda d: b.find(page).get_attribute("data-state") == "stopped", "the auto-trader, stopped")
    assert b.find(page).get_attribute("data-tripped") == "false"
    assert "1 enabled strategy" in b.text(".at-summary")
    assert_fits(b, "autotrader")
    b.click('[data-action="start"]')
    b.wait(lambda d: b.find(page).get_attribute("data-state") == "running", "the auto-trader to run")
    assert b.text('[data-testid="autotrader-state"]').lower() == "running"
    assert api.get("/api/autotrader")["state"] == "running"

    # A signal arrives on the socket and is listed with its risk decision.
    signal_row = ".signals-table tbody tr[data-signal-id]"
    b.wait(lambda d: b.count(signal_row) >= 1, "a signal from the strategy", timeout=SIGNAL_TIMEOUT)
    shown = b.find(signal_row)
    signal_id = shown.get_attribute("data-signal-id")
    assert shown.get_attribute("data-symbol") in WATCHLIST
    assert shown.get_attribute("data-side") in ("BUY", "SELL")
    listed = wait_until(lambda: [s for s in signals_of(api.get("/api/signals")) if s["id"] == signal_id],
                        "the signal in GET /api/signals")
    assert listed[0]["strategy_id"] == strategy["id"], listed
    assert "E2E fast SMA" in shown.text
    if listed[0].get("risk"):
        assert shown.get_attribute("data-outcome") == listed[0]["risk"]["outcome"]
    b.screenshot("autotrader-running")

    # The kill switch: a confirmation that starts on Cancel and asks what to square off.
    b.click('[data-action="kill"]')
    b.find("dialog[open]")
    assert b.active_element().get_attribute("data-action") == "cancel", "the confirmation should start on Cancel"
    b.click('dialog[open] label.choice[data-value="autotrader"]')
    assert b.js("return document.querySelector('dialog[open] input[value=autotrader]').checked") is True
    b.screenshot("autotrader-kill-dialog")
    b.click('dialog[open] button[data-action="confirm"]')
    b.wait(lambda d: b.count("dialog[open]") == 0, "the dialog to close")
    b.wait(lambda d: b.find(page).get_attribute("data-tripped") == "true", "the tripped state")
    assert b.find(".kill-banner").is_displayed()
    assert b.text('[data-testid="kill-reason"]').strip(), "the kill switch's reason should be shown"
    assert b.find(page).get_attribute("data-state") == "stopped"
    assert b.find('[data-action="start"]').get_attribute("disabled") is not None, "Start must wait for a re-arm"
    state = api.get("/api/autotrader")
    assert state["kill_switch"]["tripped"] is True and state["state"] == "stopped", state
    b.screenshot("autotrader-tripped")

    # Re-arm: buys allowed again, still stopped.
    b.click('.kill-banner [data-action="rearm"]')
    b.wait(lambda d: b.find(page, visible=False).get_attribute("data-tripped") == "false", "the re-armed state")
    assert not b.find(".kill-banner", visible=False).is_displayed()
    state = api.get("/api/autotrader")
    assert state["kill_switch"]["tripped"] is False and state["state"] == "stopped", state


# ---- backtests ----------------------------------------------------------------------------------------------------------

def history_csv(path: Path, bars: int = 400) -> Path:
    """Daily bars of two waves on the ₹0.05 grid: an SMA 10/30 crossover trades several times over them."""
    def tick(value: float) -> float:
        return round(value * 20) / 20

    lines = ["date,open,high,low,close,volume"]
    start = date(2023, 1, 2)
    previous = 1500.0
    for day in range(bars):
        close = tick(1500 + 150 * math.sin(2 * math.pi * day / 50) + 20 * math.sin(2 * math.pi * day / 7))
        open_ = tick(previous)
        high, low = tick(max(open_, close) + 6), tick(min(open_, close) - 6)
        lines.append(f"{start + timedelta(days=day):%Y-%m-%d},{open_:.2f},{high:.2f},{low:.2f},{close:.2f},{50000 + day * 10}")
        previous = close
    path.write_text("\n".join(lines) + "\n")
    return path


def test_backtest_over_imported_history(server_factory, stockcart_bin, browser, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    imported = subprocess.run(
        [str(stockcart_bin), "import-candles", "--symbol", BACKTEST_SYMBOL, "--csv", str(history_csv(tmp_path / "infy.csv"))],
        capture_output=True, text=True, timeout=120, env=server_env(data_dir), cwd=REPO_ROOT)
    assert imported.returncode == 0, imported.stderr
    server = server_factory.start(data_dir=data_dir, SIM_TICK_MS="250", LOG_LEVEL="info")

    b = browser()
    b.sign_up(server.base_url, unique_email("backtest"))
    api = Api(server.base_url, b.token())
    b.go("/backtest")
    b.wait(lambda d: b.count('select[name="symbol"] option') == 50, "every stock in the symbol list")
    assert_fits(b, "backtest")
    Select(b.find('select[name="symbol"]')).select_by_value(BACKTEST_SYMBOL)
    Select(b.find('select[name="interval"]')).select_by_value("1d")
    Select(b.find('select[name="kind"]')).select_by_value("sma-cross")
    assert param_values_of(b, ".backtest-form") == {"fast": "10", "slow": "30"}
    assert b.find('input[name="percent"]').get_attribute("value") == "100", "a backtest sizes at 100% of equity"
    assert b.find('input[name="costs"]').is_selected()
    b.click('form.backtest-form button[type="submit"]')

    # The result: equity curve, trades on the price chart, metrics, charges, trades.
    b.wait(lambda d: b.count('.bt-report[data-status="done"]') == 1, "the backtest's report", timeout=90)
    backtest_id = b.find(".bt-report").get_attribute("data-backtest-id")
    assert backtest_id and backtest_id in b.hash(), "the address should name the backtest shown"
    full = api.get(f"/api/backtests/{backtest_id}")
    assert full["status"] == "done", full.get("status")
    report = full["report"]
    trades = report["trades"]
    assert len(trades) >= 2, f"the waves should give several trades, got {len(trades)}"

    b.wait(lambda d: b.count(".equity-box canvas") > 0 and int(b.find(".equity-box").get_attribute("data-points") or 0) > 100,
           "the equity curve")
    expected_markers = 2 * len(trades) + (1 if report.get("open_position") else 0)
    b.wait(lambda d: int(b.find(".bt-price-box").get_attribute("data-markers") or 0) == expected_markers,
           f"{expected_markers} trade markers on the price chart")
    assert int(b.find(".bt-price-box").get_attribute("data-candles")) == len(full["candles"])
    assert b.count(".bt-price-box canvas") > 0

    assert b.count(".metrics-table tr[data-metric]") >= 20
    shown_return = b.find('.metrics-table td[data-metric="total_return_percent"]').get_attribute("data-value")
    assert float(shown_return) == report["metrics"]["total_return_percent"]
    assert rupees(b.text('[data-testid="final-value"]')) == round(report["final_value"], 2)
    assert rupees(b.text('.charges-list [data-charge="total"]')) == round(report["charges"]["total"], 2)
    assert b.count(".trades-table tbody tr") == min(len(trades), 500)
    b.screenshot("backtest")

    # Listed, and reopened from the list after a reload.
    b.driver.refresh()
    b.wait(lambda d: b.count(f'.bt-report[data-backtest-id="{backtest_id}"]') == 1, "the same backtest after a reload")
    b.go("/")
    b.wait(lambda d: b.count("tr.watch-row") == 50, "the market watch")
    b.go("/backtest")
    row = f'.backtests-table tr[data-backtest-id="{backtest_id}"]'
    b.wait(lambda d: b.count(row) == 1 and b.find(row).get_attribute("data-status") == "done", "the backtest in the list")
    assert b.count(".bt-report") == 0
    b.click(f'{row} [data-action="open"]')
    b.wait(lambda d: b.count('.bt-report[data-status="done"]') == 1, "the reopened report")
    b.wait(lambda d: int(b.find(".bt-price-box").get_attribute("data-markers") or 0) == expected_markers, "its markers")


def param_values_of(b, form: str) -> dict[str, str]:
    return b.js("""return Object.fromEntries([...document.querySelectorAll(arguments[0] + ' .param-grid input')]
                   .map((input) => [input.name, input.value]))""", form)


# ---- the stock chart's indicators -------------------------------------------------------------------------------------

def test_indicator_menu_draws_panes_and_remembers_the_choice(live_server, browser):
    b = browser()
    b.sign_up(live_server.base_url, unique_email("indicators"))
    b.go("/stock/TCS")
    b.wait(lambda d: int(b.find(".chart-box").get_attribute("data-candles") or 0) > 50, "the chart")
    assert b.count(".chart-pane") == 0, "no indicator before one is chosen"

    b.click(".ind-menu summary")
    b.click('.ind-option input[value="SMA_20"]')
    b.click('.ind-option input[value="RSI_14"]')
    loaded = lambda: set((b.find(".chart-box").get_attribute("data-indicators-loaded") or "").split(","))  # noqa: E731
    b.wait(lambda d: loaded() == {"SMA_20", "RSI_14"}, "SMA 20 and RSI 14 fetched and drawn")
    b.wait(lambda d: b.count('.chart-pane[data-indicator="RSI_14"] canvas') > 0, "the RSI pane")
    assert int(b.find('.chart-pane[data-indicator="RSI_14"]').get_attribute("data-points")) > 0
    assert "SMA 20" in b.text(".ind-legend")
    b.js("document.body.click()")  # closes the menu
    b.wait(lambda d: not b.find(".ind-menu", visible=False).get_attribute("open"), "the menu to close")
    b.screenshot("stock-indicators")

    # Another interval: the indicators are asked for again, for its bars.
    b.click('.segmented [data-interval="15m"]')
    b.wait(lambda d: b.find(".chart-box").get_attribute("data-interval") == "15m", "the 15-minute chart")
    b.wait(lambda d: b.js("""return performance.getEntriesByType('resource').some((e) =>
             e.name.includes('/indicators?') && e.name.includes('interval=15m'))"""), "the 15-minute indicators request")
    b.wait(lambda d: loaded() == {"SMA_20", "RSI_14"}, "the indicators on the 15-minute chart")

    # Remembered across a reload; MACD gets its own pane, below RSI.
    b.driver.refresh()
    b.wait(lambda d: b.count('.chart-pane[data-indicator="RSI_14"] canvas') > 0, "the RSI pane after a reload")
    assert b.js("return JSON.parse(localStorage.getItem('stockcart.indicators'))") == ["SMA_20", "RSI_14"]
    b.click(".ind-menu summary")
    assert b.find('.ind-option input[value="RSI_14"]').is_selected()
    b.click('.ind-option input[value="MACD_12_26_9"]')
    b.wait(lambda d: b.count('.chart-pane[data-indicator="MACD_12_26_9"] canvas') > 0, "the MACD pane")
    order = b.js("return [...document.querySelectorAll('.chart-pane')].map((pane) => pane.dataset.indicator)")
    assert order == ["RSI_14", "MACD_12_26_9"], order

    # Unticked: the pane goes at once.
    b.click('.ind-option input[value="RSI_14"]')
    b.wait(lambda d: b.count('.chart-pane[data-indicator="RSI_14"]') == 0, "the RSI pane to go")
    assert b.js("return JSON.parse(localStorage.getItem('stockcart.indicators'))") == ["SMA_20", "MACD_12_26_9"]


# ---- phone ----------------------------------------------------------------------------------------------------------------

def test_auto_trading_pages_fit_a_phone(live_server, browser):
    b = browser(phone=True)
    b.sign_up(live_server.base_url, unique_email("autophone"))
    api = Api(live_server.base_url, b.token())
    api.post("/api/strategies", {"name": "Phone RSI", "kind": "rsi", "watchlist": ["TCS", "INFY"], "timeframe": "5m"},
             expect=201)
    b.click('.tabbar a[data-nav="auto"]')
    b.wait(lambda d: b.hash_path() == "/autotrader", "the auto-trader from the tab bar")
    assert b.find('.tabbar a[data-nav="auto"]').get_attribute("aria-current") == "page"
    for path, ready in (
        ("/autotrader", "section.autotrader[data-state]:not([data-state=''])"),
        ("/strategies", ".strategies-table tr[data-strategy-id]"),
        ("/backtest", "form.backtest-form"),
        ("/performance", ".metrics-table"),
    ):
        b.click(f'.auto-nav a[href="#{path}"]')
        b.wait(lambda d: b.hash_path() == path, f"the page {path}")
        b.find(ready)
        assert b.find('.tabbar a[data-nav="auto"]').get_attribute("aria-current") == "page"
        assert_fits(b, path)
        b.screenshot(path.strip("/"))
