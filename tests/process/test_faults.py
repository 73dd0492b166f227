"""Faults, black-box: the database goes away under a running server (PostgreSQL closed to connections and every
session of it terminated), then comes back.

While it is away the API answers 503 with a reason that says so (never a 500, never a hang), /readyz fails naming the
database, /healthz still answers, and the engine keeps taking ticks (rules firing into a database that cannot store
them are put back, to fire again). Once it is back, everything recovers without a restart: requests succeed, readiness
returns, firings are recorded, and each rule's fire count equals the cart lines it made.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

import requests

from conftest import Api, Socket, psql, wait_until

PASSWORD = "correct horse battery"
OUTAGE_SECONDS = float(os.environ.get("STOCKCART_OUTAGE_SECONDS", "8"))


def close_database(admin_url: str, name: str) -> None:
    psql(admin_url, f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    psql(admin_url, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")


def open_database(admin_url: str, name: str) -> None:
    psql(admin_url, f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")


def test_database_outage_answers_503_and_recovers_without_a_restart(postgres_database, server_factory):
    admin_url = os.environ["STOCKCART_TEST_POSTGRES_URL"]
    name = urlsplit(postgres_database).path.lstrip("/")
    server = server_factory.start(DATABASE_URL=postgres_database, SIM_TICK_MS="100")
    api = Api(server.base_url)
    api.register("outage@example.com", PASSWORD)
    ltp = api.get("/api/stocks/ITC")["ltp"]
    # A re-arming rule around the price: it fires each time the price comes back into its range.
    rule = api.post("/api/rules", {"symbol": "ITC", "min_price": round(ltp * 0.999, 2),
                                   "max_price": round(ltp * 1.001, 2), "mode": "rearm"}, expect=201)
    wait_until(lambda: requests.get(server.base_url + "/readyz", timeout=10).status_code == 200, 30, "readiness")

    with Socket(server.ws_url, api.token) as socket:
        socket.wait_for(lambda m: m.get("type") == "welcome", 10, "welcome")
        socket.send({"type": "subscribe", "symbols": ["ITC"]})
        close_database(admin_url, name)
        try:
            answers = []
            deadline = time.monotonic() + OUTAGE_SECONDS
            while time.monotonic() < deadline:
                started = time.monotonic()
                for method, path, body in (("GET", "/api/rules", None), ("GET", "/api/portfolio", None),
                                           ("POST", "/api/orders", {"symbol": "ITC", "side": "BUY",
                                                                    "type": "MARKET", "quantity": 1})):
                    response = api.request(method, path, json=body,
                                           headers={"Idempotency-Key": f"outage-{time.monotonic_ns()}"})
                    answers.append((path, response.status_code, response.json().get("reason", "")))
                    assert response.status_code != 500, f"{path}: 500 during the outage: {response.text}"
                assert time.monotonic() - started < 20, "a request hung during the outage"
                time.sleep(0.3)
            refused = [a for a in answers if a[1] == 503]
            assert refused, f"no 503 during the outage: {answers[:10]}"
            assert all("database is unavailable" in reason for _, status, reason in refused), refused[:3]
            assert {status for _, status, _ in answers} <= {200, 201, 503}, answers
            response = requests.get(server.base_url + "/api/rules", headers={"Authorization": f"Bearer {api.token}"},
                                    timeout=20)
            assert response.status_code == 503 and response.headers.get("Retry-After") == "5", response.text
            ready = requests.get(server.base_url + "/readyz", timeout=20)
            assert ready.status_code == 503 and ready.json()["database"] == "unreachable", ready.text
            assert requests.get(server.base_url + "/healthz", timeout=5).status_code == 200
            # Prices keep flowing to the socket: the engine never stopped.
            socket.wait_for(lambda m: m.get("type") == "price" and m.get("symbol") == "ITC", 10,
                            "a price during the outage")
        finally:
            open_database(admin_url, name)

    # Back without a restart.
    wait_until(lambda: requests.get(server.base_url + "/readyz", timeout=10).status_code == 200, 30,
               "readiness after the outage")
    wait_until(lambda: api.request("GET", "/api/rules").status_code == 200, 30, "the API after the outage")
    order = api.post("/api/orders", {"symbol": "ITC", "side": "BUY", "type": "MARKET", "quantity": 1}, expect=201)
    wait_until(lambda: api.get(f"/api/orders/{order['id']}")["status"] == "EXECUTED", 30, "an order after the outage")
    # Every firing that was stored made exactly one cart line.
    fired = api.get(f"/api/rules/{rule['id']}")["fire_count"]
    lines = [line for line in api.get("/api/cart")["items"] if (line.get("rule_id") or "").lower() == rule["id"].lower()]
    assert len(lines) == fired, (fired, lines)
    assert server.running
    print(f"outage of {OUTAGE_SECONDS:.0f} s: {len(answers)} requests answered ({len(refused)} × 503, no 500), "
          f"/readyz 503 then 200, the rule fired {fired} times with {len(lines)} cart lines; recovered without a restart")
