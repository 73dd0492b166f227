"""Black-box tests of the real `stockcart` process over loopback: the command line, the HTTP API, the WebSocket,
the automation engine end to end, crash durability (SIGKILL) and graceful shutdown (SIGTERM)."""

from __future__ import annotations

import subprocess
import signal
import time
import uuid

import pytest

from conftest import Api, Socket, server_env

PASSWORD = "correct-horse-battery"
SYMBOL = "RELIANCE"


def unique_email() -> str:
    return f"trader-{uuid.uuid4().hex[:12]}@example.com"


def same_id(a, b) -> bool:
    """UUIDs compare case-insensitively (Swift prints them in upper case)."""
    return a is not None and b is not None and str(a).lower() == str(b).lower()


def cart_items_for(api: Api, rule_id: str) -> list[dict]:
    cart = api.get("/api/cart")
    assert isinstance(cart.get("items"), list), cart
    assert cart.get("count") == len(cart["items"]), cart
    return [item for item in cart["items"] if same_id(item.get("rule_id"), rule_id)]


def find_rule(api: Api, rule_id: str) -> dict:
    rules = api.get("/api/rules")
    matching = [rule for rule in rules if same_id(rule.get("id"), rule_id)]
    assert len(matching) == 1, f"rule {rule_id} not listed exactly once in GET /api/rules: {rules}"
    return matching[0]


# ----------------------------------------------------------------------------------------------------------------
# command line
# ----------------------------------------------------------------------------------------------------------------

def test_help_lists_subcommands(stockcart_bin):
    result = subprocess.run([str(stockcart_bin), "--help"], capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "serve" in output, output
    assert "migrate" in output, output


def test_migrate_on_fresh_data_dir(stockcart_bin, tmp_path):
    data_dir = tmp_path / "fresh"  # does not exist yet: migrate must create it
    for attempt in (1, 2):  # the second run finds everything applied and must still succeed
        result = subprocess.run([str(stockcart_bin), "migrate"], env=server_env(data_dir), capture_output=True,
                                text=True, timeout=120, cwd=tmp_path)
        assert result.returncode == 0, f"migrate run {attempt} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    assert (data_dir / "stockcart.sqlite").is_file(), list(data_dir.iterdir())


# ----------------------------------------------------------------------------------------------------------------
# the automation engine end to end, and crash durability
# ----------------------------------------------------------------------------------------------------------------

def test_rule_fires_into_cart_and_survives_sigkill(server_factory):
    server = server_factory.start()
    api = Api(server.base_url)
    email = unique_email()
    session = api.register(email, PASSWORD)
    user_id = session["user"]["id"]

    stock = api.get(f"/api/stocks/{SYMBOL}")
    ltp = stock.get("ltp")
    assert isinstance(ltp, (int, float)) and ltp > 20, stock

    with Socket(server.ws_url, api.token) as ws:
        welcome = ws.wait_for(lambda m: m.get("type") == "welcome", 5, "welcome message")
        assert same_id(welcome.get("user_id"), user_id), welcome
        ws.send({"type": "subscribe", "symbols": [SYMBOL]})
        subscribed = ws.wait_for(lambda m: m.get("type") == "subscribed", 5, "subscribed message")
        assert SYMBOL in subscribed.get("symbols", []), subscribed

        # A range around the current price: the next tick is inside it, so the rule fires at once.
        body = {"symbol": SYMBOL, "min_price": round(ltp - 20, 2), "max_price": round(ltp + 20, 2)}
        rule = api.post("/api/rules", body, expect=201)
        rule_id = rule["id"]
        assert rule["mode"] == "once" and rule["fire_count"] == 0, rule

        added = ws.wait_for(lambda m: m.get("type") == "cart.added"
                            and same_id(m.get("item", {}).get("rule_id"), rule_id), 5,
                            f"cart.added for rule {rule_id}")
        item = added["item"]
        assert item["auto_added"] is True, added
        assert item["symbol"] == SYMBOL, added
        assert body["min_price"] <= item["added_price"] <= body["max_price"], added

        # A "once" rule fires once: nothing more for it while we watch for 10 seconds.
        later = ws.collect(10)
        again = [m for m in later if m.get("type") == "cart.added" and same_id(m["item"].get("rule_id"), rule_id)]
        assert again == [], f"rule fired again: {again}"
        assert any(m.get("type") == "price" and m.get("symbol") == SYMBOL for m in later), \
            f"no price message for subscribed {SYMBOL} in 10s: {[m.get('type') for m in later]}"
        fired_events = [m for m in ws.received
                        if m.get("type") == "rule.fired" and same_id(m.get("rule", {}).get("id"), rule_id)]
        assert len(fired_events) == 1, f"expected one rule.fired for {rule_id}: {fired_events}"
        assert fired_events[0]["rule"]["fire_count"] == 1, fired_events

    items = cart_items_for(api, rule_id)
    assert len(items) == 1, f"expected exactly one cart item for rule {rule_id}: {items}"
    assert same_id(items[0]["id"], item["id"]), (items, item)
    fired = find_rule(api, rule_id)
    assert fired["fire_count"] == 1 and fired["state"] == "fired", fired

    # Crash: no shutdown code runs. Everything above must already be durable.
    server.kill()
    restarted = server_factory.start(data_dir=server.data_dir, port=server.port)

    api2 = Api(restarted.base_url)
    again_session = api2.login(email, PASSWORD)
    assert same_id(again_session["user"]["id"], user_id), again_session
    me = api2.get("/api/auth/me")
    assert same_id(me["id"], user_id) and me["email"] == email, me

    rule_after = find_rule(api2, rule_id)
    assert rule_after["fire_count"] == 1, rule_after
    assert rule_after["state"] == "fired", rule_after
    assert rule_after["symbol"] == SYMBOL, rule_after
    assert (rule_after["min_price"], rule_after["max_price"]) == (body["min_price"], body["max_price"]), rule_after

    items_after = cart_items_for(api2, rule_id)
    assert len(items_after) == 1, f"after restart: expected one cart item for rule {rule_id}: {items_after}"
    assert same_id(items_after[0]["id"], item["id"]), (items_after, item)
    assert items_after[0]["auto_added"] is True, items_after

    # The restarted engine must not fire the spent rule again (no duplicate cart line, no new event).
    with Socket(restarted.ws_url, api2.token) as ws:
        ws.wait_for(lambda m: m.get("type") == "welcome", 5, "welcome message after restart")
        later = ws.collect(5)
        duplicates = [m for m in later if m.get("type") in ("cart.added", "rule.fired")]
        assert duplicates == [], f"events after restart for a spent rule: {duplicates}"
    items_final = cart_items_for(api2, rule_id)
    assert len(items_final) == 1, f"5s after restart: expected one cart item for rule {rule_id}: {items_final}"
    assert find_rule(api2, rule_id)["fire_count"] == 1


# ----------------------------------------------------------------------------------------------------------------
# graceful shutdown
# ----------------------------------------------------------------------------------------------------------------

def test_sigterm_shuts_down_gracefully(server_factory):
    server = server_factory.start()
    code = server.terminate(timeout=15)
    log = server.log()
    assert code == 0, f"exit code {code} after SIGTERM (expected 0)\n{log}"
    assert "engine stopped" in log, f"no 'engine stopped' line in the log after SIGTERM:\n{log}"


def test_sigterm_with_open_websocket(server_factory):
    """SIGTERM with a browser connected: the socket gets a 1001 "going away" close frame (so the client knows to
    reconnect), and the server still exits 0 promptly with the engine stopped. The client keeps reading while the
    server shuts down, as a browser does, so it can answer the close handshake."""
    server = server_factory.start()
    api = Api(server.base_url)
    api.register(unique_email(), PASSWORD)
    with Socket(server.ws_url, api.token) as ws:
        ws.wait_for(lambda m: m.get("type") == "welcome", 5, "welcome message")
        ws.send({"type": "subscribe", "symbols": [SYMBOL]})
        ws.wait_for(lambda m: m.get("type") == "subscribed", 5, "subscribed message")
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        close_code = ws.close_code(timeout=5)
        code = server.terminate_wait(timeout=15)
        elapsed = time.monotonic() - started
    log = server.log()
    assert code == 0, f"exit code {code} after SIGTERM with an open WebSocket (expected 0)\n{log}"
    assert "engine stopped" in log, f"no 'engine stopped' line in the log after SIGTERM:\n{log}"
    assert close_code == 1001, f"expected a 1001 close frame, got {close_code}\n{log}"
    assert elapsed < 5, f"shutdown took {elapsed:.1f}s\n{log}"
    assert "Could not stop HTTP server" not in log, log
