"""Another user's id on every user-owned route answers 404 and changes nothing, black-box.

The routes are read from the served OpenAPI document: every operation under /api/ whose path names a record (`{id}`)
is tried, except the administrators' (which act on users by design and are tested in test_security.py). A route
added to the document without a case here fails the test, so a new user-owned record cannot skip the check.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from conftest import Api, server_env, wait_until

PASSWORD = "correct horse battery"

# For each kind of record: how the owner's record is read back (to prove it unchanged), and a body each operation
# is tried with (a valid one, so that only ownership can refuse it).
BODIES = {
    ("patch", "/api/rules/{id}"): {"active": False, "min_price": 1, "max_price": 2},
    ("patch", "/api/cart/{id}"): {"quantity": 7},
    ("patch", "/api/strategies/{id}"): {"timeframe": "1d", "enabled": False},
}
READ_BACK = {
    "rules": lambda api, id: api.get(f"/api/rules/{id}"),
    "cart": lambda api, id: next(line for line in api.get("/api/cart")["items"] if line["id"] == id),
    "orders": lambda api, id: api.get(f"/api/orders/{id}"),
    "strategies": lambda api, id: api.get(f"/api/strategies/{id}"),
    "backtests": lambda api, id: api.get(f"/api/backtests/{id}"),
}
# Fields that move with the market rather than with the record.
VOLATILE = {"ltp", "change", "change_percent", "updated_at", "last_price", "value", "unrealized_pnl"}


def history_csv(path: Path) -> Path:
    lines = ["date,open,high,low,close,volume"]
    for day in range(1, 121):
        price = 1500 + (day % 20) * 5
        lines.append(f"2024-{1 + (day - 1) // 28:02d}-{1 + (day - 1) % 28:02d},{price},{price + 10},{price - 10},"
                     f"{price + 5},1000")
    path.write_text("\n".join(lines) + "\n")
    return path


def stable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in VOLATILE}


def test_every_user_owned_route_answers_404_to_another_user(server_factory, stockcart_bin, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    imported = subprocess.run([str(stockcart_bin), "import-candles", "--symbol", "INFY", "--csv",
                               str(history_csv(tmp_path / "infy.csv"))],
                              capture_output=True, text=True, timeout=120, env=server_env(data_dir))
    assert imported.returncode == 0, imported.stderr
    server = server_factory.start(data_dir=data_dir)
    owner, intruder = Api(server.base_url), Api(server.base_url)
    owner.register(f"owner-{uuid.uuid4().hex[:8]}@example.com", PASSWORD)
    intruder.register(f"intruder-{uuid.uuid4().hex[:8]}@example.com", PASSWORD)

    ltp = owner.get("/api/stocks/ITC")["ltp"]
    records = {
        "rules": owner.post("/api/rules", {"symbol": "ITC", "min_price": round(ltp * 5, 2),
                                           "max_price": round(ltp * 6, 2)}, expect=201)["id"],
        "cart": owner.post("/api/cart", {"symbol": "ITC", "quantity": 2}, expect=201)["id"],
        "orders": owner.post("/api/orders", {"symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 3,
                                             "limit_price": round(ltp / 2, 2)}, expect=201)["id"],
        "strategies": owner.post("/api/strategies", {"kind": "rsi", "watchlist": ["ITC"], "timeframe": "1h"},
                                 expect=201)["id"],
        "backtests": owner.post("/api/backtests", {"symbol": "INFY", "interval": "1d", "kind": "sma-cross",
                                                   "parameters": {"fast": 5, "slow": 20}}, expect=202)["id"],
    }
    wait_until(lambda: owner.get(f"/api/backtests/{records['backtests']}")["status"] == "done", 60,
               "the owner's backtest to finish")
    before = {kind: stable(READ_BACK[kind](owner, id)) for kind, id in records.items()}

    document = owner.get("/openapi.json")
    operations = [(method, path) for path, item in document["paths"].items()
                  if path.startswith("/api/") and "{id}" in path and not path.startswith("/api/admin/")
                  for method in item if method in ("get", "post", "put", "patch", "delete")]
    tried = []
    for method, path in operations:
        kind = path.split("/")[2]
        assert kind in records, f"{method.upper()} {path}: a user-owned route with no record to try it on here"
        url = path.replace("{id}", records[kind])
        body = BODIES.get((method, path))
        response = intruder.request(method.upper(), url, json=body)
        assert response.status_code == 404, f"{method.upper()} {url} as another user: {response.status_code} {response.text}"
        answer = response.json()
        assert answer.get("error") is True and answer.get("reason"), answer
        tried.append(f"{method.upper()} {path}")
    print(f"{len(tried)} operations tried as another user, each 404: {', '.join(tried)}")
    assert len(tried) >= 13, tried

    after = {kind: stable(READ_BACK[kind](owner, id)) for kind, id in records.items()}
    assert after == before, f"the owner's records changed:\nbefore {before}\nafter  {after}"
    # And the intruder's own listings hold none of them.
    assert owner.get("/api/rules") and not intruder.get("/api/rules")
    assert not intruder.get("/api/cart")["items"]
    assert not intruder.get("/api/orders")["orders"]
    assert not intruder.get("/api/strategies")["strategies"]
