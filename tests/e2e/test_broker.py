"""The broker account in the browser, against the fake Angel One venues (the `fake-venues` process).

* A paper server that can store credentials (MASTER_KEY, ANGELONE_API_URL at the fake): the user connects their
  broker through the form (a refused field is explained next to it), sees it connected with its details, and
  disconnects after confirming. Nothing says LIVE: orders are paper.
* A live server (MARKET_FEED=angelone, BROKER=angelone, LIVE_TRADING=1): the LIVE marker is on every page, the
  connection indicator names the Angel One feed, a banner asks the user to connect their broker (also on a phone),
  a checkout is refused with the reason and a link to the broker page, a login the broker refuses turns the banner
  into "needs reconnecting" with the broker's reason, and connecting with the right credentials makes it go away.
  Then a checkout reaches the fake broker, a partial fill shows on the reconciliation page as a named, highlighted
  difference and the full fill as agreement, the portfolio says it shows the Angel One account, and with the venues
  gone the indicator says the feed is reconnecting.
* The reconciliation page with every kind of difference and every refusal (its one request answered in the browser).
"""

from __future__ import annotations

import base64
import re
import time

import pytest
from selenium.webdriver.common.keys import Keys

from helpers import Api, fake_venues_bin, start_fake_venues  # noqa: F401  (fake_venues_bin is a fixture)
from ui import unique_email, wait_until

MASTER_KEY = base64.b64encode(bytes(range(32))).decode()
FEED_ACCOUNT = "feed-key:F100:1111:GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
USER = {"api_key": "KEY", "client_code": "CLIENT", "pin": "2468", "totp_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}
USER_ACCOUNT = ":".join(USER[k] for k in ("api_key", "client_code", "pin", "totp_secret"))
INSTRUMENTS = ["RELIANCE:2885", "TCS:11536"]


def network_error(path: str, status: int) -> re.Pattern:
    """The console line Chromium writes for a fetch answered with an HTTP error status (not an app error)."""
    return re.compile(rf"{re.escape(path)}\S* - Failed to load resource: the server responded with a status of {status}\b")


@pytest.fixture
def venues(fake_venues_bin):
    fake = start_fake_venues(fake_venues_bin, [FEED_ACCOUNT, USER_ACCOUNT], INSTRUMENTS)
    try:
        yield fake
    finally:
        fake.process.kill()
        fake.process.wait(timeout=10)


def live_env(venues) -> dict[str, str]:
    key, client, pin, secret = FEED_ACCOUNT.split(":")
    return {
        "MARKET_FEED": "angelone", "BROKER": "angelone", "LIVE_TRADING": "1", "MARKET_SESSION": "always",
        "MASTER_KEY": MASTER_KEY,
        "ANGELONE_API_URL": venues.api_url, "ANGELONE_STREAM_URL": venues.stream_url,
        "ANGELONE_ORDER_STREAM_URL": venues.order_stream_url, "ANGELONE_INSTRUMENTS_URL": venues.instruments_url,
        "ANGELONE_API_KEY": key, "ANGELONE_CLIENT_CODE": client, "ANGELONE_PIN": pin, "ANGELONE_TOTP_SECRET": secret,
    }


def fill_broker_form(b, values: dict[str, str], scope: str = "main") -> None:
    for name in ("api_key", "client_code", "pin", "totp_secret"):
        b.type(f'{scope} form.broker-form input[name="{name}"]', values[name])


def field_error(b, name: str) -> str:
    return b.js("return document.querySelector(arguments[0])?.textContent ?? ''",
                f'main form.broker-form .field[data-field="{name}"] .field-error')


def broker_state(b) -> str:
    return b.js("return document.querySelector('[data-testid=broker-state]')?.dataset.state ?? ''")


def banner(b) -> str:
    """The broker banner's text, or '' when it is hidden."""
    return b.js("const el = document.getElementById('broker-banner'); return el.hidden ? '' : el.innerText")


def assert_no_secret_kept(b) -> None:
    """The PIN and the TOTP secret are nowhere in the page, its inputs or the browser's storage."""
    kept = b.js("""
        const values = [...document.querySelectorAll('input')].map((i) => i.value);
        const stored = [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => s.getItem(k)));
        return [document.documentElement.outerHTML, ...values, ...stored].join('\\n');""")
    assert USER["totp_secret"] not in kept, "the TOTP secret is still in the page or in storage"
    assert f'"{USER["pin"]}"' not in kept and f">{USER['pin']}<" not in kept, "the PIN is still in the page"
    assert USER["pin"] not in b.js("return [...document.querySelectorAll('input')].map((i) => i.value).join(' ')")


def test_connect_a_broker_through_the_form_then_disconnect(server_factory, venues, browser, allow_console):
    # Expected refusals: GET /api/broker with nothing connected (404) and the bad fields below (422). (A server
    # without the reconciliation route answers it 404, also allowed: the page then shows the reason.)
    allow_console.append(network_error("/api/broker", 404))
    allow_console.append(network_error("/api/broker", 422))
    server = server_factory.start(SIM_TICK_MS="250", MASTER_KEY=MASTER_KEY, ANGELONE_API_URL=venues.api_url)
    b = browser()
    b.sign_up(server.base_url, unique_email("broker"))
    api = Api(server.base_url, b.token())

    # A paper server: no LIVE marker, no banner, the simulated feed in the indicator's description.
    assert not b.find("#live-marker", visible=False).is_displayed()
    b.wait(lambda d: "simulated" in (b.find("#conn").get_attribute("aria-label") or ""), "the feed in the indicator")
    assert banner(b) == ""
    assert b.text("#conn") == "Live"

    # From the header to the form.
    b.click("#broker-link")
    b.wait(lambda d: b.hash_path() == "/broker", "the broker page")
    b.find('[data-testid="broker-connect"]')
    assert b.find("#broker-link").get_attribute("aria-current") == "page"
    assert b.find('input[name="pin"]').get_attribute("type") == "password"
    assert b.find('input[name="totp_secret"]').get_attribute("type") == "password"

    # A client code with a dash: the API's reason appears next to that field, which gets the focus.
    fill_broker_form(b, {**USER, "client_code": "CLI-ENT"})
    b.click("main form.broker-form button[type=submit]")
    b.wait(lambda d: field_error(b, "client_code") != "", "the client code's error")
    assert field_error(b, "client_code") == "Client code must be letters and digits, at most 20."
    assert b.find('input[name="client_code"]').get_attribute("aria-invalid") == "true"
    assert b.active_element().get_attribute("name") == "client_code"
    assert [field_error(b, name) for name in ("api_key", "pin", "totp_secret")] == ["", "", ""]

    # A three-digit PIN: explained next to the PIN (and the client code's error goes once it is fixed).
    b.type('input[name="client_code"]', USER["client_code"])
    b.type('input[name="pin"]', "246" + Keys.ENTER)  # Enter submits
    b.wait(lambda d: field_error(b, "pin") != "", "the PIN's error")
    assert field_error(b, "pin") == "PIN must be 4 to 8 digits."
    assert field_error(b, "client_code") == ""
    b.screenshot("broker-form-error")

    # The right PIN: connected, with the account's details.
    b.type('input[name="pin"]', USER["pin"] + Keys.ENTER)
    b.wait(lambda d: broker_state(b) == "connected", "the broker to show connected", timeout=40)
    assert b.text('[data-testid="broker-state"]').lower() == "connected"
    assert b.text('[data-testid="broker-client"]') == USER["client_code"]
    assert "IST" in b.text('[data-testid="broker-since"]')
    assert "IST" in b.text('[data-testid="broker-expires"]')
    assert b.text('[data-testid="broker-last-error"]') == "None"
    b.wait_toast(lambda t: "Broker connected" in t, "the connected toast")
    assert api.get("/api/broker")["state"] == "connected"
    assert_no_secret_kept(b)
    assert b.count('main a[href="#/reconciliation"]') == 1
    b.screenshot("broker-connected")

    # Still no LIVE marker or banner: orders stay paper on this server.
    assert not b.find("#live-marker", visible=False).is_displayed()
    assert banner(b) == ""

    # The reconciliation page answers something plain: the comparison, or the server's reason.
    b.click('main a[href="#/reconciliation"]')
    b.wait(lambda d: b.hash_path() == "/reconciliation", "the reconciliation page")
    b.wait(lambda d: b.count('[data-testid="recon-summary"], [data-testid="recon-error"]') == 1,
           "the reconciliation or its reason")
    if b.count('[data-testid="recon-error"]'):
        assert b.text('[data-testid="recon-error"] strong'), "a refusal without words"
    b.screenshot("reconciliation")

    # Disconnect, after confirming: the form again, and nothing connected at the server.
    b.go("/broker")
    b.wait(lambda d: broker_state(b) == "connected", "the broker page again")
    b.click('[data-testid="broker-account"] .btn-danger')
    dialog_text = b.text("dialog[open]")
    assert "Disconnect your broker?" in dialog_text and USER["client_code"] in dialog_text
    assert b.active_element().get_attribute("data-action") == "cancel", "the confirmation starts on the safe choice"
    b.click('dialog[open] button[data-action="confirm"]')
    b.find('[data-testid="broker-connect"]')
    b.wait_toast(lambda t: "Broker disconnected" in t, "the disconnected toast")
    assert api.request("GET", "/api/broker").status_code == 404


def test_live_server_shows_live_marker_and_the_connect_banner_until_connected(server_factory, venues, browser,
                                                                               allow_console):
    # Expected refusals: GET /api/broker before connecting (404), the checkout refused while no broker can take
    # orders (409).
    allow_console.append(network_error("/api/broker", 404))
    allow_console.append(network_error("/api/cart/checkout", 409))
    server = server_factory.start(**live_env(venues))
    wait_until(lambda: venues.stats()["stream_subscriptions"] >= 1, "the feed to subscribe", timeout=30)

    email = unique_email("live")
    b = browser()
    b.sign_up(server.base_url, email)
    api = Api(server.base_url, b.token())

    # LIVE in red in the header, explained by its title; the banner asks for a broker, with the way there.
    marker = b.find("#live-marker")
    assert marker.text == "LIVE"
    assert "real" in marker.get_attribute("title")
    assert marker.value_of_css_property("background-color") in ("rgba(200, 30, 30, 1)", "rgb(200, 30, 30)")
    b.wait(lambda d: "Connect your broker to place live orders" in banner(b), "the connect banner")
    assert b.find('#broker-banner a[href="#/broker"]').is_displayed()
    # The indicator: the socket is live, and the server's feed is Angel One's.
    b.wait(lambda d: b.find("#conn").get_attribute("data-feed") == "live", "the feed state in the indicator")
    assert "Angel One" in b.find("#conn").get_attribute("aria-label")
    assert b.text("#conn") == "Live"
    b.screenshot("live-banner")

    # Marker and banner on every page.
    for path in ("/rules", "/cart", "/orders", "/portfolio", "/notifications", "/stock/RELIANCE", "/"):
        b.go(path)
        assert b.find("#live-marker").is_displayed(), f"no LIVE marker on {path}"
        assert b.find("#broker-banner").is_displayed(), f"no broker banner on {path}"

    # On a phone too, without sideways scrolling.
    phone = browser(phone=True)
    phone.log_in(server.base_url, email)
    phone.wait_market()
    phone.wait(lambda d: "Connect your broker" in banner(phone), "the banner on the phone")
    assert phone.find("#live-marker").is_displayed()
    for path in ("/", "/broker"):
        phone.go(path)
        phone.wait(lambda d: phone.count("main .loading:not([hidden])") == 0 and phone.count("main > *") > 0, f"{path} on the phone")
        assert phone.horizontal_overflow() is None, f"{path}: {phone.horizontal_overflow()}"
        assert phone.unnamed_controls() == [], f"{path}: {phone.unnamed_controls()}"
    phone.screenshot("live-broker")

    # A checkout now is refused by the server, and the cart says why, with a link to the broker page.
    api.post("/api/cart", {"symbol": "RELIANCE", "quantity": 1}, expect=201)
    b.go("/cart")
    b.wait(lambda d: b.count(".cart-line") == 1, "the cart line")
    b.click(".cart-summary button[type=submit]")
    b.wait(lambda d: b.count('.cart-summary .form-error a[href="#/broker"]') == 1, "the refusal with its link")
    assert "broker" in b.text(".cart-summary .form-error").lower()
    b.screenshot("live-checkout-refused")
    b.click('.cart-summary .form-error a[href="#/broker"]')
    b.wait(lambda d: b.hash_path() == "/broker", "the broker page from the refusal")

    # A PIN the broker refuses: the account is kept as "reconnect needed", and the banner gives the broker's reason.
    fill_broker_form(b, {**USER, "pin": "9999"})
    b.click("main form.broker-form button[type=submit]")
    b.wait(lambda d: broker_state(b) == "reconnect_needed", "the refused login", timeout=40)
    refused_at = time.monotonic()
    reason = b.text('[data-testid="broker-last-error"]')
    assert "invalid" in reason.lower(), reason
    b.wait(lambda d: "needs reconnecting" in banner(b) and reason in banner(b), "the reconnect banner with the reason")
    b.screenshot("broker-reconnect-needed")

    # The right credentials (the fake allows one login a second per client, as SmartAPI does): connected, and the
    # banner goes; the LIVE marker stays.
    b.click('[data-testid="broker-account"] .broker-actions .btn-ghost')
    fill_broker_form(b, USER, scope=".broker-replace")
    wait_until(lambda: time.monotonic() - refused_at > 1.2, "a second since the last login")
    b.click(".broker-replace form.broker-form button[type=submit]")
    b.wait(lambda d: broker_state(b) == "connected", "the broker to show connected", timeout=40)
    b.wait(lambda d: banner(b) == "", "the banner to go")
    assert b.find("#live-marker").is_displayed()
    assert api.get("/api/broker")["state"] == "connected"
    assert_no_secret_kept(b)

    # Now the checkout goes through to Angel One (two shares).
    venues.tick("2885", 275005)
    wait_until(lambda: api.get("/api/stocks/RELIANCE")["ltp"] == 2750.05, "the RELIANCE tick")
    b.go("/cart")
    b.wait(lambda d: b.count(".cart-line") == 1, "the cart again")
    assert banner(b) == "", "the banner came back"
    b.type(".cart-line .qty-input", "2")
    b.click(".cart-summary button[type=submit]")
    b.wait(lambda d: b.hash_path() == "/orders", "the orders page after checkout")
    placed = wait_until(lambda: venues.orders(), "the order at the broker")
    assert placed[0]["client_code"] == USER["client_code"] and placed[0]["quantity"] == 2, placed

    # Angel One fills one share of two: the reconciliation shows the holding's difference, highlighted and named.
    venues.fill(placed[0]["order_id"], 275010, size=1)
    b.click('#broker-link')
    b.click('main a[href="#/reconciliation"]')
    b.wait(lambda d: b.hash_path() == "/reconciliation", "the reconciliation page")

    def summary_agrees() -> str:
        return b.js("return document.querySelector('[data-testid=recon-summary]')?.dataset.agrees ?? ''")

    def refresh_until(agrees: str, what: str) -> None:
        def check(_):
            if summary_agrees() == agrees:
                return True
            if b.find(".reconciliation .page-head .btn").is_enabled():
                b.js("document.querySelectorAll('.toast').forEach((t) => t.remove())")  # toasts cover the button
                b.click(".reconciliation .page-head .btn")  # Refresh (the broker's book may not show it yet)
            return False
        b.wait(check, what, timeout=30)

    refresh_until("false", "the partial fill to show as a difference")
    assert "1 difference" in b.text('[data-testid="recon-summary"]')
    row = '.recon-holdings tr[data-symbol="RELIANCE"]'
    assert b.find(row).get_attribute("data-differences") == "quantity"
    assert "row-diff" in b.find(row).get_attribute("class")
    assert b.text(f"{row} .diff-tag") == "Different quantity"
    assert b.count(f"{row} td.cell-diff") == 2
    assert b.text(f'{row} [data-col="local_quantity"]') == "0" and b.text(f'{row} [data-col="broker_quantity"]') == "1"
    assert b.count(f'.recon-orders tr[data-broker-order-id="{placed[0]["order_id"]}"]') == 1
    b.screenshot("reconciliation-difference")

    # The rest is filled: the order settles here, and a refresh shows everything in agreement.
    venues.fill(placed[0]["order_id"], 275010, size=1)
    order_id = b.js("return document.querySelector('.recon-orders tbody tr').dataset.orderId")
    wait_until(lambda: api.get(f"/api/orders/{order_id}")["status"] == "EXECUTED", "the order to execute")
    refresh_until("true", "all in agreement after the full fill")
    assert "All in agreement" in b.text('[data-testid="recon-summary"]')
    assert b.count(".recon-table tr.row-diff") == 0
    assert b.text(f"{row} .diff-tag") == "Agrees"

    # The portfolio says whose books it shows: the Angel One account's.
    b.go("/portfolio")
    b.find('.holdings-table tr[data-symbol="RELIANCE"]')
    assert b.find('[data-testid="portfolio-source"]').get_attribute("data-source") == "angelone"
    assert "Angel One" in b.text('[data-testid="portfolio-source"]')

    # The venues go away: the socket to StockCart stays live, but the indicator says the feed is reconnecting.
    venues.process.kill()
    venues.process.wait(timeout=10)
    wait_until(lambda: api.get("/api/status")["feed"]["state"] != "live", "the server to notice", timeout=60)
    b.driver.refresh()  # read the status now rather than at the next 30-second refresh
    b.wait(lambda d: b.find("#conn").get_attribute("data-health") == "down", "the indicator to show the feed's trouble",
           timeout=30)
    assert b.connection_state() == "live"
    assert b.text("#conn") in ("Feed reconnecting…", "Feed connecting…")
    assert "prices may be stale" in b.find("#conn").get_attribute("aria-label")
    b.screenshot("feed-reconnecting")


# The reconciliation page against answers of every kind. The server's real comparison is exercised above; here the
# page's own fetch of /api/broker/reconciliation is answered in the browser (the app's other requests go to the
# server as usual), so that every kind of difference and every refusal can be shown on demand.
STUB_RECONCILIATION = """
  window.__reconAnswer = arguments[0];
  if (!window.__realFetch) {
    window.__realFetch = window.fetch;
    window.fetch = (input, init) => String(input).includes('/api/broker/reconciliation')
      ? Promise.resolve(new Response(JSON.stringify(window.__reconAnswer.body),
          { status: window.__reconAnswer.status, headers: { 'Content-Type': 'application/json' } }))
      : window.__realFetch(input, init);
  }"""

ORDER_HERE = "7f1c2a9e-0000-4000-8000-000000000001"
DIFFERING = {
    "broker": "angelone", "checked_at": "2026-11-30T10:00:00Z", "agrees": False, "difference_count": 6,
    "orders": [
        {"order_id": ORDER_HERE, "broker_order_id": None, "symbol": "TCS", "side": "BUY", "quantity": 3,
         "local_status": "PENDING", "broker_status": None, "local_fill_price": None, "broker_fill_price": None,
         "local_filled_quantity": 0, "broker_filled_quantity": None, "differences": ["missing_at_broker"]},
        {"order_id": None, "broker_order_id": "261130000000009", "symbol": "INFY", "side": "SELL", "quantity": 5,
         "local_status": None, "broker_status": "complete", "local_fill_price": None, "broker_fill_price": 1500.5,
         "local_filled_quantity": None, "broker_filled_quantity": 5, "differences": ["missing_here"]},
        {"order_id": "7f1c2a9e-0000-4000-8000-000000000003", "broker_order_id": "261130000000010",
         "symbol": "RELIANCE", "side": "BUY", "quantity": 2, "local_status": "PENDING", "broker_status": "complete",
         "local_fill_price": 2750.0, "broker_fill_price": 2750.1, "local_filled_quantity": 2,
         "broker_filled_quantity": 2, "differences": ["status", "fill_price"]},
        {"order_id": "7f1c2a9e-0000-4000-8000-000000000004", "broker_order_id": "261130000000011", "symbol": "ITC",
         "side": "BUY", "quantity": 10, "local_status": "EXECUTED", "broker_status": "complete",
         "local_fill_price": 450.0, "broker_fill_price": 450.0, "local_filled_quantity": 10,
         "broker_filled_quantity": 8, "differences": ["quantity"]},
        {"order_id": "7f1c2a9e-0000-4000-8000-000000000005", "broker_order_id": "261130000000012", "symbol": "WIPRO",
         "side": "BUY", "quantity": 1, "local_status": "EXECUTED", "broker_status": "complete",
         "local_fill_price": 300.0, "broker_fill_price": 300.0, "local_filled_quantity": 1,
         "broker_filled_quantity": 1, "differences": []},
    ],
    "holdings": [
        {"symbol": "ITC", "local_quantity": 10, "broker_quantity": 8, "differences": ["quantity"]},
        {"symbol": "WIPRO", "local_quantity": 1, "broker_quantity": 1, "differences": []},
    ],
}
AGREEING = {"broker": "angelone", "checked_at": "2026-11-30T10:05:00Z", "agrees": True, "difference_count": 0,
            "orders": [DIFFERING["orders"][4]], "holdings": [DIFFERING["holdings"][1]]}


def test_reconciliation_names_every_difference_and_every_refusal(live_server, browser):
    b = browser()
    b.sign_up(live_server.base_url, unique_email("recon"))
    b.js(STUB_RECONCILIATION, {"status": 200, "body": DIFFERING})
    b.go("/reconciliation")
    b.find('[data-testid="recon-summary"][data-agrees="false"]')
    assert "6 differences" in b.text('[data-testid="recon-summary"]')

    def tags(css: str) -> list[str]:
        return [t.text for t in b.find_all(f"{css} .diff-tag")]

    def highlighted(css: str) -> list[str]:
        return [td.get_attribute("data-col") for td in b.find_all(f"{css} td.cell-diff")]

    missing_at_broker = f'.recon-orders tr[data-order-id="{ORDER_HERE}"]'
    assert tags(missing_at_broker) == ["Missing at the broker"]
    assert highlighted(missing_at_broker) == ["status", "fill_price", "filled_quantity"]
    assert b.count(f"{missing_at_broker} .pair-broker.pair-missing") == 3
    missing_here = '.recon-orders tr[data-broker-order-id="261130000000009"]'
    assert tags(missing_here) == ["Missing here"]
    assert b.count(f"{missing_here} .pair-here.pair-missing") == 3
    both = '.recon-orders tr[data-broker-order-id="261130000000010"]'
    assert tags(both) == ["Different status", "Different fill price"]
    assert highlighted(both) == ["status", "fill_price"]
    assert "2,750.10" in b.text(f'{both} [data-col="fill_price"]')
    quantity = '.recon-orders tr[data-broker-order-id="261130000000011"]'
    assert tags(quantity) == ["Different quantity"]
    assert highlighted(quantity) == ["quantity", "filled_quantity"]
    agreeing = '.recon-orders tr[data-broker-order-id="261130000000012"]'
    assert tags(agreeing) == ["Agrees"] and highlighted(agreeing) == []
    assert "row-diff" not in b.find(agreeing).get_attribute("class")
    assert b.count(".recon-orders tr.row-diff") == 4
    assert tags('.recon-holdings tr[data-symbol="ITC"]') == ["Different quantity"]
    assert highlighted('.recon-holdings tr[data-symbol="ITC"]') == ["local_quantity", "broker_quantity"]
    assert tags('.recon-holdings tr[data-symbol="WIPRO"]') == ["Agrees"]
    b.screenshot("reconciliation-differences")

    def refresh_to(status: int, body: dict) -> None:
        b.js(STUB_RECONCILIATION, {"status": status, "body": body})
        b.js("document.querySelectorAll('.toast').forEach((t) => t.remove())")
        b.click(".reconciliation .page-head .btn")

    # Refresh: all in agreement.
    refresh_to(200, AGREEING)
    b.find('[data-testid="recon-summary"][data-agrees="true"]')
    assert "All in agreement" in b.text('[data-testid="recon-summary"]')
    assert b.count(".recon-table tr.row-diff") == 0

    # The refusals, each with the server's reason and the way on.
    refusals = [
        (409, "your Angel One session is reconnect_needed (AB1007); reconnect it (POST /api/broker/reconnect)",
         "Your broker needs reconnecting", "#/broker"),
        (502, "Angel One did not answer the order book request", "Angel One could not be read", None),
        (404, "no broker account is connected; PUT /api/broker connects one", "Nothing to compare with", "#/broker"),
    ]
    for status, reason, title, link in refusals:
        refresh_to(status, {"error": True, "reason": reason})
        error = f'[data-testid="recon-error"][data-status="{status}"]'
        b.find(error)
        text = b.text(error)
        assert title in text and reason[1:] in text, text
        if link:
            assert b.count(f'{error} a[href="{link}"]') == 1
        else:
            assert b.find(f"{error} button").text == "Try again"
        b.screenshot(f"reconciliation-{status}")

    # The differences on a phone: no sideways scrolling, every control named.
    phone = browser(phone=True)
    phone.sign_up(live_server.base_url, unique_email("recon-phone"))
    phone.js(STUB_RECONCILIATION, {"status": 200, "body": DIFFERING})
    phone.go("/reconciliation")
    phone.find('[data-testid="recon-summary"]')
    assert phone.horizontal_overflow() is None, phone.horizontal_overflow()
    assert phone.unnamed_controls() == []
    phone.screenshot("reconciliation")
