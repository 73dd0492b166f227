"""A second user in the same browser (after the first logs out) sees none of the first user's data: not on any page,
not in the badges or notifications kept in the browser, and not in live events."""

from __future__ import annotations

import uuid

from selenium.webdriver.common.keys import Keys

from helpers import Api, Socket
from ui import PASSWORD, unique_email, wait_until

STARTING_CASH = 1_000_000.00


def test_second_user_sees_none_of_the_first_users_data(live_server, browser):
    base = live_server.base_url
    b = browser()

    # --- Alice: an alert that fired (cart item), a manual cart item, an executed order (a holding) ----------------
    alice_email = unique_email("alice")
    b.sign_up(base, alice_email)
    alice = Api(base, b.token())
    price = alice.get("/api/stocks/HDFCBANK")["ltp"]
    alice.post("/api/rules", {"symbol": "HDFCBANK", "min_price": round(price - 30), "max_price": round(price + 30)},
               expect=201)
    alice.post("/api/cart", {"symbol": "ITC", "quantity": 1}, expect=201)
    order = alice.post("/api/orders", {"symbol": "INFY", "side": "BUY", "type": "MARKET", "quantity": 3}, expect=201,
                       headers={"Idempotency-Key": str(uuid.uuid4())})
    wait_until(lambda: alice.get(f"/api/orders/{order['id']}")["status"] == "EXECUTED", "Alice's order to execute")
    # Her browser shows it all, so the checks on Bob below are not vacuous.
    b.wait(lambda d: b.cart_badge() >= 1, "Alice's cart badge")
    b.go("/portfolio")
    b.find('.holdings-table tr[data-symbol="INFY"]')
    b.go("/notifications")
    b.wait(lambda d: b.count(".note") >= 2, "Alice's notifications")
    b.go("/cart")
    b.wait(lambda d: b.count(".cart-line") == 2, "Alice's two cart lines")

    # --- Bob signs up in the same tab, without reloading the page -------------------------------------------------
    b.log_out()
    # Logging out revoked every token of Alice's, the one this test used as well: she signs in again for its API.
    assert alice.request("GET", "/api/rules").status_code == 401
    alice.login(alice_email, PASSWORD)
    b.click('a[href^="#/signup"]')
    b.wait(lambda d: b.hash_path() == "/signup", "the sign-up page")
    bob_email = unique_email("bob")
    b.type('input[name="email"]', bob_email)
    b.type('input[name="password"]', PASSWORD + Keys.ENTER)
    b.wait_market()
    assert b.text("#account-email") == bob_email
    bob = Api(base, b.token())
    assert bob.get("/api/rules") == [] and bob.get("/api/cart")["count"] == 0

    assert b.cart_badge() == 0, "Bob's cart badge shows Alice's count"
    assert b.js("return document.querySelector('[data-unread-count]').hidden"), "Bob sees Alice's unread count"

    b.go("/rules")
    b.find(".rules .empty")
    assert b.count(".rules-table tbody tr") == 0
    b.go("/cart")
    b.find(".cart .empty")
    assert b.count(".cart-line") == 0
    b.go("/orders")
    b.find(".orders .empty")
    assert b.count(".orders-table tbody tr") == 0
    b.go("/portfolio")
    b.find(".holdings-card .empty")
    b.wait(lambda d: float(b.find('[data-testid="cash"]').get_attribute("data-value") or 0) == STARTING_CASH,
           "Bob's untouched cash")
    b.go("/notifications")
    b.find(".notes .empty")
    assert b.count(".note") == 0

    # --- live events: Alice's next firing never reaches Bob's page; Bob's own does ---------------------------------
    b.go("/")
    b.wait_live()
    with Socket(live_server.ws_url, alice.token) as alice_socket:
        alice_socket.wait_for(lambda m: m.get("type") == "welcome", 10, "Alice's welcome")
        price = alice.get("/api/stocks/SBIN")["ltp"]
        alice.post("/api/rules", {"symbol": "SBIN", "min_price": round(price - 20), "max_price": round(price + 20)},
                   expect=201)
        alice_socket.wait_for(lambda m: m.get("type") == "cart.added" and m["item"]["symbol"] == "SBIN", 15,
                              "Alice's SBIN cart.added")
    # Published to Alice before Bob's rule below even exists: had it leaked, Bob's socket would get it first.
    price = bob.get("/api/stocks/TCS")["ltp"]
    bob.post("/api/rules", {"symbol": "TCS", "min_price": round(price - 20), "max_price": round(price + 20)}, expect=201)
    b.wait_toast(lambda t: "TCS added to cart" in t, "Bob's own cart.added toast")
    b.wait(lambda d: b.cart_badge() == 1, "Bob's cart badge to count his one item")
    toasts = b.toasts()
    assert not any("SBIN" in t or "HDFCBANK" in t or "INFY" in t for t in toasts), toasts
    b.go("/notifications")
    b.wait(lambda d: b.count(".note") == 1, "exactly one notification for Bob")
    assert "TCS" in b.text(".note")
