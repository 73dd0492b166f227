"""Signing up and logging in: messages from the API shown where they belong, and sessions that end (expired or
revoked tokens) sending the user to log in and then back to where they were going."""

from __future__ import annotations

import re

from selenium.webdriver.common.keys import Keys

from helpers import Api
from ui import PASSWORD, unique_email


def network_error(path: str, status: int) -> re.Pattern:
    """The console line Chromium writes for a fetch answered with an HTTP error status (not an app error)."""
    return re.compile(rf"{re.escape(path)}\S* - Failed to load resource: the server responded with a status of {status}\b")


def test_wrong_password_shows_message_and_keeps_user_on_login(live_server, browser, allow_console):
    allow_console.append(network_error("/api/auth/login", 401))
    email = unique_email("wrongpw")
    Api(live_server.base_url).register(email, PASSWORD)

    b = browser()
    b.log_in(live_server.base_url, email, "not-the-password")
    message = b.wait_text('[data-testid="form-error"]', lambda t: bool(t.strip()), "the login error message")
    assert message == "Email or password is incorrect.", message
    assert b.js("return document.querySelector('[role=alert][data-testid=form-error]') !== null")
    assert b.find('input[name="password"]').get_attribute("aria-invalid") == "true"
    assert b.hash_path() == "/login"
    assert b.js("return sessionStorage.getItem('stockcart.session')") is None
    b.screenshot("login-error")

    # The right password, typed over the wrong one (it is selected), logs in.
    b.type('input[name="password"]', PASSWORD + Keys.ENTER)
    b.wait_market()


def test_signup_errors_from_the_api_appear_next_to_the_field(live_server, browser, allow_console):
    allow_console.append(network_error("/api/auth/register", 409))
    allow_console.append(network_error("/api/auth/register", 422))
    email = unique_email("taken")
    Api(live_server.base_url).register(email, PASSWORD)

    b = browser()
    b.open(live_server.base_url, "/signup")
    b.type('input[name="email"]', email)
    b.type('input[name="password"]', "short" + Keys.ENTER)
    error = b.wait_text('[data-field="password"] .field-error', lambda t: bool(t), "the password error")
    assert "at least 8 characters" in error, error
    assert b.find('input[name="password"]').get_attribute("aria-invalid") == "true"

    b.type('input[name="password"]', PASSWORD + Keys.ENTER)
    error = b.wait_text('[data-field="email"] .field-error', lambda t: bool(t), "the e-mail error")
    assert error == "Email is already registered.", error
    assert b.find('input[name="email"]').get_attribute("aria-invalid") == "true"
    assert b.active_element() == b.find('input[name="email"]'), "focus should move to the field at fault"


def test_deep_link_while_signed_out_returns_there_after_login(live_server, browser):
    email = unique_email("deeplink")
    Api(live_server.base_url).register(email, PASSWORD)
    b = browser()
    b.open(live_server.base_url, "/stock/TCS")
    b.wait(lambda d: b.hash_path() == "/login", "the login page")
    assert "next=/stock/TCS" in b.hash()
    b.type('input[name="email"]', email)
    b.type('input[name="password"]', PASSWORD + Keys.ENTER)
    b.wait(lambda d: b.hash_path() == "/stock/TCS", "the stock page the user was going to")
    b.find('.stock[data-symbol="TCS"]')


def test_revoked_token_returns_to_login_without_losing_the_page(live_server, browser, allow_console):
    # The tampered token below is refused by the API (401); Chromium logs the refused fetches.
    allow_console.append(network_error("/api/", 401))
    email = unique_email("revoked")
    b = browser()
    b.sign_up(live_server.base_url, email)
    b.go("/orders")
    b.find(".orders .empty")

    # A token whose signature no longer verifies (as after a key rotation), then the page is loaded again.
    b.js("""
        const s = JSON.parse(sessionStorage.getItem('stockcart.session'));
        s.token = s.token.slice(0, -4) + (s.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
        sessionStorage.setItem('stockcart.session', JSON.stringify(s));""")
    b.driver.refresh()
    b.wait(lambda d: b.hash_path() == "/login", "the login page after the token was refused")
    assert "next=/orders" in b.hash(), b.hash()
    b.find(".form-note")  # "Your session has ended…"
    b.wait_toast(lambda t: "Session ended" in t, "the session-ended toast")
    b.screenshot("login-expired")

    b.type('input[name="email"]', email)
    b.type('input[name="password"]', PASSWORD + Keys.ENTER)
    b.wait(lambda d: b.hash_path() == "/orders", "back on the orders page after logging in again")
    b.find(".orders .empty")
    b.wait_live()


def test_key_rotation_ends_live_session_and_returns_after_login(server_factory, browser, allow_console):
    """The server restarts with a new JWT secret: every token is revoked. The open page's socket is refused
    (close code 4401) when it reconnects, and the user is sent to log in, then back to the same page."""
    allow_console.append(network_error("/api/", 401))
    allow_console.append(re.compile(r"WebSocket connection to '\S+/api/ws' failed"))
    allow_console.append(re.compile(r"net::ERR_CONNECTION_REFUSED"))
    server = server_factory.start(SIM_TICK_MS="250", JWT_SECRET="a" * 40)
    email = unique_email("rotated")
    b = browser()
    b.sign_up(server.base_url, email)
    b.go("/portfolio")
    b.find('[data-testid="cash"]')

    assert server.terminate(timeout=15) == 0
    server_factory.start(data_dir=server.data_dir, port=server.port, SIM_TICK_MS="250", JWT_SECRET="b" * 40)
    b.wait(lambda d: b.hash_path() == "/login", "the login page once the new server refuses the old token", timeout=40)
    assert "next=/portfolio" in b.hash(), b.hash()

    b.type('input[name="email"]', email)
    b.type('input[name="password"]', PASSWORD + Keys.ENTER)
    b.wait(lambda d: b.hash_path() == "/portfolio", "back on the portfolio after logging in again")
    b.find('[data-testid="cash"]')
    b.wait_live()
