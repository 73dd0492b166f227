"""A fuzz suite against the real `stockcart` binary over loopback: thousands of generated malformed requests across
every route, as a careless or hostile user would send them.

Every request the generator makes must be refused, so the assertions are strict: never a 5xx, never a dropped
connection, always the JSON error body (`{"error": true, "reason": "..."}`), the process still alive at the end, and
every user's data (the fuzzer's own as well as the victim's) exactly as it was before.

The generator is seeded (``STOCKCART_FUZZ_SEED``, default 20261130; ``STOCKCART_FUZZ_REQUESTS``, default 2400) so a
failure replays exactly; the seed is printed with every failure.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional

import requests

from conftest import Api

PASSWORD = "correct-horse-battery"
SEED = int(os.environ.get("STOCKCART_FUZZ_SEED", "20261130"))
REQUESTS = int(os.environ.get("STOCKCART_FUZZ_REQUESTS", "2400"))


@dataclass
class Probe:
    """One generated request and the statuses it may be answered with."""

    category: str
    method: str
    path: str
    headers: dict
    body: Optional[bytes]
    allowed: tuple[int, ...]


def j(value) -> bytes:
    return json.dumps(value).encode()


# Values of the wrong type for any field, and numbers beyond every bound (prices above ₹10,00,000, quantities outside
# 1..1,000,000, more than two decimals, numbers no Double holds).
# No `null`: for an optional field it means "absent", which can make a valid request.
WRONG_TYPES = ["abc", "", [], {}, True, ["RELIANCE"], {"$gt": 0}]
BAD_PRICES = [0, -1, -0.05, 0.001, 2750.123, 1_000_000.05, 99_999_999_999.99, 1e15, 1e308, 9223372036854775808]
BAD_QUANTITIES = [0, -1, 1.5, 1_000_001, 9223372036854775807, 9223372036854775808, -9223372036854775808, 1e19]
RAW_NUMBERS = [b"1e400", b"-1e400", b"1e-400", b"NaN", b"Infinity", b"0x10", b"01", b"1.", b".5", b"+1"]


class Generator:
    def __init__(self, rng: random.Random, own: dict, victim: dict):
        self.rng = rng
        self.own = own        # the fuzzer's ids: rule, cart line, order
        self.victim = victim  # another user's ids

    def pick(self, values):
        return self.rng.choice(values)

    # -- bodies that must be refused ------------------------------------------------------------------------------

    def bad_value(self, kind: str):
        """A JSON-encodable value that is wrong for a field of this kind."""
        if kind == "price":
            return self.pick(BAD_PRICES + WRONG_TYPES)
        if kind == "quantity":
            return self.pick(BAD_QUANTITIES + WRONG_TYPES)
        if kind == "symbol":
            return self.pick(["", "NOPE", "reliance!", "A" * 300, 42, [], {}, "RELIANCE\u0000"])
        if kind == "side":
            return self.pick(["", "HOLD", "buy sell", 1, []])
        if kind == "type":
            return self.pick(["STOP", "", 3, [], {}])
        if kind == "mode":
            return self.pick(["always", "", 1, [], True])
        if kind == "id":
            return self.pick(["", "not-a-uuid", 12, [], str(uuid.uuid4())])  # a random id is in no cart
        if kind == "email":
            return self.pick(["", "no-at-sign", "a@b", "@example.com", "a b@example.com", 7, "x" * 300])
        if kind == "active":
            return self.pick(["yes", 1, 0, [], {}, "true"])
        return self.pick(WRONG_TYPES)

    def invalid_body(self, route: str) -> bytes:
        """A well-formed JSON body that the route must refuse (422, or 400/401 where that is the answer)."""
        rng = self.rng
        if route == "register":
            body = {"email": self.bad_value("email"), "password": "correct-horse"}
            if rng.random() < 0.3:
                body = {"email": f"x{rng.randrange(10**9)}@example.com", "password": self.pick(["", "short", 5, "x" * 80])}
            return j(body)
        if route == "login":
            return j({"email": self.pick([self.own["email"], "nobody@example.com", 3]), "password": "wrong-password"})
        if route == "rule.create":
            body = {"symbol": "ITC", "min_price": 100, "max_price": 200}
            key = self.pick(["symbol", "min_price", "max_price", "mode", "active"])
            body[key] = self.bad_value({"min_price": "price", "max_price": "price"}.get(key, key))
            if rng.random() < 0.2:
                body = {"symbol": "ITC", "min_price": 300, "max_price": 200}  # min above max
            return j(body)
        if route == "rule.update":
            key = self.pick(["symbol", "min_price", "max_price", "mode", "active"])
            return j({key: self.bad_value({"min_price": "price", "max_price": "price"}.get(key, key))})
        if route == "cart.add":
            return j(self.pick([{"symbol": self.bad_value("symbol")}, {"symbol": "ITC", "quantity": self.bad_value("quantity")}]))
        if route == "cart.update":
            return j({"quantity": self.bad_value("quantity")})
        if route == "checkout":
            line = self.pick([{"cart_item_id": self.bad_value("id")},
                              {"cart_item_id": self.own["cart"], "quantity": self.bad_value("quantity")},
                              {"cart_item_id": self.victim["cart"]}])
            return j(self.pick([{"items": [line]}, {"items": []}, {"items": self.bad_value("any")},
                                {"items": [line, line]}]))
        if route in ("strategy.create", "strategy.update", "backtest.create"):
            body = {"kind": "sma-cross", "watchlist": ["ITC"]} if route != "backtest.create" else \
                {"symbol": "ITC", "kind": "sma-cross"}
            key = self.pick(["kind", "parameters", "timeframe", "sizing", "exits", "watchlist"
                             if route != "backtest.create" else "symbol"])
            body[key] = {
                "kind": self.pick(["", "momentum", 3, [], None]),
                "parameters": self.pick([{"fast": 30, "slow": 10}, {"fast": 0}, {"fast": 2.5}, {"period": 3},
                                         {"fast": "ten"}, [], 5]),
                "timeframe": self.pick(["2m", "", 5, []]),
                "sizing": self.pick([{"type": "lots"}, {"type": "percent_of_equity", "percent": 0},
                                     {"type": "fixed_quantity", "quantity": 1.5}, {"type": "fixed_amount"}, "all"]),
                "exits": self.pick([{"stop_loss_percent": 0}, {"take_profit_percent": 100},
                                    {"trailing_stop_percent": -1}, {"stop_loss_percent": "5"}, 7]),
                "watchlist": self.pick([[], ["NOPE"], "ITC", [3], ["ITC"] * 51]),
                "symbol": self.bad_value("symbol"),
            }[key]
            if route == "backtest.create" and key == "timeframe":
                body["interval"] = body.pop("timeframe")
            if route == "strategy.update" and key == "kind" and body["kind"] is None:
                body["kind"] = "momentum"  # null leaves a field as it is in an update
            return j(body)
        if route == "autotrader.limits":
            key = self.pick(["max_open_positions", "max_orders_per_second", "max_daily_loss", "max_order_value"])
            bad = {"max_open_positions": [0, -5, 5000, "ten", [], 2.5], "max_orders_per_second": [0, 10, 99, "8"],
                   "max_daily_loss": [0, -5, "ten", [], 1e30, 0.001], "max_order_value": [0, -1, 1e30, 0.001, {}]}
            return j({key: self.pick(bad[key])})
        if route == "order.place":
            body = {"symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": 1.0}
            key = self.pick(["symbol", "side", "type", "quantity", "limit_price"])
            body[key] = self.bad_value({"limit_price": "price"}.get(key, key))
            if rng.random() < 0.15:
                body = {"symbol": "ITC", "side": "BUY", "type": "MARKET", "quantity": 1, "limit_price": 100}
            return j(body)
        raise AssertionError(route)

    def broken_json(self) -> bytes:
        return self.pick([
            b'{"quantity": 5,}', b'{"items": [1,]}', b'{"symbol": "ITC", "symbol": "TCS"}', b"{'symbol': 'ITC'}",
            b'{"symbol": "ITC" /* c */}', b'{"quantity": ' + self.pick(RAW_NUMBERS) + b"}", b'{"symbol": ITC}',
            b'{"symbol": "ITC"', b'{"a":1}{"b":2}', b'{"s": "\xff\xfe"}', b'{"s": "\xc0\xaf"}', b'{"s": "\\ud800"}',
            b'\xef\xbb\xbf{"quantity": 5}', b"   ", b"", b"[" * 100 + b"]" * 100, b"null", b'"ITC"', b"[]",
            bytes(self.rng.randrange(256) for _ in range(self.rng.randrange(1, 200))),
        ])

    def other_content(self, json_body: bytes) -> tuple[Optional[str], bytes]:
        return self.pick([
            ("multipart/form-data; boundary=XYZ", b"garbage\r\n--XYZ\r\nno headers here"),
            ("multipart/form-data; boundary=XYZ",
             b'--XYZ\r\nContent-Disposition: form-data; name="quantity"\r\n\r\n5\r\n--XYZ--\r\n'),
            ("multipart/form-data", b"--\r\n--"),
            ("application/x-www-form-urlencoded", b"min_price=abc&quantity=5&symbol=ITC&side=BUY"),
            ("application/x-www-form-urlencoded", b"%FF=%FF&&=="),
            ("text/plain", json_body),
            (None, json_body),
            ("application/xml", b"<order><quantity>5</quantity></order>"),
            ("application/json; charset=utf-16", json_body),
            ("*/*", json_body),
            ("application/octet-stream", bytes(range(256))),
        ])

    # -- one probe per call ---------------------------------------------------------------------------------------

    BODY_ROUTES = ["register", "login", "rule.create", "rule.update", "cart.add", "cart.update", "checkout",
                   "order.place", "strategy.create", "strategy.update", "backtest.create", "autotrader.limits"]

    def body_route(self, route: str) -> tuple[str, str, bool]:
        """(method, path, needs a token) of a route that reads a body; the path names the fuzzer's own records."""
        return {
            "register": ("POST", "/api/auth/register", False),
            "login": ("POST", "/api/auth/login", False),
            "rule.create": ("POST", "/api/rules", True),
            "rule.update": ("PATCH", f"/api/rules/{self.own['rule']}", True),
            "cart.add": ("POST", "/api/cart", True),
            "cart.update": ("PATCH", f"/api/cart/{self.own['cart']}", True),
            "checkout": ("POST", "/api/cart/checkout", True),
            "order.place": ("POST", "/api/orders", True),
            "strategy.create": ("POST", "/api/strategies", True),
            "strategy.update": ("PATCH", f"/api/strategies/{self.own['strategy']}", True),
            "backtest.create": ("POST", "/api/backtests", True),
            "autotrader.limits": ("PUT", "/api/autotrader/limits", True),
        }[route]

    def probe(self, token: str) -> Probe:
        rng = self.rng
        auth = {"Authorization": f"Bearer {token}"}
        category = self.pick(["wrong value", "wrong value", "wrong value", "broken json", "content type",
                              "oversized", "query", "path", "other user", "auth", "unknown route"])
        if category in ("wrong value", "broken json", "content type", "oversized"):
            route = self.pick(self.BODY_ROUTES)
            method, path, needs_token = self.body_route(route)
            headers = {**auth, "Content-Type": "application/json", "Idempotency-Key": f"fuzz-{rng.randrange(10**12)}"}
            if category == "wrong value":
                # Login with a wrong password is 401 (429 once the throttle has seen enough), a non-string e-mail 422.
                allowed = (401, 422, 429) if route == "login" else (400, 404, 409, 422)
                return Probe(category, method, path, headers, self.invalid_body(route), allowed)
            if category == "broken json":
                body = self.broken_json()
                allowed = (400, 422)  # 422: valid JSON of the wrong shape (null, "ITC", [])
                return Probe(category, method, path, headers, body, allowed)
            if category == "content type":
                content_type, body = self.other_content(j({"symbol": "ITC", "quantity": 1}))
                if content_type is None:
                    headers.pop("Content-Type")
                else:
                    headers["Content-Type"] = content_type
                return Probe(category, method, path, headers, body, (415,))
            size = rng.choice([65 * 1024, 100 * 1024, 300 * 1024, 1024 * 1024])
            body = b'{"symbol": "' + b"A" * size + b'"}'
            return Probe(category, method, path, headers, body, (413,))
        if category == "query":
            path = self.pick([
                "/api/stocks/RELIANCE/candles?interval=", "/api/stocks/RELIANCE/candles?limit=",
                "/api/stocks/candles?symbols=RELIANCE&interval=", "/api/stocks/candles?symbols=RELIANCE&limit=",
                "/api/stocks/candles?symbols=", "/api/orders?status=", "/api/stocks?search=", "/api/stocks?sector=",
                "/api/signals?strategy=", "/api/signals?symbol=", "/api/stocks/ITC/indicators?indicators=",
                "/api/stocks/ITC/indicators?interval=", "/api/performance?from=", "/api/performance?to=",
                "/api/performance?strategy=",
            ])
            value = self.pick(["%FF", "%C0%AF", "%E2%82", "%ED%A0%80", "%F4%90%80%80", "%FE%FF", "x%FFy"])
            if rng.random() < 0.25:
                name = path.rsplit("?", 1)[1].split("&")[-1].rstrip("=")
                path = path + "1&" + name + "=2"  # the parameter twice
            else:
                path = path + value
            return Probe(category, "GET", path, auth, None, (400,))
        if category == "path":
            path = self.pick([
                "/api/rules/%FF", "/api/cart/%C0%AF", "/api/orders/%FF/cancel", "/api/stocks/%FF",
                "/api/stocks/%FF/candles", "/api/rules/not-a-uuid", "/api/orders/" + "9" * 40,
                "/api/stocks/NOPE", "/api/stocks/NOPE/candles", f"/api/rules/{uuid.uuid4()}",
                f"/api/orders/{uuid.uuid4()}/cancel", "/%FF", "/api/%00",
            ])
            method = self.pick(["GET", "DELETE", "PATCH", "POST"])
            body = j({"active": True}) if method == "PATCH" else None
            headers = {**auth, "Content-Type": "application/json"} if body else auth
            return Probe(category, method, path, headers, body, (400, 404, 405))
        if category == "other user":
            # Valid requests on another user's records: 404, and nothing of theirs changes.
            v = self.victim
            method, path, body = self.pick([
                ("GET", f"/api/rules/{v['rule']}", None),
                ("PATCH", f"/api/rules/{v['rule']}", j({"active": True, "min_price": 1})),
                ("DELETE", f"/api/rules/{v['rule']}", None),
                ("PATCH", f"/api/cart/{v['cart']}", j({"quantity": 9})),
                ("DELETE", f"/api/cart/{v['cart']}", None),
                ("GET", f"/api/orders/{v['order']}", None),
                ("POST", f"/api/orders/{v['order']}/cancel", None),
                ("POST", "/api/cart/checkout", j({"items": [{"cart_item_id": v["cart"]}]})),
                ("GET", f"/api/strategies/{v['strategy']}", None),
                ("PATCH", f"/api/strategies/{v['strategy']}", j({"name": "taken"})),
                ("DELETE", f"/api/strategies/{v['strategy']}", None),
                ("POST", f"/api/strategies/{v['strategy']}/enable", None),
                ("GET", f"/api/performance?strategy={v['strategy']}", None),
            ])
            headers = {**auth, "Idempotency-Key": f"fuzz-{rng.randrange(10**12)}"}
            if body:
                headers["Content-Type"] = "application/json"
            allowed = (422,) if path.endswith("checkout") else (404,)
            return Probe(category, method, path, headers, body, allowed)
        if category == "auth":
            path = self.pick(["/api/auth/me", "/api/rules", "/api/cart", "/api/orders", "/api/portfolio",
                              "/api/stocks", f"/api/rules/{self.own['rule']}", "/api/charges"])
            header = self.pick([
                None, "", "Bearer", "Bearer ", "Bearer garbage", "Basic dXNlcjpwYXNz", "bearer " + token[:-4] + "AAAA",
                "Bearer " + token + "x", "Bearer " + ".".join(token.split(".")[:2]) + ".",
                "Bearer eyJhbGciOiJub25lIn0." + token.split(".")[1] + ".",
            ])
            headers = {} if header is None else {"Authorization": header}
            return Probe(category, self.pick(["GET", "POST", "PATCH", "DELETE"]), path, headers, None, (401, 404))
        path = self.pick(["/api/nothing", "/api/rules/a/b/c", "/api/../etc/passwd", "/api/cart/checkout/x",
                          "/api/stocks/RELIANCE/candles/extra", "/api/ws"])
        method = self.pick(["GET", "PUT", "OPTIONS", "TRACE", "POST"])
        # 403: a path that climbs out with `..` is refused by the static-file layer.
        return Probe(category, method, path, auth, None, (400, 403, 404, 405, 426))


def snapshot(api: Api) -> dict:
    """Everything a user owns, without what moves with the market (live prices, P&L)."""
    rules = sorted((r["id"], r["symbol"], r["min_price"], r["max_price"], r["mode"], r["state"], r["fire_count"],
                    r["updated_at"]) for r in api.get("/api/rules"))
    cart = sorted((c["id"], c["symbol"], c["quantity"], c.get("rule_id")) for c in api.get("/api/cart")["items"])
    orders = sorted((o["id"], o["symbol"], o["side"], o["status"], o["quantity"], o.get("limit_price"),
                     o.get("fill_price")) for o in api.get("/api/orders")["orders"])
    portfolio = api.get("/api/portfolio")
    holdings = sorted((h["symbol"], h["quantity"], h["average_price"]) for h in portfolio["holdings"])
    strategies = sorted((s["id"], s["name"], s["kind"], str(sorted(s["parameters"].items())), s["enabled"],
                         s["updated_at"]) for s in api.get("/api/strategies")["strategies"])
    return {"rules": rules, "cart": cart, "orders": orders, "cash": portfolio["cash"],
            "reserved": portfolio["reserved_cash"], "holdings": holdings, "strategies": strategies,
            "autotrader": api.get("/api/autotrader")["limits"]}


def make_user(api: Api) -> dict:
    """A user with one rule that cannot fire, one cart line, one resting order and one holding."""
    email = f"fuzz-{uuid.uuid4().hex[:10]}@example.com"
    api.register(email, PASSWORD)
    ltp = api.get("/api/stocks/ITC")["ltp"]
    rule = api.post("/api/rules", {"symbol": "ITC", "min_price": round(ltp * 5, 2), "max_price": round(ltp * 6, 2)},
                    expect=201)
    cart = api.post("/api/cart", {"symbol": "ITC", "quantity": 2}, expect=201)
    order = api.post("/api/orders", {"symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 3,
                                     "limit_price": round(ltp / 2, 2)}, expect=201)
    bought = api.post("/api/orders", {"symbol": "ITC", "side": "BUY", "type": "MARKET", "quantity": 1}, expect=201)
    deadline = time.monotonic() + 30
    while api.get(f"/api/orders/{bought['id']}")["status"] != "EXECUTED":
        assert time.monotonic() < deadline, "the market order never filled"
        time.sleep(0.2)
    strategy = api.post("/api/strategies", {"kind": "rsi", "watchlist": ["ITC"], "timeframe": "1h"}, expect=201)
    return {"email": email, "rule": rule["id"], "cart": cart["id"], "order": order["id"], "strategy": strategy["id"]}


def test_fuzz_every_route(server_factory):
    # Thousands of requests as fast as they go: far past the per-user request limit, which is not what is fuzzed here.
    server = server_factory.start(LOGIN_MAX_FAILURES="1000", API_RATE_LIMIT="100000", API_RATE_BURST="1000000")
    fuzzer, victim = Api(server.base_url), Api(server.base_url)
    own, others = make_user(fuzzer), make_user(victim)
    before = {"fuzzer": snapshot(fuzzer), "victim": snapshot(victim)}

    rng = random.Random(SEED)
    generator = Generator(rng, own, others)
    session = requests.Session()
    failures: list[str] = []
    statuses: Counter = Counter()
    categories: Counter = Counter()
    paths: set[str] = set()
    for number in range(REQUESTS):
        probe = generator.probe(fuzzer.token)
        categories[probe.category] += 1
        paths.add(probe.path.split("?")[0])
        where = f"#{number} [{probe.category}] {probe.method} {probe.path} {(probe.body or b'')[:120]!r}"
        try:
            response = session.request(probe.method, server.base_url + probe.path, headers=probe.headers,
                                       data=probe.body, timeout=15, allow_redirects=False)
        except requests.RequestException as error:
            failures.append(f"{where}: connection failed: {error!r}")
            session = requests.Session()
            if not server.running:
                break
            continue
        statuses[response.status_code] += 1
        problem = None
        if response.status_code >= 500:
            problem = "server error"
        elif response.status_code not in probe.allowed:
            problem = f"expected one of {probe.allowed}"
        elif probe.method != "HEAD":
            try:
                payload = response.json()
            except ValueError:
                payload = None
            if not (isinstance(payload, dict) and payload.get("error") is True
                    and isinstance(payload.get("reason"), str) and payload["reason"]):
                problem = "no JSON error body"
        if problem:
            failures.append(f"{where}: {problem}: HTTP {response.status_code} {response.text[:300]!r}")
        if len(failures) >= 25:
            break

    summary = (f"seed {SEED}, {sum(categories.values())} requests, categories {dict(categories)}, "
               f"statuses {dict(sorted(statuses.items()))}")
    print(summary)
    assert not failures, summary + "\n" + "\n".join(failures)
    assert server.running, f"the server died\n{server.log()}"
    assert sum(categories.values()) >= 2000, summary
    assert requests.get(server.base_url + "/healthz", timeout=5).status_code == 200
    after = {"fuzzer": snapshot(fuzzer), "victim": snapshot(victim)}
    assert after == before, f"data changed:\nbefore {before}\nafter  {after}"
    # Every route that reads a body, and every kind of record path, was reached.
    for route in Generator.BODY_ROUTES:
        assert generator.body_route(route)[1] in paths, f"{route} never fuzzed ({summary})"
