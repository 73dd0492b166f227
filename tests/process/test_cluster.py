"""Several instances on one PostgreSQL behind nginx, black-box.

Two `stockcart serve` processes share a fresh database and the JWT secret; nginx balances round-robin in front of
them (no sticky sessions, WebSockets proxied). The market's symbols are shared out through leases; every instance
shows one market; a rule created through the balancer fires exactly once on the instance that runs its symbol and
its `cart.added` reaches a socket connected to the other; orders placed and cancelled through either instance reach
the one that runs their symbol. Then the owner of a symbol is SIGKILLed mid-stream: the survivor takes its symbols
within 10 seconds and a second rule on that symbol fires once; and when it comes back the symbols are shared again.
"""

from __future__ import annotations

import subprocess
import time

import requests

from conftest import Api, Nginx, Socket, free_port, postgres_database, server_env, wait_until  # noqa: F401

PASSWORD = "correct horse battery"
SECRET = "cluster-tests-share-this-jwt-secret-0123456789"


def owned(server) -> int:
    try:
        return requests.get(server.base_url + "/readyz", timeout=5).json().get("symbols_owned", -1)
    except (requests.RequestException, ValueError):
        return -1


def cluster_view(api: Api) -> dict:
    return api.get("/api/cluster")


def owner_of(view: dict, symbol: str) -> str | None:
    return next((i["id"] for i in view["instances"] if symbol in i["symbols"]), None)


def same_id(a, b) -> bool:
    return str(a).lower() == str(b).lower()


def fire_rule_and_wait(api: Api, socket: Socket, symbol: str) -> dict:
    ltp = api.get(f"/api/stocks/{symbol}")["ltp"]
    rule = api.post("/api/rules", {"symbol": symbol, "min_price": round(ltp * 0.9, 2),
                                   "max_price": round(ltp * 1.1, 2)}, expect=201)
    added = socket.wait_for(lambda m: m.get("type") == "cart.added"
                            and same_id(m.get("item", {}).get("rule_id"), rule["id"]), 15,
                            f"cart.added for the rule on {symbol}")
    return {"rule": rule, "added": added}


def test_two_instances_behind_nginx_share_the_market_and_survive_a_sigkill(postgres_database, server_factory,
                                                                            stockcart_bin, tmp_path):
    env = {"DATABASE_URL": postgres_database, "JWT_SECRET": SECRET, "SIM_TICK_MS": "250", "LOGIN_MAX_FAILURES": "1000",
           "TRUSTED_PROXIES": "127.0.0.1"}
    first = server_factory.start(**env)
    time.sleep(2)  # a later start: without the tick relay the two simulators' walks would differ
    second = server_factory.start(**env)
    wait_until(lambda: owned(first) == 25 and owned(second) == 25, 15, "the 50 symbols shared 25/25")
    nginx = Nginx(prefix=tmp_path / "nginx", port=free_port()).start([first.port, second.port])
    try:
        created = subprocess.run([str(stockcart_bin), "user", "create", "--email", "ops@example.com", "--admin"],
                                 input=PASSWORD + "\n", capture_output=True, text=True, timeout=120,
                                 env=server_env(first.data_dir, **env))
        assert created.returncode == 0, created.stderr
        ops = Api(nginx.base_url)
        ops.login("ops@example.com", PASSWORD)
        view = cluster_view(ops)
        assert view["clustered"] is True and len(view["instances"]) == 2, view
        assert sorted(len(i["symbols"]) for i in view["instances"]) == [25, 25], view
        assert not set(view["instances"][0]["symbols"]) & set(view["instances"][1]["symbols"])
        first_id = requests.get(first.base_url + "/readyz", timeout=5).json()["instance"]
        second_id = requests.get(second.base_url + "/readyz", timeout=5).json()["instance"]
        of_second = sorted(next(i["symbols"] for i in view["instances"] if same_id(i["id"], second_id)))
        of_first = sorted(next(i["symbols"] for i in view["instances"] if same_id(i["id"], first_id)))

        # One market: each instance shows the same price for a symbol, whichever instance runs it.
        for symbol in of_first[:3] + of_second[:3]:
            def agree(symbol=symbol):
                a = requests.get(f"{first.base_url}/api/stocks/{symbol}", headers={"Authorization": f"Bearer {ops.token}"},
                                 timeout=5).json()["ltp"]
                b = requests.get(f"{second.base_url}/api/stocks/{symbol}", headers={"Authorization": f"Bearer {ops.token}"},
                                 timeout=5).json()["ltp"]
                return a == b
            wait_until(agree, 10, f"both instances to show the same price for {symbol}")

        user = Api(nginx.base_url)
        user.register("trader@example.com", PASSWORD)
        with Socket(first.ws_url, user.token) as socket:  # connected to the first instance only
            socket.wait_for(lambda m: m.get("type") == "welcome", 10, "welcome")
            # A rule on a symbol the second instance runs, created through the balancer: it fires there, once, and
            # the event reaches the socket on the first.
            symbol = of_second[0]
            fired = fire_rule_and_wait(user, socket, symbol)
            rule_id = fired["rule"]["id"]
            later = socket.collect(3)
            assert not [m for m in later if m.get("type") == "cart.added"
                        and same_id(m["item"].get("rule_id"), rule_id)], "the rule fired twice"
            assert user.get(f"/api/rules/{rule_id}")["fire_count"] == 1
            lines = [l for l in user.get("/api/cart")["items"] if same_id(l.get("rule_id"), rule_id)]
            assert len(lines) == 1, lines

            # Orders through the first instance for a symbol the second runs: filled there, and cancellable.
            direct = Api(first.base_url, user.token)
            bought = direct.post("/api/orders", {"symbol": symbol, "side": "BUY", "type": "MARKET", "quantity": 1},
                                 expect=201)
            wait_until(lambda: direct.get(f"/api/orders/{bought['id']}")["status"] == "EXECUTED", 15,
                       "a market order routed to the owner to fill")
            socket.wait_for(lambda m: m.get("type") == "order.updated"
                            and same_id(m["order"]["id"], bought["id"]) and m["order"]["status"] == "EXECUTED",
                            10, "order.updated for the fill on the first instance's socket")
            ltp = direct.get(f"/api/stocks/{symbol}")["ltp"]
            resting = direct.post("/api/orders", {"symbol": symbol, "side": "BUY", "type": "LIMIT", "quantity": 1,
                                                  "limit_price": round(ltp * 0.5, 2)}, expect=201)
            time.sleep(0.5)
            cancelled = direct.post(f"/api/orders/{resting['id']}/cancel", None, expect=200)
            assert cancelled["status"] == "CANCELLED", cancelled
            # An idempotency key holds across instances: the retry through the other instance finds the order.
            body = {"symbol": symbol, "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": round(ltp * 0.5, 2)}
            placed = direct.request("POST", "/api/orders", json=body, headers={"Idempotency-Key": "cluster-once"})
            assert placed.status_code == 201, placed.text
            retried = Api(second.base_url, user.token).request("POST", "/api/orders", json=body,
                                                               headers={"Idempotency-Key": "cluster-once"})
            assert retried.status_code == 200 and same_id(retried.json()["id"], placed.json()["id"]), retried.text

            # SIGKILL the owner of that symbol mid-stream: the first takes everything over within 10 seconds.
            killed_at = time.monotonic()
            second.kill()
            wait_until(lambda: owned(first) == 50, 10, "the survivor to run all 50 symbols")
            takeover = time.monotonic() - killed_at
            # A second rule on the same symbol, through the balancer (nginx skips the dead instance): it fires once.
            again = fire_rule_and_wait(user, socket, symbol)
            first_firing = time.monotonic() - killed_at
            assert user.get(f"/api/rules/{again['rule']['id']}")["fire_count"] == 1
            assert user.get(f"/api/rules/{rule_id}")["fire_count"] == 1, "the first rule fired again after the takeover"

            # The second instance comes back: the symbols are shared again, and its symbols fire as before.
            back = server_factory.start(data_dir=second.data_dir, **env)
            wait_until(lambda: owned(first) == 25 and owned(back) == 25, 15, "the symbols shared again after the return")
            back_id = requests.get(back.base_url + "/readyz", timeout=5).json()["instance"]
            view = cluster_view(ops)
            returned = sorted(next(i["symbols"] for i in view["instances"] if same_id(i["id"], back_id)))
            # (A fresh socket: the first one went unread while the instance restarted, longer than the heartbeat.)
            with Socket(first.ws_url, user.token) as fresh:
                fresh.wait_for(lambda m: m.get("type") == "welcome", 10, "welcome")
                third = fire_rule_and_wait(user, fresh, returned[0])
            assert user.get(f"/api/rules/{third['rule']['id']}")["fire_count"] == 1

            # A graceful stop (SIGTERM) hands the symbols over at once, not when the leases run out.
            stopping_at = time.monotonic()
            assert back.terminate(60) == 0
            wait_until(lambda: owned(first) == 50, 5, "the survivor to take the stopped instance's symbols")
            handover = time.monotonic() - stopping_at
    finally:
        nginx.stop()
    print(f"cluster: 2 instances 25/25; one market; rule on the other instance's symbol fired once, event relayed; "
          f"order routed and filled, another cancelled; SIGKILL → survivor ran all 50 after {takeover:.1f} s, first "
          f"firing on the taken-over symbol {first_firing:.1f} s after the kill; rebalanced 25/25 after the return; "
          f"SIGTERM handed its symbols over in {handover:.1f} s (exit included)")
    assert takeover <= 10
