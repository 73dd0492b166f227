"""The auto-trader and its kill switch, through the real server process.

A strategy on one-minute bars (SMA 1/2: a cross whenever a close turns against the one before, so among twenty
symbols some buy at the first bar close) is created and the auto-trader started. While it holds positions the kill
switch is tripped with a square-off: every open order is cancelled, the auto-trader's positions are sold (flat on the
next ticks with the paper broker), and a new BUY is refused with the reason while a SELL is not. The process is then
killed (SIGKILL) and restarted: the kill switch is still tripped and the auto-trader still stopped, as stored.
Also: signals are listed and pushed over the WebSocket, and bad input is refused naming the field.
"""

from __future__ import annotations

import time
import uuid

from conftest import Api, Socket, wait_until

PASSWORD = "correct horse battery staple"
SYMBOLS = ["RELIANCE", "TCS", "HDFCBANK", "INFY", "ICICIBANK", "HINDUNILVR", "ITC", "SBIN", "BHARTIARTL", "KOTAKBANK",
           "LT", "AXISBANK", "ASIANPAINT", "MARUTI", "SUNPHARMA", "TITAN", "ULTRACEMCO", "WIPRO", "NESTLEIND",
           "BAJFINANCE"]


def signed_in(server) -> Api:
    api = Api(server.base_url)
    api.register(f"auto-{uuid.uuid4().hex[:10]}@example.com", PASSWORD)
    return api


def strategy_body(**overrides) -> dict:
    body = {"name": "fast cross", "kind": "sma-cross", "parameters": {"fast": 1, "slow": 2}, "timeframe": "1m",
            "watchlist": SYMBOLS, "sizing": {"type": "fixed_quantity", "quantity": 1},
            "exits": {"stop_loss_percent": 50}, "enabled": True}
    body.update(overrides)
    return body


def test_kill_switch_squares_off_refuses_buys_and_survives_a_restart(server_factory):
    server = server_factory.start()
    api = signed_in(server)
    listing = api.get("/api/stocks")
    stocks = {stock["symbol"] for stock in (listing["stocks"] if isinstance(listing, dict) else listing)}
    assert set(SYMBOLS) <= stocks
    strategy = api.post("/api/strategies", strategy_body(), expect=201)
    assert strategy["kind"] == "sma-cross" and strategy["enabled"] is True and strategy["mode"] == "paper"
    with Socket(server.ws_url, api.token) as ws:
        ws.wait_for(lambda m: m.get("type") == "welcome", 5, "welcome")
        state = api.post("/api/autotrader/start", {}, expect=200)
        assert state["state"] == "running" and state["enabled_strategies"] == 1, state
        pushed = ws.wait_for(lambda m: m.get("type") == "signal", 150, "a signal pushed over the WebSocket")
        assert pushed["signal"]["strategy_id"] == strategy["id"] and pushed["signal"]["trigger"] == "signal"

    def holding():
        positions = api.get("/api/autotrader")["positions"]
        return [p for p in positions if p["quantity"] > 0] or None

    held = wait_until(holding, 150, "the auto-trader to hold a position")
    assert all(p["stop_loss"] is not None and p["strategy_name"] == "fast cross" for p in held), held

    # Every signal: twenty symbols on one-minute bars make more than a page of them while the position is awaited.
    signals = api.every(f"/api/signals?strategy={strategy['id']}", "signals")
    assert signals and all(s["strategy_id"] == strategy["id"] for s in signals)
    bought = [s for s in signals if s["side"] == "BUY" and s["risk"]["outcome"] == "approved"]
    assert bought and all(s["order_id"] and s["risk"]["quantity"] == 1 for s in bought), signals[:3]
    assert all(s["reason"] == "SMA(1) crossed above SMA(2)" for s in bought)

    # A resting order to be cancelled: a BUY LIMIT far below the market.
    price = api.get("/api/stocks/INFY")["ltp"]
    resting = api.post("/api/orders", {"symbol": "INFY", "side": "BUY", "type": "LIMIT", "quantity": 1,
                                        "limit_price": round(price * 0.5, 1)}, expect=201)

    killed = api.post("/api/autotrader/kill", {"square_off": "autotrader"}, expect=200)
    assert killed["state"] == "stopped" and killed["kill_switch"]["tripped"] is True, killed
    assert killed["kill_switch"]["reason"] == "tripped by the user"
    assert resting["id"] in killed["cancelled_orders"], killed
    assert len(killed["square_off_orders"]) >= len(held), killed
    assert api.get(f"/api/orders/{resting['id']}")["status"] == "CANCELLED"

    def flat():
        portfolio = api.get("/api/portfolio")
        holdings = portfolio.get("holdings", [])
        return all(h["quantity"] == 0 for h in holdings) or None

    wait_until(flat, 30, "the square-off to sell every position")
    for order_id in killed["square_off_orders"]:
        assert api.get(f"/api/orders/{order_id}")["status"] == "EXECUTED"

    refused = api.request("POST", "/api/orders", json={"symbol": "INFY", "side": "BUY", "quantity": 1})
    assert refused.status_code == 409 and refused.json()["field"] == "kill_switch", refused.text
    assert "kill switch tripped" in refused.json()["reason"]
    refused_start = api.request("POST", "/api/autotrader/start", json={})
    assert refused_start.status_code == 409 and refused_start.json()["field"] == "kill_switch"

    server.kill()
    again = server_factory.start(data_dir=server.data_dir)
    api.base_url = again.base_url
    state = api.get("/api/autotrader")
    assert state["state"] == "stopped" and state["kill_switch"]["tripped"] is True, state
    assert state["kill_switch"]["reason"] == "tripped by the user"
    still = api.request("POST", "/api/orders", json={"symbol": "INFY", "side": "BUY", "quantity": 1})
    assert still.status_code == 409 and still.json()["field"] == "kill_switch"

    rearmed = api.post("/api/autotrader/rearm", {}, expect=200)
    assert rearmed["kill_switch"]["tripped"] is False and rearmed["state"] == "stopped"
    api.post("/api/orders", {"symbol": "INFY", "side": "BUY", "quantity": 1}, expect=201)


def test_a_running_auto_trader_is_running_after_a_restart(server_factory):
    server = server_factory.start()
    api = signed_in(server)
    api.post("/api/strategies", strategy_body(watchlist=["INFY"]), expect=201)
    api.post("/api/autotrader/start", {}, expect=200)
    server.kill()
    again = server_factory.start(data_dir=server.data_dir)
    api.base_url = again.base_url
    state = api.get("/api/autotrader")
    assert state["state"] == "running" and state["kill_switch"]["tripped"] is False, state
    stopped = api.post("/api/autotrader/stop", {}, expect=200)
    assert stopped["state"] == "stopped"


def test_strategy_and_auto_trader_input_is_checked_and_owned(server_factory):
    server = server_factory.start()
    api = signed_in(server)
    cases = [
        ({"kind": "momentum"}, "kind"),
        ({"parameters": {"fast": 30, "slow": 10}}, "parameters.fast"),
        ({"parameters": {"fast": 0}}, "parameters.fast"),
        ({"parameters": {"period": 14}}, "parameters.period"),
        ({"watchlist": ["NOTASTOCK"]}, "watchlist[0]"),
        ({"watchlist": []}, "watchlist"),
        ({"timeframe": "2m"}, "timeframe"),
        ({"sizing": {"type": "percent_of_equity", "percent": 150}}, "sizing.percent"),
        ({"sizing": {"type": "lots"}}, "sizing.type"),
        ({"exits": {"stop_loss_percent": 0}}, "exits.stop_loss_percent"),
        ({"exits": {"take_profit_percent": 100}}, "exits.take_profit_percent"),
        ({"name": ""}, "name"),
    ]
    for change, field in cases:
        response = api.request("POST", "/api/strategies", json=strategy_body(**change))
        assert response.status_code == 422, (change, response.text)
        assert response.json()["field"] == field, (change, response.json())
    live = api.request("POST", "/api/strategies", json=strategy_body(mode="live"))
    assert live.status_code == 409 and live.json()["field"] == "mode"
    assert api.get("/api/strategies")["strategies"] == [], "nothing was stored by a refused request"

    mine = api.post("/api/strategies", strategy_body(), expect=201)
    edited = api.request("PATCH", f"/api/strategies/{mine['id']}", json={"parameters": {"fast": 5}})
    assert edited.status_code == 422 and edited.json()["field"] == "parameters.fast", edited.text
    renamed = api.request("PATCH", f"/api/strategies/{mine['id']}", json={"name": "renamed", "timeframe": "5m"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "renamed" and renamed.json()["timeframe"] == "5m"
    assert renamed.json()["parameters"] == {"fast": 1, "slow": 2}

    other = signed_in(server)
    for method, path in [("GET", f"/api/strategies/{mine['id']}"), ("PATCH", f"/api/strategies/{mine['id']}"),
                         ("DELETE", f"/api/strategies/{mine['id']}"),
                         ("POST", f"/api/strategies/{mine['id']}/enable")]:
        response = other.request(method, path, json={"name": "stolen"} if method == "PATCH" else None)
        assert response.status_code == 404, (method, path, response.text)
    assert api.get(f"/api/strategies/{mine['id']}")["name"] == "renamed", "unchanged by the other user"
    assert other.get(f"/api/signals?strategy={mine['id']}")["signals"] == []

    for body, field in [({"max_orders_per_second": 10}, "max_orders_per_second"),
                        ({"max_daily_loss": -5}, "max_daily_loss"), ({"max_open_positions": 0}, "max_open_positions")]:
        response = api.request("PUT", "/api/autotrader/limits", json=body)
        assert response.status_code == 422 and response.json()["field"] == field, response.text
    limits = api.request("PUT", "/api/autotrader/limits", json={"max_daily_loss": 5000, "max_order_value": 100000})
    assert limits.status_code == 200 and limits.json()["limits"]["max_daily_loss"] == 5000
    bad_kill = api.request("POST", "/api/autotrader/kill", json={"square_off": "everything"})
    assert bad_kill.status_code == 422 and bad_kill.json()["field"] == "square_off"
    assert api.get("/api/autotrader")["kill_switch"]["tripped"] is False, "a refused kill changes nothing"
    bad_query = api.request("GET", "/api/signals?strategy=not-a-uuid")
    assert bad_query.status_code == 400 and bad_query.json()["field"] == "strategy"
    assert api.request("DELETE", f"/api/strategies/{mine['id']}").status_code == 204
    assert api.request("GET", f"/api/strategies/{mine['id']}").status_code == 404
