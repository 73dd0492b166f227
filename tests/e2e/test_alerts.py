"""Price alerts in the browser: the API's validation messages next to the field (min > max), and managing alerts
(pause, resume, edit in a dialog, delete after confirming) with the keyboard alone."""

from __future__ import annotations

import re

from selenium.webdriver.common.keys import Keys

from helpers import Api
from ui import unique_email


def network_error(path: str, status: int) -> re.Pattern:
    return re.compile(rf"{re.escape(path)}\S* - Failed to load resource: the server responded with a status of {status}\b")


def test_min_above_max_is_explained_next_to_the_min_field(live_server, browser, allow_console):
    allow_console.append(network_error("/api/rules", 422))
    b = browser()
    b.sign_up(live_server.base_url, unique_email("minmax"))
    b.go("/stock/TCS")
    b.find('input[name="min_price"]')

    b.type('input[name="min_price"]', "3000")
    b.type('input[name="max_price"]', "2900" + Keys.ENTER)
    message = b.wait_text('[data-field="min_price"] .field-error', lambda t: bool(t), "the min price error")
    assert message == "Min price must not be greater than max price.", message
    min_input = b.find('input[name="min_price"]')
    assert min_input.get_attribute("aria-invalid") == "true"
    described = min_input.get_attribute("aria-describedby")
    error_id = b.js("return document.querySelector('[data-field=min_price] .field-error').id")
    assert error_id in described.split(), "the error is not announced with the field (aria-describedby)"
    assert b.active_element() == min_input, "focus should move to the field at fault"
    assert b.js("return document.querySelector('[data-field=max_price] .field-error').textContent") == ""
    b.screenshot("stock-validation")

    # Nothing was created, and correcting the field clears the message.
    assert Api(live_server.base_url, b.token()).get("/api/rules") == []
    b.type('input[name="min_price"]', "2800")
    b.wait(lambda d: b.find('input[name="min_price"]').get_attribute("aria-invalid") is None, "the error to clear")


def test_manage_alerts_with_the_keyboard(live_server, browser):
    b = browser()
    b.sign_up(live_server.base_url, unique_email("keyboard"))
    api = Api(live_server.base_url, b.token())
    # An alert far below the price, so it keeps watching.
    price = api.get("/api/stocks/INFY")["ltp"]
    rule = api.post("/api/rules", {"symbol": "INFY", "min_price": round(price * 0.5, 1), "max_price": round(price * 0.6, 1)},
                    expect=201)

    b.go("/rules")
    row_css = f'.rules-table tr[data-rule-id="{rule["id"]}"]'
    b.find(row_css)
    assert b.find(row_css).get_attribute("data-state") == "watching"

    # Pause with the keyboard: focus the button and press Enter.
    b.find(f'{row_css} button[data-action="pause"]').send_keys(Keys.ENTER)
    b.wait(lambda d: b.find(row_css).get_attribute("data-state") == "paused", "the alert to pause")
    b.find(f'{row_css} button[data-action="resume"]').send_keys(Keys.ENTER)
    b.wait(lambda d: b.find(row_css).get_attribute("data-state") == "watching", "the alert to resume")

    # Edit in a dialog: focus starts inside, Tab and Shift+Tab never leave it, Escape closes it and focus returns.
    edit = b.find(f'{row_css} button[aria-label^="Edit"]')
    edit.send_keys(Keys.ENTER)
    b.find("dialog.modal[open]")
    assert b.js("return document.querySelector('dialog[open]').contains(document.activeElement)")
    for _ in range(12):
        b.active_element().send_keys(Keys.TAB)
        assert b.js("return document.querySelector('dialog[open]').contains(document.activeElement)"), \
            "Tab moved focus out of the dialog"
    for _ in range(4):
        b.active_element().send_keys(Keys.SHIFT, Keys.TAB)
        assert b.js("return document.querySelector('dialog[open]').contains(document.activeElement)"), \
            "Shift+Tab moved focus out of the dialog"
    b.active_element().send_keys(Keys.ESCAPE)
    b.wait(lambda d: b.count("dialog[open]") == 0, "the dialog to close on Escape")
    assert b.js("return document.activeElement.getAttribute('aria-label') || ''").startswith("Edit"), \
        "focus did not return to the Edit button"

    # Edit for real: new range typed, Enter submits the dialog's form.
    b.active_element().send_keys(Keys.ENTER)
    b.find("dialog.modal[open]")
    new_min, new_max = round(price * 0.55, 1), round(price * 0.65, 1)
    b.type('dialog[open] input[name="min_price"]', str(new_min))
    b.type('dialog[open] input[name="max_price"]', str(new_max) + Keys.ENTER)
    b.wait(lambda d: b.count("dialog[open]") == 0, "the edit dialog to close after saving")
    saved = api.get(f"/api/rules/{rule['id']}")
    assert (saved["min_price"], saved["max_price"]) == (new_min, new_max), saved
    b.screenshot("rules-edited")

    # Delete: a confirmation dialog, confirmed with the keyboard.
    b.find(f'{row_css} button[aria-label^="Delete"]').send_keys(Keys.ENTER)
    b.find('dialog[open] button[data-action="confirm"]')
    b.screenshot("rules-confirm-delete")
    b.find('dialog[open] button[data-action="confirm"]').send_keys(Keys.ENTER)
    b.wait(lambda d: b.count(row_css) == 0, "the row to go")
    b.find(".rules .empty")
    assert api.get("/api/rules") == []
