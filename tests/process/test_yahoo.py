"""`stockcart serve` with MARKET_FEED=yahoo, pointed at the fake Yahoo chart API of the `fake-venues` process: the
charts show the fake's daily history bar for bar (rounded to the ₹0.05 grid, stamped at IST midnight), kept in the
candle store across a restart, and the polled price is the stock's live price.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from conftest import Api, start_fake_venues, wait_until

IST = timezone(timedelta(hours=5, minutes=30))
INSTRUMENTS = ["RELIANCE:2885", "TCS:11536"]


@pytest.fixture
def venues(fake_venues_bin):
    fake = start_fake_venues(fake_venues_bin, [], INSTRUMENTS)
    try:
        yield fake
    finally:
        fake.process.kill()
        fake.process.wait(timeout=10)


def expected_daily(k: int) -> list[dict]:
    """The fake's five daily bars of the k-th instrument (see Sources/FakeVenuesServer), as the server shows them."""
    today = datetime.now(IST).replace(hour=0, minute=0, second=0, microsecond=0)
    bars = []
    for i in range(5):
        open_ = 1000 + 10 * k + i
        day = today - timedelta(days=5 - i)
        bars.append({"time": day.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "open": float(open_),
                     "high": round(open_ + 5.55, 2), "low": round(open_ - 4.95, 2), "close": round(open_ + 1.25, 2),
                     "volume": 1000 * (i + 1)})
    return bars


def daily_candles(api: Api, symbol: str) -> list[dict]:
    return api.get(f"/api/stocks/{symbol}/candles?interval=1d&limit=10")["candles"]


def test_charts_show_yahoo_history_bar_for_bar_and_keep_it_across_a_restart(server_factory, venues):
    env = {"MARKET_FEED": "yahoo", "YAHOO_API_URL": venues.yahoo_url, "YAHOO_MAX_REQUESTS_PER_SECOND": "50",
           "MARKET_SESSION": "always"}
    server = server_factory.start(**env)
    api = Api(server.base_url)
    api.register("yahoo-charts@example.com", "correct horse")
    for k, symbol in enumerate(["RELIANCE", "TCS"]):
        shown = wait_until(lambda: (bars := daily_candles(api, symbol))[:5] == expected_daily(k) and bars, 60,
                           f"{symbol}'s Yahoo history on the chart")
        assert shown[:5] == expected_daily(k), shown
    ltp = wait_until(lambda: api.get("/api/stocks/RELIANCE").get("ltp") == 1006.0 and 1006.0, 30, "the polled price")
    assert ltp == 1006.0
    ready = api.request("GET", "/readyz").json()
    assert ready["feed"] == "yahoo: ok" and ready["feed_state"] == "live", ready

    # After a restart with Yahoo gone, the stored bars are still the chart.
    server.kill()
    venues.process.kill()
    venues.process.wait(timeout=10)
    restarted = server_factory.start(data_dir=server.data_dir, **env)
    api = Api(restarted.base_url, api.token)
    assert daily_candles(api, "TCS")[:5] == expected_daily(1)
