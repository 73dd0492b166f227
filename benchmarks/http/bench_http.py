#!/usr/bin/env python3
"""`make bench-http`: StockCart's HTTP hot paths under load, beside the seed project's stack, in one run.

What it does, in order (every figure comes from this one run on this machine):

1. Prepares: wrk (Debian's), a venv in benchmarks/.venv with FastAPI + uvicorn (benchmarks/requirements.txt), and a
   release build of `stockcart`.
2. Reference: the FastAPI app in benchmarks/reference (1 and 2 uvicorn workers) on `GET /api/stocks` and a validated
   `POST /api/rules`, at c=1, 16 and 64.
3. StockCart, on SQLite and on PostgreSQL (a throwaway cluster, scripts/start-test-postgres.sh), each on a fresh
   database: the same two routes at c=1, 16 and 64; then `POST /api/rules`, `POST /api/orders` (a resting LIMIT and a
   filled MARKET), `POST /api/cart/checkout` and `GET /api/portfolio` at c=16; then the rule and order figures again
   after 10,000 and 100,000 existing orders and rules of the same user (seeded through the API).
4. Prints one table per database with req/s, p50, p99, the server's CPU (cores busy) and RSS for every point, the
   ratio to the reference where there is one, and every target with PASS or FAIL. Writes the same as JSON.

wrk runs one thread (`-t1`) on the same two cores as the server, for both servers alike. A point with any non-2xx
answer or socket error is reported as such: its figures do not count.

    python3 benchmarks/http/bench_http.py [--duration 10] [--db sqlite,postgres] [--sizes 0,10000,100000]
                                          [--skip-reference] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LUA = HERE / "lua"
VENV = REPO / "benchmarks" / ".venv"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[bench-http] {message}", file=sys.stderr, flush=True)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ----------------------------------------------------------------------------------------------------------------
# preparation
# ----------------------------------------------------------------------------------------------------------------

def ensure_wrk() -> str:
    if shutil.which("wrk"):
        return shutil.which("wrk")
    log("installing wrk (apt-get)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    run(sudo + ["apt-get", "update", "-q"], stdout=subprocess.DEVNULL)
    run(sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"], stdout=subprocess.DEVNULL,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("wrk")


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    marker = VENV / ".requirements"
    wanted = (REPO / "benchmarks" / "requirements.txt").read_text()
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return VENV
    log("creating benchmarks/.venv with the reference stack (FastAPI, uvicorn)")
    run([sys.executable, "-m", "venv", str(VENV)])
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r",
         str(REPO / "benchmarks" / "requirements.txt")])
    marker.write_text(wanted)
    return VENV


def build_release() -> Path:
    log("building stockcart (release)")
    run(["swift", "build", "-c", "release", "--product", "stockcart"], cwd=REPO)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout.strip()
    return Path(path) / "stockcart"


# ----------------------------------------------------------------------------------------------------------------
# processes: CPU and memory of a server and its children
# ----------------------------------------------------------------------------------------------------------------

def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Server:
    """A server process under test; `pids()` includes uvicorn's workers."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int, log_path: Path):
        self.name = name
        self.port = port
        self.log_path = log_path
        with open(log_path, "ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                            start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        return descendants(self.process.pid)

    def wait_ready(self, path: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout}s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# ----------------------------------------------------------------------------------------------------------------
# load: wrk
# ----------------------------------------------------------------------------------------------------------------

@dataclass
class Point:
    server: str
    database: str
    route: str
    connections: int
    existing: int
    requests_per_second: float = 0
    p50_ms: float = 0
    p99_ms: float = 0
    cpu_cores: float = 0
    rss_mb: float = 0
    requests: int = 0
    errors: int = 0
    note: str = ""

    @property
    def valid(self) -> bool:
        return self.errors == 0 and self.requests > 0


def parse_duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(binary: str, server: Server, point: Point, script: str, path: str, duration: int,
        env: Optional[dict[str, str]] = None) -> Point:
    pids = server.pids()
    before = cpu_seconds(pids)
    started = time.monotonic()
    command = [binary, "-t1", f"-c{point.connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
               "-s", str(LUA / script), server.url + path]
    output = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}).stdout
    elapsed = time.monotonic() - started
    point.cpu_cores = round((cpu_seconds(server.pids()) - before) / elapsed, 2)
    point.rss_mb = round(rss_mb(server.pids()), 1)
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        point.requests_per_second = round(float(match.group(1)))
    if match := re.search(r"(\d+) requests in", output):
        point.requests = int(match.group(1))
    if match := re.search(r"^\s+50%\s+(\S+)", output, re.M):
        point.p50_ms = round(parse_duration_ms(match.group(1)), 2)
    if match := re.search(r"^\s+99%\s+(\S+)", output, re.M):
        point.p99_ms = round(parse_duration_ms(match.group(1)), 2)
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(value) for value in match.groups())
    point.errors = errors
    if errors:
        point.note = "errors: " + " ".join(line.strip() for line in output.splitlines()
                                           if "Non-2xx" in line or "Socket errors" in line)
        sample = re.search(r"^first refusal: (.*)$", output, re.M)
        if sample:
            point.note += f"; first refusal: {sample.group(1)[:200]}"
    log(f"{point.server}/{point.database} {point.route} c={point.connections} existing={point.existing}: "
        f"{point.requests_per_second:,.0f} req/s, p50 {point.p50_ms} ms, p99 {point.p99_ms} ms, "
        f"{point.cpu_cores} cores, {point.rss_mb} MB{' — ' + point.note if point.note else ''}")
    return point


# ----------------------------------------------------------------------------------------------------------------
# StockCart: a user, and seeding through the API
# ----------------------------------------------------------------------------------------------------------------

def call(url: str, method: str, path: str, token: Optional[str] = None, body: Optional[dict] = None,
         headers: Optional[dict] = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else {}


def register(url: str) -> str:
    session = call(url, "POST", "/api/auth/register",
                   body={"email": f"bench-{uuid.uuid4().hex[:10]}@example.com", "password": "correct horse battery"})
    return session["token"]


def seed(url: str, token: str, orders: int, rules: int, workers: int = 8) -> None:
    """Adds `orders` resting LIMIT BUYs and `rules` rules (which never fire) to the user, through the API."""
    if orders <= 0 and rules <= 0:
        return
    started = time.monotonic()
    jobs = [("/api/orders", {"symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": 1})] \
        * orders + [("/api/rules", {"symbol": "ITC", "min_price": 1, "max_price": 2})] * rules
    lock = threading.Lock()
    position = [0]
    failures: list[str] = []

    def worker() -> None:
        while True:
            with lock:
                if position[0] >= len(jobs) or failures:
                    return
                path, body = jobs[position[0]]
                position[0] += 1
            try:
                call(url, "POST", path, token, body)
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(f"{path}: {error}")

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"seeding failed: {failures[:3]}")
    log(f"seeded {orders:,} orders and {rules:,} rules in {time.monotonic() - started:.0f}s")


def preflight(url: str, token: str, path: str, body: str) -> None:
    """One request before a point, so that a refused body is reported with the server's reason, not as a count."""
    try:
        call(url, "POST", path, token, json.loads(body))
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"POST {path} {body} is refused: HTTP {error.code} {error.read()[:300]!r}") from None


def cart_lines(url: str, token: str, count: int, path: Path) -> None:
    """`count` cart lines, their ids one per line in `path`, for the checkout script."""
    ids = []
    lock = threading.Lock()

    def worker(share: int) -> None:
        for _ in range(share):
            line = call(url, "POST", "/api/cart", token, {"symbol": "ITC", "quantity": 1})
            with lock:
                ids.append(line["id"])

    threads = [threading.Thread(target=worker, args=(count // 8,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    path.write_text("\n".join(ids) + "\n")


# ----------------------------------------------------------------------------------------------------------------
# the run
# ----------------------------------------------------------------------------------------------------------------

@dataclass
class Results:
    started_at: str
    machine: str
    points: list[Point] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)


RULE_BODY_STOCKCART = '{"symbol":"ITC","min_price":1,"max_price":2}'
RULE_BODY_REFERENCE = '{"symbol":"STOCK01","min_price":1,"max_price":2}'


def reference_points(wrk_binary: str, workdir: Path, duration: int, connections: list[int]) -> list[Point]:
    points = []
    for workers in (1, 2):
        port = free_port()
        server = Server(f"reference-{workers}w",
                        [str(VENV / "bin" / "uvicorn"), "app:app", "--app-dir", str(REPO / "benchmarks" / "reference"),
                         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log",
                         "--log-level", "warning"],
                        dict(os.environ), port, workdir / f"reference-{workers}.log")
        try:
            server.wait_ready("/api/stocks")
            for c in connections:
                points.append(wrk(wrk_binary, server, Point(server.name, "memory", "GET /api/stocks", c, 0),
                                  "get.lua", "/api/stocks", duration))
            for c in connections:
                points.append(wrk(wrk_binary, server, Point(server.name, "memory", "POST /api/rules", c, 0),
                                  "post.lua", "/api/rules", duration, {"BENCH_BODY": RULE_BODY_REFERENCE}))
        finally:
            server.stop()
    return points


def stockcart_points(wrk_binary: str, binary: Path, database: str, workdir: Path, duration: int,
                     connections: list[int], sizes: list[int]) -> list[Point]:
    data_dir = workdir / f"data-{database}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "TEST_POSTGRES"))}
    # One user drives the whole load: the per-user request limit (20 a second by default) is lifted, as it is a
    # guard against one user's excess, not part of the hot path being measured.
    env.update({"DATA_DIR": str(data_dir), "MAX_RULES_PER_USER": "1000000", "STARTING_CASH": "90000000000",
                "JWT_SECRET": "bench-secret-bench-secret-bench-secret-00", "API_RATE_LIMIT": "100000",
                "API_RATE_BURST": "1000000"})
    if database == "postgres":
        pg_env = {**os.environ, "STOCKCART_TEST_PG_DIR": str(Path(tempfile.gettempdir()) / "stockcart-bench-pg")}
        line = subprocess.run(["bash", "scripts/start-test-postgres.sh", "--reset"], cwd=REPO, env=pg_env,
                              check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        env["DATABASE_URL"] = line.split("=", 1)[1]
    port = free_port()
    server = Server("stockcart", [str(binary), "serve", "--hostname", "127.0.0.1", "--port", str(port)], env, port,
                    workdir / f"stockcart-{database}.log")
    points: list[Point] = []
    try:
        server.wait_ready("/healthz")
        token = register(server.url)
        auth = {"BENCH_TOKEN": token}

        def point(route: str, c: int, existing: int, script: str, path: str, extra: Optional[dict] = None) -> Point:
            return wrk(wrk_binary, server, Point("stockcart", database, route, c, existing), script, path, duration,
                       {**auth, **(extra or {})})

        for c in connections:
            points.append(point("GET /api/stocks", c, 0, "get.lua", "/api/stocks"))
        for c in connections:
            points.append(point("POST /api/rules", c, 0, "post.lua", "/api/rules", {"BENCH_BODY": RULE_BODY_STOCKCART}))

        # The order and rule figures grow a fresh user's data from nothing, then again past 10,000 and 100,000
        # (counting what the measured points themselves added).
        bench_token = register(server.url)
        sized = {"BENCH_TOKEN": bench_token}
        limit_body = '{"symbol":"ITC","side":"BUY","type":"LIMIT","quantity":1,"limit_price":1}'
        market_body = '{"symbol":"ITC","side":"BUY","type":"MARKET","quantity":1}'
        preflight(server.url, bench_token, "/api/orders", limit_body)
        preflight(server.url, bench_token, "/api/rules", RULE_BODY_STOCKCART)
        orders_now, rules_now = 1, 1
        for size in sizes:
            seed(server.url, bench_token, orders=max(0, size - orders_now), rules=max(0, size - rules_now))
            orders_now, rules_now = max(orders_now, size), max(rules_now, size)
            placed = wrk(wrk_binary, server, Point("stockcart", database, "POST /api/orders (LIMIT, resting)", 16,
                                                   size), "post.lua", "/api/orders", duration,
                         {**sized, "BENCH_BODY": limit_body})
            created = wrk(wrk_binary, server, Point("stockcart", database, "POST /api/rules", 16, size), "post.lua",
                          "/api/rules", duration, {**sized, "BENCH_BODY": RULE_BODY_STOCKCART})
            points += [placed, created]
            orders_now += placed.requests
            rules_now += created.requests

        preflight(server.url, token, "/api/orders", market_body)
        points.append(point("POST /api/orders (MARKET, filled)", 16, 0, "post.lua", "/api/orders",
                            {"BENCH_BODY": market_body}))
        lines = workdir / f"cart-{database}.txt"
        cart_lines(server.url, token, 40_000, lines)
        points.append(point("POST /api/cart/checkout", 16, 0, "checkout.lua", "/api/cart/checkout",
                            {"BENCH_CART_IDS": str(lines)}))
        points.append(point("GET /api/portfolio", 16, 0, "get.lua", "/api/portfolio"))
    finally:
        server.stop()
        if database == "postgres":
            subprocess.run(["bash", "scripts/stop-test-postgres.sh", "--purge"], cwd=REPO,
                           env={**os.environ,
                                "STOCKCART_TEST_PG_DIR": str(Path(tempfile.gettempdir()) / "stockcart-bench-pg")},
                           capture_output=True)
    return points


def find(points: list[Point], server: str, database: str, route: str, c: int, existing: int = 0) -> Optional[Point]:
    for point in points:
        if (point.server == server and point.database == database and point.route == route
                and point.connections == c and point.existing == existing):
            return point
    return None


def evaluate(points: list[Point], databases: list[str], sizes: list[int]) -> list[dict]:
    targets = []

    def target(name: str, measured: str, passed: Optional[bool]) -> None:
        targets.append({"target": name, "measured": measured,
                        "result": "PASS" if passed else ("FAIL" if passed is not None else "NOT MEASURED")})

    references = [p for p in points if p.server.startswith("reference") and p.route == "GET /api/stocks"
                  and p.connections == 64 and p.valid]
    best_reference = max((p.requests_per_second for p in references), default=0)
    for database in databases:
        stocks = find(points, "stockcart", database, "GET /api/stocks", 64)
        if stocks and stocks.valid and best_reference:
            ratio = stocks.requests_per_second / best_reference
            target(f"[{database}] GET /api/stocks c=64 ≥ 2.3× the reference's best",
                   f"{stocks.requests_per_second:,.0f} vs {best_reference:,.0f} req/s = {ratio:.2f}×", ratio >= 2.3)
            target(f"[{database}] GET /api/stocks c=64 p99 ≤ 10 ms", f"{stocks.p99_ms} ms", stocks.p99_ms <= 10)
        orders = find(points, "stockcart", database, "POST /api/orders (LIMIT, resting)", 16, 0)
        if orders and orders.valid:
            if database == "sqlite":
                target(f"[{database}] POST /api/orders c=16 ≥ 2,000/s", f"{orders.requests_per_second:,.0f}/s",
                       orders.requests_per_second >= 2000)
                target(f"[{database}] POST /api/orders c=16 p99 ≤ 20 ms", f"{orders.p99_ms} ms", orders.p99_ms <= 20)
            largest = max(sizes)
            after = find(points, "stockcart", database, "POST /api/orders (LIMIT, resting)", 16, largest)
            if after and after.valid and largest > 0:
                drop = 1 - after.requests_per_second / orders.requests_per_second
                target(f"[{database}] POST /api/orders within 20 % after {largest:,} existing orders and rules",
                       f"{orders.requests_per_second:,.0f} → {after.requests_per_second:,.0f}/s ({-drop:+.0%})",
                       drop <= 0.20)
        rules = [p for p in points if p.server == "stockcart" and p.database == database
                 and p.route == "POST /api/rules" and p.existing == 0 and p.valid]
        if rules and database == "sqlite":  # the write targets are set on SQLite; PostgreSQL is reported beside
            best = max(rules, key=lambda p: p.requests_per_second)
            target(f"[{database}] POST /api/rules ≥ 5,000/s", f"{best.requests_per_second:,.0f}/s at c={best.connections}",
                   best.requests_per_second >= 5000)
    return targets


def render(results: Results) -> str:
    lines = [f"bench-http, {results.started_at}, {results.machine}", ""]
    reference_best = {}
    for point in results.points:
        if point.server.startswith("reference") and point.valid:
            key = (point.route, point.connections)
            reference_best[key] = max(reference_best.get(key, 0), point.requests_per_second)
    lines.append("| server | db | route | c | existing | req/s | p50 ms | p99 ms | CPU cores | RSS MB | vs reference |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for p in results.points:
        ratio = ""
        if p.server == "stockcart" and (p.route, p.connections) in reference_best and p.existing == 0 and p.valid:
            ratio = f"{p.requests_per_second / reference_best[(p.route, p.connections)]:.2f}×"
        figures = (f"{p.requests_per_second:,.0f} | {p.p50_ms} | {p.p99_ms}" if p.valid
                   else f"INVALID ({p.note or 'no requests'}) | – | –")
        lines.append(f"| {p.server} | {p.database} | {p.route} | {p.connections} | {p.existing:,} | {figures} | "
                     f"{p.cpu_cores} | {p.rss_mb} | {ratio} |")
    lines.append("")
    lines.append("| target | measured | result |")
    lines.append("|---|---|---|")
    for target in results.targets:
        lines.append(f"| {target['target']} | {target['measured']} | {target['result']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per point (default 10)")
    parser.add_argument("--db", default="sqlite,postgres", help="databases, comma-separated (default both)")
    parser.add_argument("--sizes", default="0,10000,100000", help="existing orders and rules (default 0,10000,100000)")
    parser.add_argument("--connections", default="1,16,64", help="concurrency points for the compared routes")
    parser.add_argument("--skip-reference", action="store_true", help="do not run the FastAPI reference")
    parser.add_argument("--binary", help="a stockcart binary to measure instead of building the release one")
    parser.add_argument("--out", help="where to write the JSON results (default: a temporary file)")
    args = parser.parse_args()

    databases = [db for db in args.db.split(",") if db]
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    connections = [int(c) for c in args.connections.split(",")]
    wrk_binary = ensure_wrk()
    if not args.skip_reference:
        ensure_venv()
    binary = Path(args.binary) if args.binary else build_release()

    machine = f"{os.cpu_count()} cores, {subprocess.run(['uname', '-r'], capture_output=True, text=True).stdout.strip()}"
    results = Results(started_at=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), machine=machine)
    with tempfile.TemporaryDirectory(prefix="stockcart-bench-http-") as work:
        workdir = Path(work)
        if not args.skip_reference:
            results.points += reference_points(wrk_binary, workdir, args.duration, connections)
        for database in databases:
            results.points += stockcart_points(wrk_binary, binary, database, workdir, args.duration, connections,
                                               sizes)
    results.targets = evaluate(results.points, databases, sizes)
    out = Path(args.out) if args.out else Path(tempfile.gettempdir()) / "stockcart-bench-http.json"
    out.write_text(json.dumps({**asdict(results), "points": [asdict(p) for p in results.points]}, indent=2))
    print(render(results))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
