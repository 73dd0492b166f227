"""The cart keeps the quantity typed into a line: the server stores it (so a reload shows it), a quantity the server
refuses is explained next to the field, and checkout buys the stored quantity."""

from __future__ import annotations

import re

from selenium.webdriver.common.keys import Keys

from helpers import Api
from ui import unique_email, wait_until


def network_error(path: str, status: int) -> re.Pattern:
    return re.compile(rf"{re.escape(path)}\S* - Failed to load resource: the server responded with a status of {status}\b")


def test_quantity_is_stored_survives_a_reload_and_is_bought(live_server, browser, allow_console):
    allow_console.append(network_error("/api/cart/", 422))  # the refused quantity below, on purpose
    b = browser()
    b.sign_up(live_server.base_url, unique_email("cartqty"))
    api = Api(live_server.base_url, b.token())
    item = api.post("/api/cart", {"symbol": "ITC"}, expect=201)

    def stored() -> int:
        return api.get("/api/cart")["items"][0]["quantity"]

    b.go("/cart")
    field = f'.cart-line[data-item-id="{item["id"]}"] .qty-input'
    error = f'#qty-{item["id"]}-error'
    assert b.find(field).get_attribute("value") == "1"

    # A quantity the server refuses: its reason appears next to the field, announced with it; nothing is stored.
    b.type(field, "0" + Keys.TAB)
    message = b.wait_text(error, lambda t: bool(t), "the quantity error next to the field")
    assert message == "Quantity must be a whole number from 1 to 1000000.", message
    assert b.find(field).get_attribute("aria-invalid") == "true"
    assert f"qty-{item['id']}-error" in b.find(field).get_attribute("aria-describedby").split()
    assert stored() == 1

    # A good one clears the message and is stored after a pause in typing, with no need to leave the field.
    b.type(field, "7")
    b.wait(lambda d: b.find(field).get_attribute("aria-invalid") is None, "the quantity error to clear")
    wait_until(lambda: stored() == 7, "the server to store quantity 7")
    assert b.js("return document.querySelector(arguments[0]).textContent", error) == ""

    # A reload right after typing, before the pause that would save it: the page flushes the save as it unloads.
    b.type(field, "9")
    b.driver.refresh()
    wait_until(lambda: stored() == 9, "the server to store quantity 9 sent while the page unloaded")
    b.wait(lambda d: b.find(field).get_attribute("value") == "9", "the stored quantity after the reload")
    b.type(field, "7" + Keys.TAB)
    wait_until(lambda: stored() == 7, "the server to store quantity 7 again")

    # A reload (a fresh page, nothing kept in the tab) shows the stored quantity.
    b.driver.refresh()
    b.wait(lambda d: b.find(field).get_attribute("value") == "7", "the stored quantity after the reload")
    b.wait_text(".cart-summary button[type=submit]", lambda t: "Place 1 buy order" in t, "the checkout button")

    # Checkout buys it: the order on the orders page and on the server is for 7 shares.
    b.click(".cart-summary button[type=submit]")
    b.wait(lambda d: b.hash_path() == "/orders", "the orders page after checkout")
    row = '.orders-table tr[data-symbol="ITC"]'
    b.wait_text(f'{row} [data-col="quantity"]', lambda t: t == "7", "the order for 7 shares")
    orders = api.get("/api/orders")["orders"]
    assert len(orders) == 1 and orders[0]["quantity"] == 7 and orders[0]["side"] == "BUY", orders
    assert api.get("/api/cart")["count"] == 0
