"""Phone-sized layout (360×780): every page fits the width (no horizontal scroll), navigation moves to a bottom tab
bar, and each page is photographed (tests/output/screenshots/phone-*.png)."""

from __future__ import annotations

import uuid

from selenium.webdriver.common.keys import Keys

from helpers import Api
from ui import PASSWORD, unique_email, wait_until


def assert_fits(b, page: str) -> None:
    overflow = b.horizontal_overflow()
    assert overflow is None, f"{page}: the page scrolls sideways at 360 px: {overflow}"
    unnamed = b.unnamed_controls()
    assert unnamed == [], f"{page}: controls without an accessible name: {unnamed}"


def test_every_page_fits_a_phone(live_server, browser):
    base = live_server.base_url
    b = browser(phone=True)

    # Signed out: log in and sign up.
    b.open(base, "/login")
    b.find('input[name="email"]')
    assert_fits(b, "login")
    b.screenshot("login")
    b.open(base, "/signup")
    b.find('input[name="email"]')
    assert_fits(b, "signup")
    b.screenshot("signup")
    b.type('input[name="email"]', unique_email("phone"))
    b.type('input[name="password"]', PASSWORD + Keys.ENTER)
    b.wait_market()

    # Something on every page: a fired alert, a watching alert, a manual cart line, a holding, an open order.
    api = Api(base, b.token())
    price = api.get("/api/stocks/RELIANCE")["ltp"]
    api.post("/api/rules", {"symbol": "RELIANCE", "min_price": round(price - 30), "max_price": round(price + 30)},
             expect=201)
    infy = api.get("/api/stocks/INFY")["ltp"]
    api.post("/api/rules", {"symbol": "INFY", "min_price": round(infy * 0.9, 1), "max_price": round(infy * 0.95, 1),
                            "mode": "rearm"}, expect=201)
    api.post("/api/cart", {"symbol": "BAJAJ-AUTO", "quantity": 2}, expect=201)
    bought = api.post("/api/orders", {"symbol": "HDFCBANK", "side": "BUY", "type": "MARKET", "quantity": 12},
                      expect=201, headers={"Idempotency-Key": str(uuid.uuid4())})
    api.post("/api/orders", {"symbol": "M&M", "side": "BUY", "type": "LIMIT", "quantity": 5,
                             "limit_price": round(api.get("/api/stocks/M%26M")["ltp"] * 0.8, 1)},
             expect=201, headers={"Idempotency-Key": str(uuid.uuid4())})
    wait_until(lambda: api.get(f"/api/orders/{bought['id']}")["status"] == "EXECUTED", "the buy order to execute")
    b.wait(lambda d: b.cart_badge() >= 1, "the cart badge on the tab bar (the alert's item)")

    # Navigation is the bottom tab bar; the top one is hidden.
    assert b.find(".tabbar").is_displayed()
    assert not b.find(".mainnav", visible=False).is_displayed()

    b.go("/")
    b.wait(lambda d: b.count("tr.watch-row") == 50, "the market watch")
    assert_fits(b, "market")
    b.screenshot("market")

    b.go("/stock/RELIANCE")
    b.wait(lambda d: int(b.find(".chart-box").get_attribute("data-candles") or 0) > 0, "the chart")
    b.wait(lambda d: b.count(".mini-rule") == 1, "the alert under the form")
    assert_fits(b, "stock")
    b.screenshot("stock")

    b.go("/rules")
    b.wait(lambda d: b.count(".rules-table tbody tr") == 2, "two alerts")
    assert_fits(b, "rules")
    b.screenshot("rules")

    b.go("/cart")
    b.wait(lambda d: b.count(".cart-line") == 2, "two cart lines")
    assert_fits(b, "cart")
    b.screenshot("cart")

    b.go("/orders")
    b.wait(lambda d: b.count(".orders-table tbody tr") == 2, "two orders")
    b.find('.orders-table tr[data-status="PENDING"] button')
    assert_fits(b, "orders")
    b.screenshot("orders")

    b.go("/portfolio")
    b.find('.holdings-table tr[data-symbol="HDFCBANK"]')
    assert_fits(b, "portfolio")
    b.screenshot("portfolio")

    b.click('.holdings-table tr[data-symbol="HDFCBANK"] .btn-sell')
    b.find("dialog[open] input[name=quantity]")
    assert_fits(b, "sell dialog")
    b.screenshot("sell-dialog")
    b.active_element().send_keys(Keys.ESCAPE)
    b.wait(lambda d: b.count("dialog[open]") == 0, "the dialog to close")

    b.go("/notifications")
    b.wait(lambda d: b.count(".note") >= 2, "notifications")
    assert_fits(b, "notifications")
    b.screenshot("notifications")

    # The account page (reached from the person icon) carries Log out on phones, where the top bar has no room for it.
    b.click("#account-link")
    b.wait(lambda d: b.hash_path() == "/account", "the account page")
    b.find('[data-testid="password-form"]')
    b.find('[data-testid="account-logout"]')
    assert not b.find("#logout", visible=False).is_displayed()
    assert_fits(b, "account")
    b.screenshot("account")
