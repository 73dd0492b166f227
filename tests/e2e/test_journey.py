"""The whole journey of a new user, in a real browser, against the real server:

sign up → the market watch shows 50 stocks whose prices change → open a stock, the chart has candles and its last
candle moves → set an alert around the current price → a toast says the stock was added and the cart badge counts 1
→ the cart shows the auto-added item → check out 10 shares (one order, even if submitted twice) → the order turns
EXECUTED → the portfolio shows the holding and cash reduced by price × 10 plus charges.

Every page is photographed at desktop size on the way (tests/output/screenshots/desktop-*.png).
"""

from __future__ import annotations

import math
import re

from selenium.webdriver.common.keys import Keys

from helpers import Api
from ui import PASSWORD, rupees, unique_email, wait_until

STARTING_CASH = 1_000_000.00
SYMBOL = "RELIANCE"


def indian(value: float) -> str:
    """2750 → '2,750' (the app's short price format, Indian grouping)."""
    digits = f"{int(value):d}"
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups) + "," + tail


def test_new_user_journey(live_server, browser):
    base = live_server.base_url
    b = browser()
    email = unique_email("journey")

    # --- sign up ------------------------------------------------------------------------------------------------
    b.open(base, "/signup")
    b.find('input[name="email"]')
    b.screenshot("signup")
    b.type('input[name="email"]', email)
    b.type('input[name="password"]', PASSWORD + Keys.ENTER)  # forms submit with Enter
    b.wait_market()
    assert b.text("#account-email") == email

    # --- market watch: 50 stocks, live prices ------------------------------------------------------------------
    first = b.ltp_values()
    assert len(first) == 50, f"expected 50 prices, got {len(first)}"
    b.wait(lambda d: sum(1 for s, v in b.ltp_values().items() if v != first.get(s)) >= 5,
           "at least 5 prices to change on the market watch")
    b.wait(lambda d: b.count("tr.watch-row .spark-line[points*=','] ") >= 40, "sparklines drawn")
    b.screenshot("market")

    # --- stock page: chart with candles, live last candle -------------------------------------------------------
    b.click(f'tr[data-symbol="{SYMBOL}"] a.sym-name')
    b.wait(lambda d: b.hash_path() == f"/stock/{SYMBOL}", "the stock page")
    b.wait(lambda d: int(b.find(".chart-box").get_attribute("data-candles") or 0) > 50, "candles on the chart")
    assert b.count(".chart-box canvas") > 0, "the chart drew no canvas"
    closes = set()
    b.wait(lambda d: closes.add(b.find(".chart-box").get_attribute("data-last-close")) or len(closes - {None}) >= 2,
           "the last candle to follow live prices")
    b.click('.segmented [data-interval="1m"]')
    b.wait(lambda d: b.find(".chart-box").get_attribute("data-interval") == "1m", "the 1-minute chart")
    assert b.find('[data-interval="1m"]').get_attribute("aria-pressed") == "true"
    assert int(b.find(".chart-box").get_attribute("data-candles")) > 50
    b.screenshot("stock")

    # --- set an alert around the current price -----------------------------------------------------------------
    ltp = float(b.find('[data-testid="stock-ltp"]').get_attribute("data-value"))
    low, high = math.floor(ltp - 40), math.ceil(ltp + 40)
    b.type('input[name="min_price"]', str(low))
    b.type('input[name="max_price"]', str(high) + Keys.ENTER)
    toast = b.wait_toast(lambda t: f"{SYMBOL} added to cart at ₹" in t, "the cart.added toast")
    pattern = rf"{SYMBOL} added to cart at ₹[\d,]+\.\d\d — rule {indian(low)}–{indian(high)}"
    assert re.search(pattern, toast), f"toast {toast!r} does not match {pattern!r}"
    b.wait(lambda d: b.cart_badge() == 1, "the cart badge to count 1")
    b.wait(lambda d: b.find(".mini-rule").get_attribute("data-state") == "fired", "the alert listed as fired")
    assert b.find(".chart-box").get_attribute("data-bands") == "1", "the alert's range is not drawn on the chart"
    b.screenshot("stock-alert-fired", keep_toasts=True)

    # --- alerts page -------------------------------------------------------------------------------------------
    b.click('.mainnav a[data-nav="rules"]')
    row = b.find(f'.rules-table tr[data-symbol="{SYMBOL}"]')
    assert row.get_attribute("data-state") == "fired"
    assert b.text(f'.rules-table tr[data-symbol="{SYMBOL}"] [data-col="fire_count"]') == "1"
    assert f"{indian(low)}–{indian(high)}" in row.text
    b.screenshot("rules")

    # --- cart: the auto-added item, 10 shares --------------------------------------------------------------------
    b.click('.mainnav a[data-nav="cart"]')
    line = b.find(f'.cart-line[data-symbol="{SYMBOL}"]')
    assert line.get_attribute("data-auto") == "true"
    assert b.text(f'.cart-line[data-symbol="{SYMBOL}"] .badge-auto').lower() == "auto-added"
    assert f"alert {indian(low)}–{indian(high)}" in b.text(f'.cart-line[data-symbol="{SYMBOL}"] [data-testid="added-by"]')
    added_price = rupees(b.text(f'.cart-line[data-symbol="{SYMBOL}"] [data-testid="added-price"]'))
    assert low <= added_price <= high
    b.type(f'.cart-line[data-symbol="{SYMBOL}"] .qty-input', "10")
    b.wait_text(".cart-summary button[type=submit]", lambda t: "Place 1 buy order" in t, "the checkout button")
    # One read of all three (prices keep moving between separate reads).
    value, charges, total = map(rupees, b.js("""return ['cart-value', 'cart-charges', 'cart-total'].map(
        (id) => document.querySelector(`[data-testid="${id}"]`).textContent);"""))
    assert abs(total - (value + charges)) < 0.011 and charges > 20, (value, charges, total)
    b.screenshot("cart")

    # Check out, submitting twice in the same instant (a double click): one order only.
    b.js("const f = document.querySelector('.cart-summary'); f.requestSubmit(); f.requestSubmit();")
    b.wait(lambda d: b.hash_path() == "/orders", "the orders page after checkout")

    # --- orders: PENDING → EXECUTED, live -----------------------------------------------------------------------
    b.wait(lambda d: b.find(f'.orders-table tr[data-symbol="{SYMBOL}"]').get_attribute("data-status") == "EXECUTED",
           "the order to turn EXECUTED")
    assert b.count(".orders-table tbody tr") == 1, "the double submit placed more than one order"
    fill = float(b.find('.orders-table [data-testid="fill-price"]').get_attribute("data-value"))
    order_charges = float(b.find('.orders-table [data-col="charges"]').get_attribute("data-value"))
    assert b.text(".orders-table [data-testid=order-status]") == "EXECUTED"
    b.screenshot("orders")

    api = Api(base, b.token())
    orders = api.get("/api/orders")["orders"]
    assert len(orders) == 1, f"expected one order, the server has {len(orders)}: {orders}"
    assert orders[0]["quantity"] == 10 and orders[0]["status"] == "EXECUTED"
    assert orders[0]["fill_price"] == fill and orders[0]["charges"] == order_charges
    assert api.get("/api/cart")["count"] == 0
    b.wait(lambda d: b.cart_badge() == 0, "the cart badge to clear after checkout")

    # --- portfolio: the holding, and cash reduced by price × 10 + charges -------------------------------------
    b.click('.mainnav a[data-nav="portfolio"]')
    holding = b.find(f'.holdings-table tr[data-symbol="{SYMBOL}"]')
    assert holding.find_element("css selector", '[data-col="quantity"]').get_attribute("data-value") == "10"
    assert float(holding.find_element("css selector", '[data-col="average_price"]').get_attribute("data-value")) == fill
    expected_cash = round(STARTING_CASH - fill * 10 - order_charges, 2)
    cash = float(b.find('[data-testid="cash"]').get_attribute("data-value"))
    assert abs(cash - expected_cash) < 0.005, f"cash {cash}, expected {expected_cash} (fill {fill} × 10 + {order_charges})"
    assert abs(rupees(b.text('[data-testid="cash"]')) - expected_cash) < 0.005
    b.screenshot("portfolio")

    # --- notifications: the firing and the execution ---------------------------------------------------------
    b.click("#bell")
    b.wait(lambda d: b.count(".note") >= 2, "two notifications")
    kinds = b.js("return [...document.querySelectorAll('.note')].map((n) => n.innerText)")
    assert any(f"{SYMBOL} added to cart" in k for k in kinds), kinds
    assert any("executed" in k.lower() for k in kinds), kinds
    b.wait(lambda d: b.js("return document.querySelector('[data-unread-count]').hidden"), "the unread badge to clear")
    b.screenshot("notifications")

    # --- log out: back to the login page ---------------------------------------------------------------------
    b.log_out()
    b.find('input[name="email"]')
    b.screenshot("login")


def test_dark_theme_toggle_persists(live_server, browser):
    b = browser()
    b.sign_up(live_server.base_url, unique_email("theme"))
    b.js("localStorage.removeItem('stockcart.theme')")
    before = b.js("return getComputedStyle(document.body).backgroundColor")
    start = b.js("return document.documentElement.dataset.theme || ''")
    b.click("#theme-toggle")
    after_theme = b.js("return document.documentElement.dataset.theme")
    assert after_theme in ("dark", "light") and after_theme != start
    b.wait(lambda d: b.js("return getComputedStyle(document.body).backgroundColor") != before, "the theme to change")
    if after_theme != "dark":  # the system preference was dark: toggle again for the dark screenshot
        b.click("#theme-toggle")
    assert b.js("return document.documentElement.dataset.theme") == "dark"
    b.driver.refresh()
    b.wait_market()
    assert b.js("return document.documentElement.dataset.theme") == "dark", "the theme was not kept after reload"
    b.screenshot("market-dark")
    b.go(f"/stock/{SYMBOL}")
    b.wait(lambda d: int(b.find(".chart-box").get_attribute("data-candles") or 0) > 0, "the chart")
    b.screenshot("stock-dark")
