"""`stockcart serve` with MARKET_FEED=angelone BROKER=angelone LIVE_TRADING=1, pointed at the fake Angel One venues
(the `fake-venues` process: SmartAPI REST, SmartStream, the order-update socket and the instrument master, in their
documented wire formats). A user connects their broker, a rule fires from SmartStream ticks, checkout places a
real-format order at the fake broker, the order-update stream turns it EXECUTED at the trade book's price, and an
order filled while the server was down is settled, not placed again, after a restart.
"""

from __future__ import annotations

import base64
import uuid

import pytest

from conftest import Api, start_fake_venues, wait_until

FEED_ACCOUNT = "feed-key:F100:1111:GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
USER = {"api_key": "user-key", "client_code": "U700", "pin": "2468", "totp_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}
USER_ACCOUNT = f"{USER['api_key']}:{USER['client_code']}:{USER['pin']}:{USER['totp_secret']}"
RELIANCE_TOKEN = "2885"


@pytest.fixture
def venues(fake_venues_bin):
    fake = start_fake_venues(fake_venues_bin, [FEED_ACCOUNT, USER_ACCOUNT], [f"RELIANCE:{RELIANCE_TOKEN}", "TCS:11536"])
    try:
        yield fake
    finally:
        fake.process.kill()
        fake.process.wait(timeout=10)


def live_env(venues) -> dict[str, str]:
    key, client, pin, secret = FEED_ACCOUNT.split(":")
    return {
        "MARKET_FEED": "angelone", "BROKER": "angelone", "LIVE_TRADING": "1", "MARKET_SESSION": "always",
        "MASTER_KEY": base64.b64encode(bytes(range(32))).decode(),
        "ANGELONE_API_URL": venues.api_url, "ANGELONE_STREAM_URL": venues.stream_url,
        "ANGELONE_ORDER_STREAM_URL": venues.order_stream_url, "ANGELONE_INSTRUMENTS_URL": venues.instruments_url,
        "ANGELONE_API_KEY": key, "ANGELONE_CLIENT_CODE": client, "ANGELONE_PIN": pin, "ANGELONE_TOTP_SECRET": secret,
    }


def test_rule_fires_from_smartstream_and_checkout_executes_at_angel_one(server_factory, venues):
    server = server_factory.start(**live_env(venues))
    wait_until(lambda: venues.stats()["stream_subscriptions"] >= 1, 30, "the feed to subscribe")
    ready = wait_until(lambda: Api(server.base_url).request("GET", "/readyz").json().get("feed_state") == "live",
                       30, "readiness to show the live feed")
    assert ready

    api = Api(server.base_url)
    api.register(f"live-{uuid.uuid4().hex[:8]}@example.com", "correct horse")
    # No broker yet: a live order is refused up front, saying what to do.
    early = api.request("POST", "/api/orders", json={"symbol": "RELIANCE", "side": "BUY", "quantity": 1})
    assert early.status_code == 409 and "PUT /api/broker" in early.json()["reason"], early.text

    connected = api.request("PUT", "/api/broker", json=USER, expect=200).json()
    assert connected["state"] == "connected" and connected["client_code"] == "U700", connected
    assert USER["pin"] not in str(connected) and USER["totp_secret"] not in str(connected)

    api.post("/api/rules", {"symbol": "RELIANCE", "min_price": 2740, "max_price": 2760}, expect=201)
    venues.tick(RELIANCE_TOKEN, 275005)
    items = wait_until(lambda: api.get("/api/cart")["items"], 15, "the rule's cart item")
    assert items[0]["added_price"] == 2750.05 and items[0]["auto_added"] is True, items

    checkout = api.post("/api/cart/checkout", {"items": [{"cart_item_id": items[0]["id"], "quantity": 2}]},
                        expect=201, headers={"Idempotency-Key": "live-checkout-1"})
    order_id = checkout["orders"][0]["id"]
    placed = venues.orders()
    assert len(placed) == 1, placed
    assert placed[0]["client_code"] == "U700" and placed[0]["order_type"] == "MARKET", placed
    assert placed[0]["quantity"] == 2 and placed[0]["trading_symbol"] == "RELIANCE-EQ", placed

    wait_until(lambda: venues.stats()["order_sockets"] >= 1, 15, "the user's order-update socket")
    venues.fill(placed[0]["order_id"], 275010)
    order = wait_until(lambda: (o := api.get(f"/api/orders/{order_id}"))["status"] == "EXECUTED" and o, 15,
                       "the order to be EXECUTED")
    assert order["fill_price"] == 2750.10, order
    holdings = api.get("/api/portfolio")["holdings"]
    assert [(h["symbol"], h["quantity"]) for h in holdings] == [("RELIANCE", 2)], holdings


def test_order_filled_while_the_server_is_down_settles_after_restart(server_factory, venues):
    env = live_env(venues)
    server = server_factory.start(**env)
    api = Api(server.base_url)
    api.register(f"restart-{uuid.uuid4().hex[:8]}@example.com", "correct horse")
    api.request("PUT", "/api/broker", json=USER, expect=200)
    wait_until(lambda: venues.stats()["stream_subscriptions"] >= 1, 30, "the feed to subscribe")
    venues.tick("11536", 390000)
    wait_until(lambda: api.get("/api/stocks/TCS").get("ltp") == 3900.0, 15, "the TCS price")
    order = api.post("/api/orders", {"symbol": "TCS", "side": "BUY", "quantity": 1, "type": "LIMIT",
                                     "limit_price": 3900}, expect=201)
    placed = wait_until(lambda: venues.orders(), 10, "the placement")
    assert len(placed) == 1

    server.kill()  # SIGKILL with the order open at the broker
    venues.fill(placed[0]["order_id"], 389995)

    restarted = server_factory.start(data_dir=server.data_dir, **env)
    api = Api(restarted.base_url, api.token)
    settled = wait_until(lambda: (o := api.get(f"/api/orders/{order['id']}"))["status"] == "EXECUTED" and o, 60,
                         "the order to settle after the restart")
    assert settled["fill_price"] == 3899.95, settled
    assert len(venues.orders()) == 1, "the restart placed nothing again"
