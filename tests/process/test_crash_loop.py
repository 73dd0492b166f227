"""Crash loop: the server is SIGKILLed again and again while rules fire and orders and checkouts are in flight, and
afterwards nothing it acknowledged is lost, nothing is duplicated, and every user's cash and holdings are exactly
what their executed orders imply, to the paisa.

Each round starts the server on the same data, retries every request that got no answer before the last kill (with
the same Idempotency-Key: the server either finds what it committed or does it now), sends new load from several
users at once for a random moment, and kills the process mid-stream. The short form (10 kills) runs in the test
command; `make soak` runs 50 (STOCKCART_CRASH_KILLS). The test prints what it checked and the counts.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Optional

import requests

from conftest import Api, free_port, wait_until

PASSWORD = "correct horse battery"
SYMBOLS = ["ITC", "TCS", "INFY", "SBIN"]
KILLS = int(os.environ.get("STOCKCART_CRASH_KILLS", "10"))
USERS = 3
STARTING_CASH_PAISE = 10_00_000_00  # the server's default STARTING_CASH, ₹10,00,000


@dataclass
class Request:
    """One state-changing request: sent until it gets an answer, always with the same Idempotency-Key."""
    user: int
    kind: str  # "order", "checkout" or "rule"
    body: dict
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: Optional[int] = None
    answer: Optional[dict] = None
    attempts: int = 0


@dataclass
class Ledger:
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: Request) -> Request:
        with self.lock:
            self.requests.append(request)
        return request

    @property
    def unanswered(self) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.status is None]


PATHS = {"order": "/api/orders", "checkout": "/api/cart/checkout", "rule": "/api/rules"}


def send(base_url: str, token: str, request: Request) -> None:
    """Sends once; records the answer, or leaves the request unanswered when the connection dies."""
    request.attempts += 1
    headers = {"Authorization": f"Bearer {token}"}
    if request.kind != "rule":
        headers["Idempotency-Key"] = request.key
    try:
        response = requests.post(base_url + PATHS[request.kind], json=request.body, headers=headers, timeout=10)
    except requests.RequestException:
        return
    if response.status_code >= 500:
        return  # not an answer about the request: it is retried
    request.status = response.status_code
    try:
        request.answer = response.json()
    except ValueError:
        request.answer = None


def load(base_url: str, token: str, user: int, ledger: Ledger, stop: threading.Event, rng: random.Random) -> None:
    """One user's traffic until `stop`: market orders, rules that fire at the next tick, and checkouts of the cart."""
    api = Api(base_url, token)
    while not stop.is_set():
        choice = rng.random()
        try:
            if choice < 0.45:
                side = "BUY" if rng.random() < 0.7 else "SELL"
                body = {"symbol": rng.choice(SYMBOLS), "side": side, "type": "MARKET", "quantity": rng.randint(1, 3)}
                send(base_url, token, ledger.add(Request(user, "order", body)))
            elif choice < 0.75:
                symbol = rng.choice(SYMBOLS)
                ltp = api.get(f"/api/stocks/{symbol}")["ltp"]
                body = {"symbol": symbol, "min_price": round(ltp * 0.8, 2), "max_price": round(ltp * 1.2, 2)}
                # A rule has no idempotency key: it is sent once; if the answer is lost it may or may not exist,
                # and either way its firings are checked against the cart below.
                rule_request = ledger.add(Request(user, "rule", body))
                send(base_url, token, rule_request)
                if rule_request.status is None:
                    rule_request.status = -1
            else:
                lines = api.get("/api/cart")["items"]
                if lines:
                    body = {"items": [{"cart_item_id": line["id"]} for line in lines[:3]]}
                    send(base_url, token, ledger.add(Request(user, "checkout", body)))
        except (requests.RequestException, ValueError, AssertionError, KeyError):
            return  # the server is gone (killed): this round is over


def start(server_factory, data_dir, port):
    return server_factory.start(data_dir=data_dir, port=port, SIM_TICK_MS="100", LOGIN_MAX_FAILURES="1000",
                                API_RATE_LIMIT="100000", API_RATE_BURST="1000000")


def test_crash_loop_loses_and_duplicates_nothing(server_factory):
    rng = random.Random(20261130)
    data_dir = server_factory.data_dir("crash-loop")
    port = free_port()
    server = start(server_factory, data_dir, port)
    tokens = []
    for index in range(USERS):
        api = Api(server.base_url)
        api.register(f"crash-{index}-{uuid.uuid4().hex[:6]}@example.com", PASSWORD)
        tokens.append(api.token)
    ledger = Ledger()
    retried = 0
    for round_number in range(KILLS):
        if round_number:
            server = start(server_factory, data_dir, port)
        # What the last kill cut off, sent again with its key.
        for request in ledger.unanswered:
            send(server.base_url, tokens[request.user], request)
            retried += 1
        assert not ledger.unanswered, "a retried request got no answer from a running server"
        stop = threading.Event()
        threads = [threading.Thread(target=load, args=(server.base_url, tokens[user], user, ledger, stop,
                                                        random.Random(rng.random())), daemon=True)
                   for user in range(USERS)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.4, 1.6))
        server.kill()  # SIGKILL: mid-request, mid-commit, whatever was happening
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    # One last start: finish what was cut off, let every market order fill, then stop cleanly and look.
    server = start(server_factory, data_dir, port)
    for request in ledger.unanswered:
        send(server.base_url, tokens[request.user], request)
        retried += 1
    assert not ledger.unanswered
    apis = [Api(server.base_url, token) for token in tokens]

    def settled() -> bool:
        return all(not api.get("/api/orders?status=PENDING")["orders"] for api in apis)

    wait_until(settled, 60, "every market order to leave PENDING")
    orders = {order["id"].lower(): (user, order)
              for user, api in enumerate(apis) for order in api.every("/api/orders", "orders")}
    portfolios = [api.get("/api/portfolio") for api in apis]
    server.terminate(60)

    # 1. Nothing acknowledged is lost: every order an answer named exists, as does every order a checkout made.
    acknowledged = []
    for request in ledger.requests:
        if request.kind == "order" and request.status in (200, 201):
            acknowledged.append(request.answer["id"].lower())
        if request.kind == "checkout" and request.status in (200, 201):
            acknowledged += [order["id"].lower() for order in request.answer["orders"]]
    missing = [order_id for order_id in acknowledged if order_id not in orders]
    assert not missing, f"{len(missing)} acknowledged orders are gone: {missing[:5]}"

    # 2. Nothing duplicated: one order per idempotency key, and a replay named the same orders as the first answer.
    database = sqlite3.connect(data_dir / "stockcart.sqlite")
    try:
        per_key = Counter(key for (key,) in database.execute(
            "SELECT idempotency_key FROM orders WHERE idempotency_key IS NOT NULL AND strategy_id IS NULL"))
        duplicated = [key for key, count in per_key.items() if count > 1]
        # A checkout's orders carry keys derived from the checkout's; each must still be one order.
        assert not duplicated, f"keys with more than one order: {duplicated[:5]}"
        keys_sent = {r.key for r in ledger.requests if r.kind == "order" and r.status in (200, 201)}
        stored_plain = {key for key in per_key if key in keys_sent}
        assert stored_plain == keys_sent, f"{len(keys_sent - stored_plain)} acknowledged order keys have no order"
        # Each firing is one cart line: fire counts equal the lines the rules added, and a once rule fired at most once.
        fired = dict(database.execute("SELECT lower(id), fire_count FROM rules"))
        lines = Counter(rule for (rule,) in database.execute(
            "SELECT lower(rule_id) FROM cart_items WHERE rule_id IS NOT NULL"))
        mismatched = {rule: (count, lines.get(rule, 0)) for rule, count in fired.items() if count != lines.get(rule, 0)}
        assert not mismatched, f"rules whose fire count differs from their cart lines: {list(mismatched.items())[:5]}"
        assert all(count <= 1 for count in fired.values()), "a once rule fired more than once"

        # 3. Cash and holdings are what the executed orders imply, to the paisa, for every user.
        users = [row[0] for row in database.execute("SELECT lower(id) FROM users ORDER BY created_at")]
        for user_id, portfolio in zip(users, portfolios):
            cash = STARTING_CASH_PAISE
            held: dict[str, int] = defaultdict(int)
            for symbol, side, quantity, fill, *charges in database.execute(
                    "SELECT symbol, side, quantity, fill_paise, brokerage_paise, stt_paise, exchange_paise, sebi_paise,"
                    " stamp_paise, gst_paise FROM orders WHERE lower(user_id) = ? AND status = 'EXECUTED'",
                    (user_id,)):
                value, cost = quantity * fill, sum(charges)
                cash += -(value + cost) if side == "BUY" else value - cost
                held[symbol] += quantity if side == "BUY" else -quantity
            stored_cash = database.execute("SELECT cash_paise FROM accounts WHERE lower(user_id) = ?",
                                           (user_id,)).fetchone()[0]
            assert stored_cash == cash, f"user {user_id}: cash {stored_cash} paise, the orders imply {cash}"
            assert round(portfolio["cash"] * 100) == cash, (portfolio["cash"], cash)
            holdings = {h["symbol"]: h["quantity"] for h in portfolio["holdings"]}
            implied = {symbol: quantity for symbol, quantity in held.items() if quantity}
            assert holdings == implied, f"user {user_id}: holdings {holdings}, the orders imply {implied}"
            assert all(quantity >= 0 for quantity in held.values())
    finally:
        database.close()

    kinds = Counter((r.kind, r.status) for r in ledger.requests)
    executed = sum(1 for _, order in orders.values() if order["status"] == "EXECUTED")
    print(f"crash loop: {KILLS} SIGKILLs; {len(ledger.requests)} requests ({dict(sorted(kinds.items(), key=str))}); "
          f"{retried} re-sent after a kill; {len(orders)} orders ({executed} executed), {len(acknowledged)} "
          f"acknowledged and all present; {len(per_key)} idempotency keys, none duplicated; {len(fired)} rules, "
          f"{sum(fired.values())} firings = {sum(lines.values())} cart lines; cash and holdings of {USERS} users "
          f"equal their executed orders to the paisa")
    assert KILLS >= 10 or os.environ.get("STOCKCART_CRASH_KILLS"), "the short form kills at least 10 times"
    assert len(acknowledged) >= KILLS, "too little load reached the server to prove anything"
