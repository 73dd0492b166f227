"""The live connection survives a server restart: the indicator shows "reconnecting" when the server goes away
(SIGTERM: graceful shutdown, WebSocket close 1001), "live" again once it is back on the same port and data, the
subscriptions are sent again (prices flow) and events still arrive."""

from __future__ import annotations

import re

from helpers import Api
from ui import unique_email, wait_until

# While the server is down the browser's reconnection attempts fail, and Chromium logs each failure.
DOWNTIME_CONSOLE = [
    re.compile(r"WebSocket connection to '\S+/api/ws' failed"),
    re.compile(r"net::ERR_CONNECTION_REFUSED"),
    re.compile(r"Failed to load resource: net::ERR_CONNECTION_(REFUSED|RESET)"),
]


def test_reconnects_and_resubscribes_after_server_restart(server_factory, browser, allow_console):
    allow_console.extend(DOWNTIME_CONSOLE)
    server = server_factory.start(SIM_TICK_MS="250")
    b = browser()
    b.sign_up(server.base_url, unique_email("restart"))
    b.go("/stock/TCS")
    b.wait(lambda d: int(b.find(".chart-box").get_attribute("data-candles") or 0) > 0, "the chart")

    def ltp() -> str:
        return b.find('[data-testid="stock-ltp"]').get_attribute("data-value")

    seen = {ltp()}
    b.wait(lambda d: seen.add(ltp()) or len(seen) >= 2, "the price to move before the restart")

    # --- the server goes away: "reconnecting" -------------------------------------------------------------------
    assert server.terminate(timeout=20) == 0, server.log()
    b.wait(lambda d: b.connection_state() in ("reconnecting", "offline"), "the indicator to leave live", timeout=10)
    assert b.connection_state() == "reconnecting", f"expected reconnecting first, got {b.connection_state()}"
    assert b.text("#conn") == "Reconnecting…"
    b.screenshot("reconnecting")
    frozen = ltp()

    # --- back on the same port and DATA_DIR: "live", prices flow again ---------------------------------------------
    restarted = server_factory.start(data_dir=server.data_dir, port=server.port, SIM_TICK_MS="250")
    b.wait_live(timeout=45)
    assert b.text("#conn") == "Live"
    after = set()
    b.wait(lambda d: after.add(ltp()) or len(after - {frozen}) >= 2, "prices to flow again after reconnecting")

    # --- and events: an alert set now fires into the cart with a toast ------------------------------------------
    api = Api(restarted.base_url, b.token())  # the token survives: the JWT secret is kept in DATA_DIR
    price = api.get("/api/stocks/TCS")["ltp"]
    api.post("/api/rules", {"symbol": "TCS", "min_price": round(price - 20), "max_price": round(price + 20)}, expect=201)
    b.wait_toast(lambda t: "TCS added to cart" in t, "the cart.added toast after the restart")
    b.wait(lambda d: b.cart_badge() == 1, "the cart badge after the restart")


def set_offline(b, offline: bool) -> None:
    """DevTools network emulation: the browser believes it has no network (navigator.onLine, "offline" event)."""
    b.driver.execute_cdp_cmd("Network.enable", {})
    b.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def test_offline_then_missed_events_are_listed(server_factory, browser, allow_console):
    """With no network the indicator says offline; an order that settles meanwhile is not pushed to this browser,
    but shows up in the notifications once it is back online (reconciled with the server)."""
    allow_console.extend(DOWNTIME_CONSOLE)
    allow_console.append(re.compile(r"net::ERR_INTERNET_DISCONNECTED"))
    server = server_factory.start(SIM_TICK_MS="250")
    b = browser()
    b.sign_up(server.base_url, unique_email("missed"))
    token = b.token()
    b.go("/notifications")
    b.find(".notes .empty")

    # Offline, and the open socket closed under it (the server restarts): nothing can reach this page now.
    set_offline(b, True)
    b.wait(lambda d: b.connection_state() == "offline", "the indicator to show offline", timeout=10)
    assert server.terminate(timeout=20) == 0
    restarted = server_factory.start(data_dir=server.data_dir, port=server.port, SIM_TICK_MS="250")
    assert b.text("#conn") == "Offline"
    b.screenshot("offline")

    api = Api(restarted.base_url, token)
    order = api.post("/api/orders", {"symbol": "ITC", "side": "BUY", "type": "MARKET", "quantity": 2}, expect=201,
                     headers={"Idempotency-Key": "missed-1"})
    wait_until(lambda: api.get(f"/api/orders/{order['id']}")["status"] == "EXECUTED", "the order to execute")
    assert b.connection_state() == "offline" and b.count(".note") == 0

    set_offline(b, False)
    b.wait_live(timeout=30)
    b.wait(lambda d: b.count(".note") >= 1, "the missed execution in the notifications")
    assert "BUY 2 ITC executed" in b.text(".note")
