"""Administration and account security in the browser: an administrator (made with `stockcart user create --admin`)
sees the Admin entry, the system's health, the cluster (one SQLite server: alone, with every symbol), the users
(disabling one through the confirmation locks them out of the API at once, enabling lets them back in) and the audit
log with its filters; anyone else is refused with "administrators only". Changing the password keeps the tab signed
in on a new token while the old one is refused; logging out revokes the token on the server; a user whose account is
disabled is sent to log in, told why."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.keys import Keys

from helpers import Api
from ui import PASSWORD, unique_email

ADMIN_EMAIL = "admin@example.com"
NEW_PASSWORD = "a-brand-new-passphrase"


def network_error(path: str, status: int) -> re.Pattern:
    """The console line Chromium writes for a fetch answered with an HTTP error status (not an app error)."""
    return re.compile(rf"{re.escape(path)}\S* - Failed to load resource: the server responded with a status of {status}\b")


@pytest.fixture(scope="module")
def admin(make_admin) -> str:
    """The module's administrator (one per server: a second `user create` for the same e-mail is refused)."""
    return make_admin(ADMIN_EMAIL)


def me_status(base_url: str, token: str) -> int:
    return Api(base_url, token).request("GET", "/api/auth/me").status_code


def audit_rows(b) -> list[dict]:
    return b.js("""
        return [...document.querySelectorAll('.audit-table tbody tr')].map((row) => ({
          action: row.dataset.action, email: row.dataset.email, text: row.innerText }));""")


def apply_audit_filter(b, user: str = "", action: str = "") -> None:
    b.type('[data-testid="audit-form"] input[name="user"]', user)
    b.type('[data-testid="audit-form"] input[name="action"]', action)
    b.click('[data-testid="audit-apply"]')


def user_row(email: str) -> str:
    return f'.users-table tr[data-email="{email}"]'


def cluster_instances(b) -> list[dict]:
    return b.js("""
        return [...document.querySelectorAll('[data-testid="cluster-instance"]')].map((row) => ({
          id: row.dataset.instanceId, self: row.dataset.this, symbols: Number(row.dataset.symbols),
          chips: row.querySelectorAll('.cluster-chip').length }));""")


def test_admin_disables_and_enables_a_user_and_reads_the_audit_log(live_server, browser, admin, allow_console):
    allow_console.append(network_error("/api/admin/users/", 409))  # disabling one's own account, on purpose
    base = live_server.base_url
    email = unique_email("member")
    member_id = Api(base).register(email, PASSWORD)["user"]["id"]
    member_token = Api(base).login(email, PASSWORD)["token"]  # the audit log gets an auth.login of theirs
    assert me_status(base, member_token) == 200

    b = browser()
    b.log_in(base, admin)
    b.wait_market()
    entry = b.find('.topbar [data-nav="admin"]')
    assert entry.get_attribute("href").endswith("#/admin")
    entry.click()
    b.wait(lambda d: b.hash_path() == "/admin", "the administration page")

    # Health: the database answers.
    b.find('[data-testid="health-database"][data-ok="true"]')
    assert b.text('[data-testid="health-database"] dd').startswith("OK"), b.text('[data-testid="health-database"] dd')
    assert b.find('[data-testid="health-status"]').get_attribute("data-status") in ("ok", "degraded")
    assert int(b.text('[data-testid="health-users"] dd').split(" ")[0].replace(",", "")) >= 2
    b.click('[data-testid="health-refresh"]')
    b.find('[data-testid="health-database"][data-ok="true"]')

    # The cluster: this SQLite server runs alone, every symbol its own, none unowned.
    b.find('[data-testid="cluster-card"][data-clustered="false"]')
    clustered = b.text('[data-testid="cluster-clustered"] dd')
    assert clustered.startswith("No"), clustered
    instances = cluster_instances(b)
    ready = Api(base).get("/readyz", expect=None)  # the instance is named whether or not it is ready
    assert len(instances) == 1, instances
    assert instances[0]["id"].lower() == ready["instance"].lower(), (instances, ready)
    assert instances[0]["self"] == "true", instances
    assert instances[0]["symbols"] == 50 and instances[0]["chips"] == 50, instances
    assert b.count('[data-testid="cluster-unowned"]') == 0
    b.click('[data-testid="cluster-refresh"]')
    b.find('[data-testid="cluster-card"][data-clustered="false"] [data-testid="cluster-instance"]')

    # The users: the member is listed, active.
    b.find(user_row(email))
    assert b.text(f'{user_row(email)} [data-testid="user-status"]').lower() == "active"
    assert b.text(f'{user_row(ADMIN_EMAIL)} [data-testid="user-role"]').lower() == "admin"

    # Disabling asks first; "Keep it" changes nothing.
    b.click(f'{user_row(email)} [data-testid="user-toggle"]')
    b.find("dialog[open]")
    assert b.active_element().get_attribute("data-action") == "cancel", "a destructive confirmation starts on Keep it"
    b.click('dialog[open] [data-action="cancel"]')
    b.wait(lambda d: b.count("dialog[open]") == 0, "the confirmation to close")
    assert b.find(user_row(email)).get_attribute("data-disabled") == "false"

    b.click(f'{user_row(email)} [data-testid="user-toggle"]')
    b.click('dialog[open] [data-action="confirm"]')
    b.wait(lambda d: b.find(user_row(email)).get_attribute("data-disabled") == "true", "the row to show the account disabled")
    assert b.text(f'{user_row(email)} [data-testid="user-status"]').lower() == "disabled"
    b.wait_toast(lambda t: "Account disabled" in t, "the disabled toast")

    # Their token (issued before) is refused at once with 403, and so is logging in again.
    response = Api(base, member_token).request("GET", "/api/auth/me")
    assert response.status_code == 403, response.text
    assert "disabled" in response.json()["reason"], response.text
    refused = Api(base).request("POST", "/api/auth/login", json={"email": email, "password": PASSWORD})
    assert refused.status_code == 403, refused.text

    # An administrator cannot disable their own account: the API's reason in a toast.
    b.click(f'{user_row(ADMIN_EMAIL)} [data-testid="user-toggle"]')
    b.click('dialog[open] [data-action="confirm"]')
    b.wait_toast(lambda t: "cannot disable your own account" in t.lower(), "the 409 refusal's reason")
    assert b.find(user_row(ADMIN_EMAIL)).get_attribute("data-disabled") == "false"

    # Enabling needs no confirmation; the member can log in again.
    b.click(f'{user_row(email)} [data-testid="user-toggle"]')
    b.wait(lambda d: b.find(user_row(email)).get_attribute("data-disabled") == "false", "the row to show the account active")
    assert b.text(f'{user_row(email)} [data-testid="user-status"]').lower() == "active"
    assert me_status(base, Api(base).login(email, PASSWORD)["token"]) == 200

    # The audit log, filtered by action prefix: the administrators' actions only, the disable among them.
    apply_audit_filter(b, action="admin.*")

    def admin_actions(_):
        rows = audit_rows(b)
        return (rows and all(r["action"].startswith("admin.") for r in rows)
                and any(r["action"] == "admin.user_disabled" and (email in r["text"] or member_id in r["text"])
                        for r in rows)) and rows
    rows = b.wait(admin_actions, "the disable entry in the audit log filtered by admin.*")
    assert any(r["action"] == "admin.user_enabled" for r in rows), rows
    disabled_entry = next(r for r in rows if r["action"] == "admin.user_disabled")
    assert disabled_entry["email"] == ADMIN_EMAIL, disabled_entry  # the administrator did it
    b.screenshot("admin-audit")

    # Filtered by the member's e-mail: their own entries, their login among them.
    apply_audit_filter(b, user=email)

    def member_entries(_):
        rows = audit_rows(b)
        return rows and all(r["email"] == email for r in rows) and any(r["action"] == "auth.login" for r in rows)
    b.wait(member_entries, "the member's login in the audit log filtered by their e-mail")

    # A period that ends before anything happened: nothing matches. (The value is set as the input would after typing:
    # what to type into a datetime-local control depends on the browser's locale.)
    b.js("""
        const input = document.querySelector('[data-testid="audit-form"] input[name="to"]');
        input.value = '2020-01-01T09:30';
        input.dispatchEvent(new Event('input', { bubbles: true }));""")
    b.click('[data-testid="audit-apply"]')
    b.find('[data-testid="audit-empty"]')
    b.click('[data-testid="audit-clear"]')
    b.wait(lambda d: len(audit_rows(b)) >= 3, "the whole audit log again")
    assert b.find('[data-testid="audit-form"] input[name="user"]').get_attribute("value") == ""

    b.js("window.scrollTo(0, 0)")
    b.screenshot("admin")


def test_admin_page_fits_a_phone(live_server, browser, admin):
    b = browser(phone=True)
    b.log_in(live_server.base_url, admin)
    b.wait_market()
    tab = b.find('.tabbar [data-nav="admin"]')
    tab.click()
    b.wait(lambda d: b.hash_path() == "/admin", "the administration page")
    assert b.find('.tabbar [data-nav="admin"]').get_attribute("aria-current") == "page"
    b.find('[data-testid="health-database"][data-ok="true"]')
    b.find(user_row(ADMIN_EMAIL))
    b.wait(lambda d: len(audit_rows(b)) >= 1, "the audit log")
    b.find('[data-testid="cluster-instance"]')
    b.js("document.querySelectorAll('.cluster-symbols').forEach((folded) => { folded.open = true; })")
    for width in (360, 390):
        b.driver.set_window_size(width, 844)
        b.wait(lambda d: b.js("return window.innerWidth") == width, f"a {width} px viewport")
        overflow = b.horizontal_overflow()
        assert overflow is None, f"the admin page scrolls sideways at {width} px: {overflow}"
        # Each table row is a stacked card: the Disable button is on screen without scrolling sideways.
        right, visible = b.js(f"""
            const button = document.querySelector('{user_row(ADMIN_EMAIL)} [data-testid=user-toggle]');
            return [button.getBoundingClientRect().right, document.documentElement.clientWidth];""")
        assert right <= visible, f"the Disable button is off screen at {width} px ({right} > {visible})"
    assert b.unnamed_controls() == [], b.unnamed_controls()
    b.screenshot("admin")
    b.js("document.querySelector('.admin-users').scrollIntoView()")
    b.screenshot("admin-users")


def test_a_normal_user_sees_no_admin_entry_and_is_refused(live_server, browser, allow_console):
    allow_console.append(network_error("/api/admin/", 403))
    b = browser()
    b.sign_up(live_server.base_url, unique_email("plain"))
    assert b.count('[data-nav="admin"]') >= 1
    shown = b.js("return [...document.querySelectorAll('[data-nav=admin]')].filter((el) => el.offsetParent !== null).length")
    assert shown == 0, "a normal user must not see the Admin entry"

    b.go("/admin")
    denied = b.wait_text('[data-testid="admin-denied"]', lambda t: "administrators only" in t.lower(), "the refusal")
    assert "administrators only" in denied.lower(), denied
    assert b.count(".users-table") == 0 and b.count(".audit-table") == 0
    assert b.hash_path() == "/admin", "a 403 for this page must not sign the user out"
    b.go("/orders")
    b.find(".orders .empty")


def test_changing_the_password_keeps_this_tab_and_revokes_the_old_token(live_server, browser, allow_console):
    # Refusals provoked on purpose (a wrong current password), and calls with the old token that cross the change.
    allow_console.append(network_error("/api/auth/password", 422))
    allow_console.append(network_error("/api/", 401))
    base = live_server.base_url
    email = unique_email("passwd")
    b = browser()
    b.sign_up(base, email)
    old_token = b.token()

    b.click("#account-link")
    b.wait(lambda d: b.hash_path() == "/account", "the account page")
    assert b.text('[data-testid="account-user-email"]') == email

    def fill(current: str, new: str, confirm: str) -> None:
        b.type('input[name="current_password"]', current)
        b.type('input[name="new_password"]', new)
        b.type('input[name="confirm_password"]', confirm + Keys.ENTER)

    # Checked here: too short, not the same twice (no request is sent).
    fill(PASSWORD, "short", "short")
    error = b.wait_text('[data-field="new_password"] .field-error', bool, "the short password error")
    assert "at least 8 characters" in error, error
    fill(PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    b.wait_text('[data-field="confirm_password"] .field-error', lambda t: "not the same" in t, "the mismatch error")
    assert b.find('input[name="confirm_password"]').get_attribute("aria-invalid") == "true"

    # The server's refusal, under the field it names.
    fill("not-my-password", NEW_PASSWORD, NEW_PASSWORD)
    error = b.wait_text('[data-field="current_password"] .field-error', bool, "the wrong current password error")
    assert "current password is incorrect" in error.lower(), error
    assert b.active_element() == b.find('input[name="current_password"]')
    assert me_status(base, old_token) == 200

    fill(PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    b.wait_toast(lambda t: "Password changed" in t and "signed out" in t, "the password-changed toast")
    new_token = b.token()
    assert new_token != old_token
    assert me_status(base, old_token) == 401, "the token from before the change must be revoked"
    assert me_status(base, new_token) == 200
    assert b.find('input[name="current_password"]').get_attribute("value") == ""

    # The tab carries on with the new token: live prices again, pages load, still signed in.
    b.wait_live()
    b.go("/orders")
    b.find(".orders .empty")
    assert b.hash_path() == "/orders"
    assert b.token() == new_token

    # The new password logs in; the old one does not.
    assert Api(base).login(email, NEW_PASSWORD)["token"]
    assert Api(base).request("POST", "/api/auth/login", json={"email": email, "password": PASSWORD}).status_code == 401


def test_logout_revokes_the_token_on_the_server(live_server, browser):
    base = live_server.base_url
    b = browser()
    b.sign_up(base, unique_email("logout"))
    token = b.token()
    assert me_status(base, token) == 200
    b.log_out()
    assert b.js("return sessionStorage.getItem('stockcart.session')") is None
    assert me_status(base, token) == 401, "logging out must revoke the token on the server"
    b.wait_toast(lambda t: "Logged out" in t, "the logged-out toast")


def test_a_disabled_account_is_signed_out_and_told_why(live_server, browser, admin, allow_console):
    allow_console.append(network_error("/api/", 403))
    allow_console.append(network_error("/api/", 401))
    base = live_server.base_url
    email = unique_email("locked")
    b = browser()
    b.sign_up(base, email)
    b.go("/orders")
    b.find(".orders .empty")
    member_id = Api(base, b.token()).get("/api/auth/me")["id"]

    admin_api = Api(base)
    admin_api.login(admin, PASSWORD)
    admin_api.post(f"/api/admin/users/{member_id}/disable", {})
    # The server closes the member's socket; the app asks why (403) and signs out. The status poll (every 30 s) would
    # find out too, whence the longer wait.
    b.wait(lambda d: b.hash_path() == "/login", "the login page after the account was disabled", timeout=45)
    notice = b.wait_text('[data-testid="login-disabled"]', lambda t: "disabled" in t, "the reason on the login page")
    assert "disabled by an administrator" in notice.lower(), notice
    assert b.js("return sessionStorage.getItem('stockcart.session')") is None
    b.screenshot("login-disabled")

    # Logging in is refused with the same reason (after the right password).
    b.type('input[name="email"]', email)
    b.type('input[name="password"]', PASSWORD + Keys.ENTER)
    message = b.wait_text('[data-testid="form-error"]', lambda t: "disabled" in t, "the login refusal")
    assert "disabled by an administrator" in message.lower(), message

    admin_api.post(f"/api/admin/users/{member_id}/enable", {})
    b.type('input[name="password"]', PASSWORD + Keys.ENTER)
    b.wait_market()
