"""Helpers shared by the black-box test suites (tests/process and tests/e2e): the real `stockcart` binary, over
loopback. Each suite's conftest.py imports what it needs from here (fixtures and the report hook included, so pytest
finds them there).

* ``stockcart_bin``: the executable (env ``STOCKCART_BIN``, default ``.build/debug/stockcart`` in the repo root);
  every test that needs it is skipped with a clear message when it has not been built (with
  ``STOCKCART_REQUIRE_BIN=1``, as scripts/test.sh sets, that is a failure instead).
* ``server_factory``: starts ``stockcart serve`` processes on a free port with their own ``DATA_DIR``; whatever
  happens, every process it started is SIGKILLed at teardown, and the server logs are printed when the test failed.
* ``Api`` / ``Socket``: thin HTTP and WebSocket clients whose failures say what the server answered.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import websocket  # websocket-client

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "stockcart"

# Every variable AppConfig reads (Sources/API/Config/AppConfig.swift). The tests clear them all so a developer's or
# CI machine's environment (say a DATABASE_URL) cannot leak into the server under test.
CONFIG_VARIABLES = (
    "HOST", "PORT", "DATA_DIR", "DATABASE_URL", "JWT_SECRET", "MARKET_FEED", "BROKER", "SIM_SEED", "SIM_TICK_MS",
    "CORS_ORIGINS", "LOG_LEVEL", "STARTING_CASH", "BROKERAGE", "MAX_RULES_PER_USER", "STALE_QUOTE_SECONDS",
    "BCRYPT_COST", "LOGIN_MAX_FAILURES", "LOGIN_WINDOW_SECONDS", "PRICE_COALESCE_MS", "MARKET_SESSION",
    "LIVE_TRADING", "MASTER_KEY", "ANGELONE_API_URL", "ANGELONE_STREAM_URL", "ANGELONE_ORDER_STREAM_URL",
    "ANGELONE_INSTRUMENTS_URL", "ANGELONE_API_KEY", "ANGELONE_CLIENT_CODE", "ANGELONE_PIN", "ANGELONE_TOTP_SECRET",
    "ANGELONE_DAILY_LOGIN_AT", "ANGELONE_RATE_LIMITS", "API_RATE_LIMIT", "API_RATE_BURST", "TLS_CERT", "TLS_KEY",
    "TRUSTED_PROXIES",
)

STARTUP_TIMEOUT = 60.0  # a debug build on a busy 2-core CI machine can be slow to migrate and bind
HTTP_TIMEOUT = 10.0


# --------------------------------------------------------------------------------------------------------------
# pytest plumbing
# --------------------------------------------------------------------------------------------------------------

@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Stores each phase's report on the item so fixtures can tell, at teardown, whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def request_failed(request: pytest.FixtureRequest) -> bool:
    """Whether the requesting test's setup or call phase failed (needs pytest_runtest_makereport in the conftest)."""
    return _failed(request)


def _failed(request: pytest.FixtureRequest) -> bool:
    return any(getattr(getattr(request.node, "rep_" + when, None), "failed", False) for when in ("setup", "call"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def stockcart_bin() -> Path:
    """The stockcart executable under test, or a skip that says how to build it."""
    configured = os.environ.get("STOCKCART_BIN")
    path = Path(configured) if configured else DEFAULT_BIN
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not (path.is_file() and os.access(path, os.X_OK)):
        message = (f"stockcart binary not found at {path}: build it first with "
                   f"`swift build --product stockcart` (or set STOCKCART_BIN)")
        if os.environ.get("STOCKCART_REQUIRE_BIN") == "1":  # CI (scripts/test.sh): a missing binary is a failure
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The process environment for a server under test: clean config, a private DATA_DIR, fast bcrypt."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.update({"DATA_DIR": str(data_dir), "BCRYPT_COST": "4", "LOG_LEVEL": "info"})
    env.update(extra)
    return env


# --------------------------------------------------------------------------------------------------------------
# server processes
# --------------------------------------------------------------------------------------------------------------

@dataclass
class ServerProcess:
    """One running `stockcart serve`; output goes to ``log_path``."""

    binary: Path
    data_dir: Path
    port: int
    log_path: Path
    env: dict[str, str] = field(repr=False)
    process: Optional[subprocess.Popen] = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/ws"

    def start(self) -> "ServerProcess":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(self.binary), "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                cwd=REPO_ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"

    def wait_healthy(self, timeout: float = STARTUP_TIMEOUT) -> "ServerProcess":
        """Polls GET /healthz until it answers 200; fails with the server log if it exits or never does."""
        deadline = time.monotonic() + timeout
        last_error: Any = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"stockcart exited with code {self.process.returncode} before becoming "
                                     f"healthy on port {self.port}\n--- server log ---\n{self.log()}")
            try:
                response = requests.get(self.base_url + "/healthz", timeout=2)
                if response.status_code == 200 and response.json().get("status") == "ok":
                    return self
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
            except (requests.RequestException, ValueError) as error:
                last_error = error
            time.sleep(0.2)
        raise AssertionError(f"stockcart not healthy on port {self.port} after {timeout:.0f}s "
                             f"(last: {last_error})\n--- server log ---\n{self.log()}")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would: no shutdown code runs."""
        if self.running:
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    def terminate_wait(self, timeout: float) -> int:
        """Waits for a process already signalled; the exit code (fails if it does not exit in time)."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"stockcart did not exit within {timeout:.0f}s\n"
                                 f"--- server log ---\n{self.log()}") from None

    def terminate(self, timeout: float) -> int:
        """SIGTERM and wait; the exit code (fails if the process does not exit in time)."""
        assert self.running, f"server already exited with {self.process.returncode}\n{self.log()}"
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"stockcart did not exit within {timeout:.0f}s of SIGTERM\n"
                                 f"--- server log ---\n{self.log()}") from None


@dataclass
class ServerFactory:
    binary: Path
    workdir: Path
    started: list[ServerProcess] = field(default_factory=list, repr=False)

    def data_dir(self, name: str = "data") -> Path:
        path = self.workdir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def start(self, data_dir: Optional[Path] = None, port: Optional[int] = None, wait: bool = True,
              **env: str) -> ServerProcess:
        """Starts `stockcart serve` (new free port and DATA_DIR unless given) and waits for /healthz."""
        data_dir = data_dir or self.data_dir()
        server = ServerProcess(binary=self.binary, data_dir=data_dir, port=port or free_port(),
                               log_path=self.workdir / f"server-{len(self.started) + 1}.log",
                               env=server_env(data_dir, **env))
        self.started.append(server)
        server.start()
        if wait:
            server.wait_healthy()
        return server


@pytest.fixture
def server_factory(stockcart_bin: Path, tmp_path: Path, request: pytest.FixtureRequest):
    factory = ServerFactory(binary=stockcart_bin, workdir=tmp_path)
    try:
        yield factory
    finally:
        for server in factory.started:
            try:
                server.kill()
            except Exception as error:  # never let cleanup hide the test's own failure
                print(f"could not kill stockcart pid {server.process.pid if server.process else '?'}: {error}")
        if _failed(request):
            for index, server in enumerate(factory.started, start=1):
                print(f"\n===== stockcart server #{index} (port {server.port}, DATA_DIR {server.data_dir}, "
                      f"exit {server.process.returncode if server.process else None}) =====")
                print(server.log())


# --------------------------------------------------------------------------------------------------------------
# PostgreSQL: a database of its own per test, on the run's throwaway server
# --------------------------------------------------------------------------------------------------------------

@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A fresh database on the test PostgreSQL (STOCKCART_TEST_POSTGRES_URL, set by scripts/test.sh), dropped
    afterwards; its URL. Skips saying why when there is none, unless STOCKCART_REQUIRE_POSTGRES=1 (CI)."""
    url = os.environ.get("STOCKCART_TEST_POSTGRES_URL")
    if not url:
        message = "STOCKCART_TEST_POSTGRES_URL is not set (scripts/test.sh sets it): no PostgreSQL for this test"
        if os.environ.get("STOCKCART_REQUIRE_POSTGRES") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    name = "stockcart_proc_" + uuid.uuid4().hex[:12]
    psql(url, f"CREATE DATABASE {name}")
    yield urlunsplit(urlsplit(url)._replace(path="/" + name))
    psql(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", check=False)


def psql(url: str, sql: str, check: bool = True) -> subprocess.CompletedProcess:
    """Runs one SQL statement with psql against `url`."""
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qtAc", sql], check=check, capture_output=True,
                          text=True, timeout=60)


# --------------------------------------------------------------------------------------------------------------
# nginx: the load balancer in front of several instances
# --------------------------------------------------------------------------------------------------------------

NGINX_CONFIG = """
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    upstream stockcart {{
{servers}
        keepalive 64;
    }}
    # A WebSocket upgrade passes its Upgrade on; any other request keeps its upstream connection open for the next.
    map $http_upgrade $connection_upgrade {{ default upgrade; '' ''; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://stockcart;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 3600s;
            proxy_next_upstream error timeout http_502;  # a POST is resent only if it never reached an instance
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""


@dataclass
class Nginx:
    """nginx (Debian's) balancing round-robin over some instances; no sticky sessions."""

    prefix: Path
    port: int
    process: Optional[subprocess.Popen] = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/ws"

    @staticmethod
    def binary() -> str:
        for candidate in ("/usr/sbin/nginx", "/usr/bin/nginx"):
            if os.access(candidate, os.X_OK):
                return candidate
        message = "nginx not found (apt-get install nginx-light; scripts/setup-test-deps.sh does)"
        if os.environ.get("STOCKCART_REQUIRE_BIN") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    def start(self, backends: list[int]) -> "Nginx":
        self.prefix.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in backends)
        config = self.prefix / "nginx.conf"
        config.write_text(NGINX_CONFIG.format(prefix=self.prefix, servers=servers, port=self.port))
        self.process = subprocess.Popen([self.binary(), "-p", str(self.prefix), "-c", str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_until(lambda: self._answers(), 20, f"nginx on port {self.port}")
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"nginx exited: {(self.prefix / 'error.log').read_text(errors='replace')}")
        try:
            return requests.get(self.base_url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


# --------------------------------------------------------------------------------------------------------------
# the fake venues (Angel One SmartAPI, SmartStream, order updates) as a process
# --------------------------------------------------------------------------------------------------------------

@dataclass
class FakeVenues:
    """A running `fake-venues`: its addresses, and its control API (ticks, fills, rejections, order list)."""

    process: subprocess.Popen = field(repr=False)
    api_url: str
    stream_url: str
    order_stream_url: str
    instruments_url: str
    control_url: str
    yahoo_url: str

    def tick(self, token: str, price_paise: int) -> None:
        response = requests.post(self.control_url + "/tick", json={"token": token, "price_paise": price_paise},
                                 timeout=HTTP_TIMEOUT)
        assert response.status_code == 204, response.text

    def orders(self) -> list[dict]:
        return requests.get(self.control_url + "/orders", timeout=HTTP_TIMEOUT).json()["orders"]

    def fill(self, order_id: str, price_paise: int, size: Optional[int] = None) -> None:
        body = {"order_id": order_id, "price_paise": price_paise}
        if size is not None:
            body["size"] = size
        response = requests.post(self.control_url + "/fill", json=body, timeout=HTTP_TIMEOUT)
        assert response.status_code == 204, response.text

    def stats(self) -> dict:
        return requests.get(self.control_url + "/stats", timeout=HTTP_TIMEOUT).json()


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Polls `condition` until it returns something truthy (returned), or fails saying what never happened."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")


def start_fake_venues(binary: Path, accounts: list[str], instruments: list[str]) -> FakeVenues:
    """Starts `fake-venues` (accounts as KEY:CLIENT:PIN:TOTPSECRET, instruments as SYMBOL:TOKEN) and reads the
    line with its addresses."""
    arguments = [str(binary)]
    for account in accounts:
        arguments += ["--account", account]
    for instrument in instruments:
        arguments += ["--instrument", instrument]
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    line = process.stdout.readline()
    if not line:
        process.kill()
        raise AssertionError(f"fake-venues printed no addresses (exit code {process.poll()})")
    addresses = json.loads(line)
    return FakeVenues(process=process, **addresses)


@pytest.fixture
def fake_venues_bin(stockcart_bin: Path) -> Path:
    """The fake-venues executable, built beside stockcart (`swift build` builds both)."""
    path = stockcart_bin.parent / "fake-venues"
    if not (path.is_file() and os.access(path, os.X_OK)):
        message = f"fake-venues not found at {path}: build it with `swift build --product fake-venues`"
        if os.environ.get("STOCKCART_REQUIRE_BIN") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


# --------------------------------------------------------------------------------------------------------------
# clients
# --------------------------------------------------------------------------------------------------------------

class Api:
    """JSON over HTTP against one server, with an optional bearer token."""

    def __init__(self, base_url: str, token: Optional[str] = None):
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()

    def request(self, method: str, path: str, expect: Optional[int] = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = self.session.request(method, self.base_url + path, headers=headers, timeout=HTTP_TIMEOUT,
                                        **kwargs)
        if expect is not None:
            assert response.status_code == expect, (
                f"{method} {path} {json.dumps(kwargs.get('json')) if 'json' in kwargs else ''}"
                f"-> HTTP {response.status_code}, expected {expect}: {response.text[:1000]}")
        return response

    def get(self, path: str, expect: Optional[int] = 200, **kwargs) -> Any:
        return self.request("GET", path, expect=expect, **kwargs).json()

    def every(self, path: str, key: str, limit: int = 1000) -> list:
        """Every item of a paged listing (`path` may carry filters), following `next_after` to the last page."""
        found, after = [], None
        separator = "&" if "?" in path else "?"
        while True:
            page = self.get(f"{path}{separator}limit={limit}" + (f"&after={after}" if after else ""))
            found += page[key]
            after = page.get("next_after")
            if not after:
                return found

    def post(self, path: str, body: Any, expect: Optional[int] = 200, **kwargs) -> Any:
        return self.request("POST", path, expect=expect, json=body, **kwargs).json()

    def register(self, email: str, password: str) -> dict:
        session = self.post("/api/auth/register", {"email": email, "password": password}, expect=201)
        assert session.get("token") and session.get("user", {}).get("email") == email, session
        self.token = session["token"]
        return session

    def login(self, email: str, password: str) -> dict:
        session = self.post("/api/auth/login", {"email": email, "password": password}, expect=200)
        assert session.get("token") and session.get("user", {}).get("email") == email, session
        self.token = session["token"]
        return session


class Socket:
    """A WebSocket client that reads JSON messages with deadlines and remembers everything it received."""

    def __init__(self, url: str, token: str, timeout: float = 10.0):
        self.ws = websocket.create_connection(f"{url}?token={token}", timeout=timeout)
        self.received: list[dict] = []

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass

    def __enter__(self) -> "Socket":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, message: dict) -> None:
        self.ws.send(json.dumps(message))

    def _read(self, remaining: float) -> Optional[dict]:
        self.ws.settimeout(max(remaining, 0.01))
        try:
            text = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        if not text:
            return None
        message = json.loads(text)
        self.received.append(message)
        return message

    def wait_for(self, predicate: Callable[[dict], bool], timeout: float, what: str) -> dict:
        """The first message (from now on) matching ``predicate``, or a failure listing what did arrive."""
        deadline = time.monotonic() + timeout
        start = len(self.received)
        while (remaining := deadline - time.monotonic()) > 0:
            message = self._read(remaining)
            if message is not None and predicate(message):
                return message
        seen = [m.get("type") for m in self.received[start:]]
        raise AssertionError(f"no {what} within {timeout:.0f}s; message types received meanwhile: {seen}")

    def close_code(self, timeout: float) -> Optional[int]:
        """Reads until the server's close frame and returns its code (1005 when it carries none), or None when the
        connection ends without one (dropped) or nothing arrives within ``timeout``."""
        deadline = time.monotonic() + timeout
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                self.ws.settimeout(max(remaining, 0.01))
                opcode, data = self.ws.recv_data(control_frame=True)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    return int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
                if opcode == websocket.ABNF.OPCODE_TEXT:
                    self.received.append(json.loads(data))
        except (websocket.WebSocketException, OSError):
            return None
        return None

    def collect(self, duration: float) -> list[dict]:
        """Every message received during the next ``duration`` seconds."""
        deadline = time.monotonic() + duration
        start = len(self.received)
        while (remaining := deadline - time.monotonic()) > 0:
            self._read(remaining)
        return self.received[start:]
