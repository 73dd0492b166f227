"""Fixtures for the browser tests: the real `stockcart serve` (tests/helpers.py) and headless Chromium driven by
Selenium through Debian's chromedriver.

* ``live_server``: one server per test module (``SIM_TICK_MS=250``, ``BCRYPT_COST=4``, its own ``DATA_DIR``), started
  from the repo root so it serves ``Public/``. Its log is printed under any test of the module that fails.
* ``server_factory``: servers a test owns (the restart test stops and starts its own).
* ``make_admin``: ``make_admin(email)`` creates an administrator in the module server's database with the server's own
  CLI (``stockcart user create --email E --admin``, the password on stdin), run with the server's environment.
* ``browser``: opens Chromium windows (``browser()`` desktop 1366×900, ``browser(phone=True)`` 360×780). At teardown
  every window's console is checked: any SEVERE entry fails the test, except network errors the test declared it
  provokes (``allow_console``). Failing tests leave a screenshot in tests/output/screenshots/failures/.

Environment: ``E2E_PRINT_CONSOLE=1`` prints every console entry; ``STOCKCART_BIN`` (the binary), ``CHROMIUM_BIN`` / ``CHROMEDRIVER_BIN`` (default: found on PATH),
``STOCKCART_REQUIRE_BIN=1`` / ``STOCKCART_REQUIRE_BROWSER=1`` (scripts/test.sh: a missing binary, browser or chart
library is a failure, not a skip).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for helpers.py
sys.path.insert(0, str(Path(__file__).resolve().parent))      # tests/e2e/, for ui.py

from helpers import (  # noqa: E402,F401  (fixtures and the report hook, for pytest)
    REPO_ROOT,
    Api,
    ServerFactory,
    Socket,
    server_env,
    pytest_runtest_makereport,
    request_failed,
    server_factory,
    stockcart_bin,
)
from ui import Browser, PASSWORD, SCREENSHOT_DIR  # noqa: E402

VENDOR_FILE = REPO_ROOT / "Public" / "vendor" / "lightweight-charts.js"

# What every test's server runs with (on top of helpers.server_env: private DATA_DIR, BCRYPT_COST=4).
SERVER_ENV = {"SIM_TICK_MS": "250", "LOG_LEVEL": "info"}


def _require_or_skip(message: str) -> None:
    if os.environ.get("STOCKCART_REQUIRE_BROWSER") == "1" or os.environ.get("STOCKCART_REQUIRE_BIN") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """(chromium, chromedriver) paths, or a skip (a failure in CI) saying how to install them."""
    browser = os.environ.get("CHROMIUM_BIN") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver = os.environ.get("CHROMEDRIVER_BIN") or shutil.which("chromedriver")
    if not browser or not driver:
        _require_or_skip("Chromium and chromedriver are needed for the browser tests: "
                         "apt-get install chromium chromium-driver (scripts/setup-test-deps.sh does it)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _require_or_skip("selenium is not installed: pip install -r tests/requirements.txt")
    if not VENDOR_FILE.is_file():
        _require_or_skip(f"the chart library is missing ({VENDOR_FILE}): run scripts/fetch-ui-vendor.sh")
    return browser, driver


@pytest.fixture(scope="session", autouse=True)
def _screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture(scope="module")
def live_server(stockcart_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    """One `stockcart serve` for the whole module (each test signs up its own users, so they do not interfere)."""
    factory = ServerFactory(binary=stockcart_bin, workdir=tmp_path_factory.mktemp("stockcart-e2e"))
    try:
        yield factory.start(**SERVER_ENV)
    finally:
        for server in factory.started:
            try:
                server.kill()
            except Exception as error:  # never hide the tests' own failures
                print(f"could not kill stockcart: {error}")


@pytest.fixture(scope="module")
def make_admin(live_server, stockcart_bin: Path) -> Callable[..., str]:
    """make_admin(email, password=PASSWORD) → email: `stockcart user create --email E --admin` with the password as
    standard input's first line (the CLI reads it from there when stdin is not a terminal), in the module server's
    environment (same DATA_DIR, so the same SQLite database the running server uses). Fails with the CLI's output."""

    def create(email: str, password: str = PASSWORD) -> str:
        result = subprocess.run(
            [str(stockcart_bin), "user", "create", "--email", email, "--admin"],
            input=password + "\n", env=live_server.env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, (f"`stockcart user create --email {email} --admin` exited {result.returncode}\n"
                                        f"stdout: {result.stdout}\nstderr: {result.stderr}")
        return email

    return create


@pytest.fixture(autouse=True)
def _server_log_on_failure(request: pytest.FixtureRequest):
    """Prints the module server's log under a failing test (the log tail is where a server-side cause shows)."""
    yield
    if request_failed(request) and "live_server" in request.fixturenames:
        server = request.getfixturevalue("live_server")
        log = server.log()
        print(f"\n===== stockcart (port {server.port}) log, last 200 lines =====")
        print("\n".join(log.splitlines()[-200:]))


@pytest.fixture
def allow_console() -> list[re.Pattern]:
    """Patterns of SEVERE console entries this test provokes on purpose (say a 401 for a wrong password)."""
    return []


@pytest.fixture
def browser(chromium, request: pytest.FixtureRequest, allow_console) -> Callable[..., Browser]:
    """browser(phone=False) → a new Chromium window; all are checked for console errors and closed at teardown."""
    opened: list[Browser] = []

    def open_browser(phone: bool = False) -> Browser:
        instance = Browser.launch(chromium, phone=phone, name=request.node.name)
        opened.append(instance)
        return instance

    yield open_browser

    failed = request_failed(request)
    problems = []
    for index, instance in enumerate(opened):
        try:
            if failed:
                instance.save_failure_artifacts(f"{request.node.name}-{index}")
            errors = instance.console_errors(allowed=allow_console)
            if os.environ.get("E2E_PRINT_CONSOLE") == "1":
                for entry in instance.console:
                    print(f"console[{index}] {entry.get('level')} {entry.get('source')}: {entry.get('message')}")
            if errors:
                problems.append(f"window {index} ({'phone' if instance.phone else 'desktop'}):\n  "
                                + "\n  ".join(f"[{e.get('source', '?')}] {e['message']}" for e in errors))
        finally:
            instance.quit()
    if problems and not failed:
        pytest.fail("errors in the browser console:\n" + "\n".join(problems), pytrace=False)
