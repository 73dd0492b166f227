"""The market watch's search, sector filter and sorting; cancelling a pending order; selling a holding from the
portfolio — all through the UI, checked against the server."""

from __future__ import annotations

import uuid

from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from helpers import Api
from ui import unique_email, wait_until


def visible_symbols(b) -> list[str]:
    return b.js("return [...document.querySelectorAll('tr.watch-row')].filter((r) => !r.hidden).map((r) => r.dataset.symbol)")


def test_search_sector_filter_and_sort(live_server, browser):
    b = browser()
    b.sign_up(live_server.base_url, unique_email("watch"))
    api = Api(live_server.base_url, b.token())
    stocks = {s["symbol"]: s for s in api.get("/api/stocks")}

    # "/" focuses the search box; typing filters by symbol or name.
    b.find("body").send_keys("/")
    assert b.active_element() == b.find(".search-input")
    b.active_element().send_keys("bank")
    expected = sorted(s for s, v in stocks.items() if "bank" in s.lower() or "bank" in v["name"].lower())
    b.wait(lambda d: sorted(visible_symbols(b)) == expected, f"only {expected}")

    # Sector filter on top of the search, then alone.
    b.type(".search-input", "")
    Select(b.find(".sector-select")).select_by_visible_text("Information Technology")
    it = sorted(s for s, v in stocks.items() if v["sector"] == "Information Technology")
    b.wait(lambda d: sorted(visible_symbols(b)) == it, f"only the IT stocks {it}")
    Select(b.find(".sector-select")).select_by_visible_text("All sectors")
    b.wait(lambda d: len(visible_symbols(b)) == 50, "all 50 again")

    # Nothing matches: an empty state with a way out.
    b.type(".search-input", "zzzz-no-such-stock")
    b.find(".watch-card .empty")
    b.click(".watch-card .empty button")
    b.wait(lambda d: len(visible_symbols(b)) == 50, "all 50 after clearing")

    # Sorting: by change % (descending first), then again for ascending; the header says which.
    b.click('th[data-key="change_percent"] .sort-btn')
    assert b.find('th[data-key="change_percent"]').get_attribute("aria-sort") == "descending"
    shown = b.js("""return [...document.querySelectorAll('tr.watch-row')].map((r) =>
        parseFloat(r.querySelector('[data-col=change_percent]').textContent.replace('\\u2212', '-')))""")
    # Sorted at the moment of the click; prices move after, so allow for ticks since then.
    assert shown[0] >= shown[-1], shown
    b.click('th[data-key="symbol"] .sort-btn')
    b.wait(lambda d: b.find('th[data-key="symbol"]').get_attribute("aria-sort") == "ascending", "symbol sort")
    assert visible_symbols(b) == sorted(visible_symbols(b))


def test_cancel_pending_order_and_sell_a_holding(live_server, browser):
    b = browser()
    b.sign_up(live_server.base_url, unique_email("trader"))
    api = Api(live_server.base_url, b.token())

    # A limit buy far below the market stays pending; a market buy gives a holding.
    price = api.get("/api/stocks/WIPRO")["ltp"]
    pending = api.post("/api/orders", {"symbol": "WIPRO", "side": "BUY", "type": "LIMIT", "quantity": 4,
                                       "limit_price": round(price * 0.5, 1)},
                       expect=201, headers={"Idempotency-Key": str(uuid.uuid4())})
    bought = api.post("/api/orders", {"symbol": "ITC", "side": "BUY", "type": "MARKET", "quantity": 20},
                      expect=201, headers={"Idempotency-Key": str(uuid.uuid4())})
    wait_until(lambda: api.get(f"/api/orders/{bought['id']}")["status"] == "EXECUTED", "the ITC buy to execute")

    # Cancel the pending order: confirm, then it turns CANCELLED in place.
    b.go("/orders")
    row = f'.orders-table tr[data-order-id="{pending["id"]}"]'
    assert b.find(row).get_attribute("data-status") == "PENDING"
    b.click(f"{row} button")
    b.click('dialog[open] button[data-action="confirm"]')
    b.wait(lambda d: b.find(row).get_attribute("data-status") == "CANCELLED", "the order to turn CANCELLED")
    assert api.get(f"/api/orders/{pending['id']}")["status"] == "CANCELLED"
    b.wait_toast(lambda t: "cancelled" in t.lower(), "the cancellation toast")

    # Sell half the holding from the portfolio (a dialog; Enter submits).
    b.go("/portfolio")
    b.click('.holdings-table tr[data-symbol="ITC"] .btn-sell')
    b.type("dialog[open] input[name=quantity]", "8" + Keys.ENTER)
    b.wait(lambda d: b.count("dialog[open]") == 0, "the sell dialog to close")
    b.wait_toast(lambda t: "SELL 8 ITC executed" in t, "the sell execution toast")
    b.wait(lambda d: b.find('.holdings-table tr[data-symbol="ITC"] [data-col="quantity"]').get_attribute("data-value")
           == "12", "12 shares left")
    sells = [o for o in api.get("/api/orders")["orders"] if o["side"] == "SELL"]
    assert len(sells) == 1 and sells[0]["status"] == "EXECUTED" and sells[0]["quantity"] == 8, sells
