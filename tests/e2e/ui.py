"""A thin layer over Selenium for the StockCart UI: a Browser (one headless Chromium window) with explicit waits,
console collection, screenshots, and the few user journeys the tests share (sign up, log in, wait for live prices).

Every wait is a WebDriverWait on a condition; nothing sleeps and hopes.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    JavascriptException,
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "tests" / "output" / "screenshots"

DESKTOP = (1366, 900)
PHONE = (360, 780)
WAIT = 20.0          # a debug server and Chromium share 2 cores in CI: generous, but every wait ends on a condition
PASSWORD = "correct-horse-battery"


def unique_email(prefix: str = "trader") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def rupees(text: str) -> float:
    """'₹10,00,000.00' / '−₹12.50' / '+2,800.50' → float."""
    cleaned = text.replace("₹", "").replace(",", "").replace("\u2212", "-").replace("+", "").strip()
    return float(cleaned)


# Visible buttons, links, inputs and selects whose accessible name would be empty.
_UNNAMED_CONTROLS = """
  const named = (el) => {
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(' ').some((id) => (document.getElementById(id)?.textContent || '').trim())) return true;
    if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
    if (el.closest('label') && el.closest('label').textContent.trim()) return true;
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) return Boolean((el.title || '').trim());
    return Boolean((el.textContent || '').trim() || (el.title || '').trim());
  };
  return [...document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea')]
    .filter((el) => el.offsetParent !== null && !named(el))
    .map((el) => el.outerHTML.slice(0, 120));
"""


class Browser:
    """One headless Chromium window on the app."""

    def __init__(self, driver: webdriver.Chrome, phone: bool, name: str):
        self.driver = driver
        self.phone = phone
        self.name = name
        self.base_url: Optional[str] = None
        self.console: list[dict] = []

    # ---- lifecycle ---------------------------------------------------------------------------------------------

    @classmethod
    def launch(cls, chromium: tuple[str, str], phone: bool = False, name: str = "") -> "Browser":
        binary, driver_path = chromium
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        width, height = DESKTOP
        for argument in (
            "--headless=new",
            "--no-sandbox",                 # CI containers run as root
            "--disable-dev-shm-usage",      # small /dev/shm in containers
            "--disable-gpu",
            f"--window-size={width},{height}",
            "--force-device-scale-factor=1",
            "--lang=en-IN",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-features=Translate,MediaRouter,OptimizationHints",
        ):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(30)
        if phone:
            # --window-size cannot go below 500 px wide in headless Chromium; resizing the window can.
            driver.set_window_size(*PHONE)
        browser = cls(driver, phone, name)
        browser.assert_viewport()
        return browser

    def assert_viewport(self) -> None:
        width = self.driver.execute_script("return window.innerWidth")
        expected = PHONE[0] if self.phone else DESKTOP[0]
        assert width == expected, f"browser viewport is {width}px wide, expected {expected}px"

    def quit(self) -> None:
        try:
            self.driver.quit()
        except Exception:
            pass

    # ---- navigation ------------------------------------------------------------------------------------------------

    def open(self, base_url: str, path: str = "/") -> None:
        """Loads the app at #<path> (a full page load)."""
        self.base_url = base_url
        self.driver.get(f"{base_url}/#{path}")
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", "page load")

    def go(self, path: str) -> None:
        """In-app navigation (hash change, no reload), as a click on a link does."""
        self.driver.execute_script("window.location.hash = arguments[0]", path)
        self.wait(lambda d: self.hash_path() == path.split("?")[0], f"route {path}")

    def hash_path(self) -> str:
        raw = self.driver.execute_script("return window.location.hash") or "#/"
        return raw[1:].split("?")[0] or "/"

    def hash(self) -> str:
        return self.driver.execute_script("return decodeURIComponent(window.location.hash)")

    # ---- waiting and finding -------------------------------------------------------------------------------------

    def wait(self, condition: Callable[[webdriver.Chrome], Any], what: str, timeout: float = WAIT) -> Any:
        def safe(driver):
            try:
                return condition(driver)
            except (StaleElementReferenceException, NoSuchElementException, JavascriptException):
                return False
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(safe)
        except TimeoutException:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} "
                                 f"(at {self.driver.execute_script('return location.href')})") from None

    def find(self, css: str, timeout: float = WAIT, visible: bool = True) -> WebElement:
        def present(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                if not visible or element.is_displayed():
                    return element
            return False
        return self.wait(present, f"element {css!r}", timeout)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def count(self, css: str) -> int:
        return self.driver.execute_script("return document.querySelectorAll(arguments[0]).length", css)

    def js(self, script: str, *args) -> Any:
        return self.driver.execute_script(script, *args)

    def text(self, css: str) -> str:
        return self._on_current(css, lambda element: element.text)

    def wait_text(self, css: str, predicate: Callable[[str], bool], what: str, timeout: float = WAIT) -> str:
        def check(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                text = element.text
                if element.is_displayed() and predicate(text):
                    return text
            return False
        return self.wait(check, what, timeout)

    def click(self, css: str) -> None:
        def press(element: WebElement) -> None:
            self.js("arguments[0].scrollIntoView({block: 'center'})", element)
            element.click()
        self._on_current(css, press)

    def _on_current(self, css: str, action: Callable[[WebElement], Any], patience: float = 12.0) -> Any:
        """Acts on the element `css` names now: the page re-renders on every pushed event (a signal, a price), so
        an element found a moment ago may have been replaced; a user would act on its replacement, and so do we.
        A toast lying over it (they go after 5 s) is waited out, as a user would, or dismissed."""
        deadline = time.monotonic() + patience
        while True:
            try:
                return action(self.find(css))
            except StaleElementReferenceException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            except ElementClickInterceptedException:
                if time.monotonic() > deadline:
                    raise
                self.dismiss_toasts()
                time.sleep(0.25)

    def dismiss_toasts(self) -> None:
        """Closes every toast through its Dismiss button."""
        self.js("document.querySelectorAll('#toasts .toast-close').forEach((b) => b.click())")

    def type(self, css: str, text: str, clear: bool = True) -> WebElement:
        element = self.find(css)
        if clear:
            element.send_keys(Keys.CONTROL, "a")
            element.send_keys(Keys.DELETE)
        element.send_keys(text)
        return element

    def active_element(self) -> WebElement:
        return self.driver.switch_to.active_element

    # ---- app state -------------------------------------------------------------------------------------------

    def connection_state(self) -> str:
        return self.js("return document.getElementById('conn').dataset.state")

    def wait_live(self, timeout: float = WAIT) -> None:
        self.wait(lambda d: self.connection_state() == "live", "the connection indicator to show live", timeout)

    def cart_badge(self) -> int:
        """The cart count in the navigation (0 when the badge is hidden)."""
        return self.js("""
            const badges = [...document.querySelectorAll('[data-cart-count]')];
            const shown = badges.find((b) => !b.hidden && b.offsetParent !== null);
            return shown ? parseInt(shown.textContent, 10) : 0;""")

    def token(self) -> str:
        session = self.js("return window.sessionStorage.getItem('stockcart.session')")
        assert session, "not signed in (no session in sessionStorage)"
        return json.loads(session)["token"]

    def toasts(self) -> list[str]:
        return self.js("return [...document.querySelectorAll('#toasts .toast')].map((t) => t.innerText)")

    def wait_toast(self, predicate: Callable[[str], bool], what: str, timeout: float = WAIT) -> str:
        def check(_):
            for text in self.toasts():
                if predicate(text):
                    return text
            return False
        return self.wait(check, what, timeout)

    def ltp_values(self) -> dict[str, float]:
        """Market watch: symbol → LTP as shown."""
        return self.js("""
            const out = {};
            for (const row of document.querySelectorAll('tr.watch-row')) {
              const cell = row.querySelector('[data-col="ltp"] .flash-cell');
              if (cell && cell.dataset.value) out[row.dataset.symbol] = Number(cell.dataset.value);
            }
            return out;""")

    # ---- journeys ----------------------------------------------------------------------------------------------

    def sign_up(self, base_url: str, email: str, password: str = PASSWORD) -> None:
        """Signs up through the form, as a new user does, and waits for the market watch with live prices."""
        self.open(base_url, "/signup")
        self.type('input[name="email"]', email)
        self.type('input[name="password"]', password + Keys.ENTER)
        self.wait_market()

    def log_in(self, base_url: str, email: str, password: str = PASSWORD, path: str = "/login") -> None:
        self.open(base_url, path)
        self.type('input[name="email"]', email)
        self.type('input[name="password"]', password + Keys.ENTER)

    def wait_market(self) -> None:
        self.wait(lambda d: self.hash_path() == "/", "the market watch after signing in")
        self.wait(lambda d: self.count("tr.watch-row") == 50, "50 rows in the market watch")
        self.wait_live()

    def log_out(self) -> None:
        self.click("#logout")
        self.wait(lambda d: self.hash_path() == "/login", "the login page after logging out")

    # ---- checks and artefacts ---------------------------------------------------------------------------------

    def horizontal_overflow(self) -> Optional[str]:
        """None when the page does not scroll sideways, else what overflows (for the failure message)."""
        return self.js("""
            const root = document.documentElement;
            if (root.scrollWidth <= root.clientWidth) return null;
            const wide = [...document.querySelectorAll('body *')]
              .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5 && el.offsetParent !== null)
              .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(el.getBoundingClientRect().right)}`);
            return `scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}: ${wide.join(', ')}`;""")

    def unnamed_controls(self) -> list[str]:
        """Visible controls without an accessible name (should be none)."""
        return self.js(_UNNAMED_CONTROLS)

    def screenshot(self, page: str, keep_toasts: bool = False) -> Path:
        """tests/output/screenshots/<desktop|phone>-<page>.png (a stable name, overwritten by each run)."""
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{'phone' if self.phone else 'desktop'}-{page}.png"
        if not keep_toasts:  # toasts come and go; the picture is of the page
            self.js("document.querySelectorAll('.toast').forEach((t) => t.remove());")
        self.driver.save_screenshot(str(path))
        return path

    def save_failure_artifacts(self, name: str) -> None:
        folder = SCREENSHOT_DIR / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        try:
            self.driver.save_screenshot(str(folder / f"{safe}.png"))
            (folder / f"{safe}.html").write_text(self.driver.page_source)
        except Exception as error:  # the window may be gone
            print(f"could not save failure screenshot: {error}")

    def collect_console(self) -> list[dict]:
        try:
            self.console.extend(self.driver.get_log("browser"))
        except Exception:
            pass
        return self.console

    def console_errors(self, allowed: Iterable[re.Pattern] = ()) -> list[dict]:
        """SEVERE console entries, minus the network errors a test provokes on purpose."""
        patterns = list(allowed)
        errors = []
        for entry in self.collect_console():
            if entry.get("level") != "SEVERE":
                continue
            if any(p.search(entry.get("message", "")) for p in patterns):
                continue
            errors.append(entry)
        return errors


def wait_until(condition: Callable[[], Any], what: str, timeout: float = WAIT, interval: float = 0.1) -> Any:
    """Polls a plain Python condition (an API answer, a server log line) until it holds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")
