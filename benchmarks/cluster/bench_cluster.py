#!/usr/bin/env python3
"""`make bench-cluster`: StockCart as one, two and three instances on one PostgreSQL behind nginx, in one run.

What it does, in order (every figure comes from this one run on this machine):

1. Prepares: wrk and nginx (Debian's), a release build of `stockcart`, a throwaway PostgreSQL
   (scripts/start-test-postgres.sh).
2. For 1, 2 and 3 instances, each time on a fresh database: starts the instances (same DATABASE_URL and JWT_SECRET),
   waits until the 50 symbols are shared out, puts nginx in front (round-robin, no stickiness), and measures through
   nginx `GET /api/stocks` and `POST /api/orders` (a resting LIMIT BUY) at c=16 with wrk: req/s, p50, p99, and the
   scaling ratio to one instance.
3. With two instances: tick → `cart.added` when the rule's symbol runs on the other instance than the user's socket,
   beside the same figure when it runs on the socket's own instance (rules that fire at the next tick; the latency is
   the socket's receive time minus the firing tick's time, which is stored with the cart line in PostgreSQL).
4. With two instances: SIGKILL of the instance running a symbol → the first firing of a rule on that symbol, seen on
   a socket of the survivor (target: within 10 seconds, PASS or FAIL).

wrk (one thread), nginx, PostgreSQL and the instances share the machine's two cores, so the ratios say what more
instances cost or give on one machine, not what more machines would give.

    python3 benchmarks/cluster/bench_cluster.py [--duration 10] [--instances 1,2,3] [--rules 200] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks" / "http"))
sys.path.insert(0, str(REPO / "tests"))
import bench_http as http  # noqa: E402  (wrk, servers, CPU accounting, the lua scripts)
from helpers import NGINX_CONFIG  # noqa: E402  (the nginx configuration the process tests run)

import websocket  # noqa: E402  (websocket-client, from tests/requirements.txt)

SECRET = "bench-cluster-secret-bench-cluster-secret-0"
TAKEOVER_TARGET_SECONDS = 10.0


def log(message: str) -> None:
    print(f"[bench-cluster] {message}", file=sys.stderr, flush=True)


def psql(url: str, sql: str) -> str:
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qtAc", sql], check=True, capture_output=True,
                          text=True).stdout


def fresh_database(admin_url: str) -> str:
    name = "bench_cluster_" + uuid.uuid4().hex[:10]
    psql(admin_url, f"CREATE DATABASE {name}")
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def readyz(port: int) -> dict:
    """/readyz's body, ready (200) or not (503)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


def owned(port: int) -> int:
    try:
        return readyz(port).get("symbols_owned", -1)
    except (OSError, ValueError):
        return -1


def wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


class Cluster:
    """N instances on one database and nginx in front."""

    def __init__(self, binary: Path, database_url: str, count: int, workdir: Path):
        self.workdir = workdir
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL",))}
        self.env.update({"DATABASE_URL": database_url, "JWT_SECRET": SECRET, "BCRYPT_COST": "4", "LOG_LEVEL": "warning",
                         "API_RATE_LIMIT": "100000", "API_RATE_BURST": "1000000", "TRUSTED_PROXIES": "127.0.0.1",
                         "MAX_RULES_PER_USER": "1000000", "STARTING_CASH": "90000000000", "SIM_TICK_MS": "100"})
        self.binary = binary
        self.servers: list[http.Server] = []
        for index in range(count):
            self.add(index)
        share = 50 // count
        wait(lambda: all(owned(s.port) >= share for s in self.servers)
             and sum(owned(s.port) for s in self.servers) == 50, 60, f"50 symbols shared among {count}")
        self.nginx_port = http.free_port()
        prefix = workdir / f"nginx-{count}"
        prefix.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{s.port} max_fails=1 fail_timeout=5s;" for s in self.servers)
        (prefix / "nginx.conf").write_text(NGINX_CONFIG.format(prefix=prefix, servers=servers, port=self.nginx_port))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.nginx = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait(lambda: self._nginx_up(), 20, "nginx")

    def add(self, index: int) -> http.Server:
        port = http.free_port()
        data = self.workdir / f"data-{len(self.servers)}-{index}"
        data.mkdir(parents=True, exist_ok=True)
        server = http.Server(f"stockcart-{index}", [str(self.binary), "serve", "--hostname", "127.0.0.1", "--port",
                                                     str(port)], {**self.env, "DATA_DIR": str(data)}, port,
                             self.workdir / f"stockcart-{len(self.servers)}-{index}.log")
        server.wait_ready("/healthz", timeout=120)
        self.servers.append(server)
        return server

    def _nginx_up(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                return response.status == 200
        except Exception:  # noqa: BLE001
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def pids(self) -> list[int]:
        return [pid for server in self.servers for pid in server.pids()] + http.descendants(self.nginx.pid)

    def stop(self) -> None:
        self.nginx.terminate()
        self.nginx.wait(timeout=10)
        for server in self.servers:
            server.stop()


class Balanced:
    """What bench_http's `wrk` needs of a server: its URL and its processes (here nginx and every instance)."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.url = cluster.url

    def pids(self) -> list[int]:
        return self.cluster.pids()


def throughput(wrk_binary: str, cluster: Cluster, count: int, duration: int) -> list[http.Point]:
    token = http.register(cluster.url)
    auth = {"BENCH_TOKEN": token}
    order = json.dumps({"symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": 1})
    http.preflight(cluster.url, token, "/api/orders", order)
    points = [
        http.wrk(wrk_binary, Balanced(cluster), http.Point(f"{count} instance(s)", "postgres", "GET /api/stocks", 16, 0),
                 "get.lua", "/api/stocks", duration, auth),
        http.wrk(wrk_binary, Balanced(cluster), http.Point(f"{count} instance(s)", "postgres", "POST /api/orders", 16, 0),
                 "post.lua", "/api/orders", duration, {**auth, "BENCH_BODY": order}),
    ]
    return points


class Listener:
    """A socket on one instance, recording when each cart.added arrives (wall clock)."""

    def __init__(self, port: int, token: str):
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/api/ws?token={token}", timeout=10)
        self.arrivals: dict[str, float] = {}
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self) -> None:
        self.ws.settimeout(1)
        while self.running:
            try:
                text = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except Exception:  # noqa: BLE001 - closed
                return
            if not text:
                return  # closed
            now = time.time()
            message = json.loads(text)
            if message.get("type") == "cart.added":
                with self.lock:
                    self.arrivals[message["item"]["id"].lower()] = now
            elif message.get("type") == "ping":
                self.ws.send(json.dumps({"type": "pong"}))

    def wait_for(self, count: int, timeout: float) -> None:
        wait(lambda: len(self.arrivals) >= count, timeout, f"{count} cart.added messages")

    def close(self) -> None:
        self.running = False
        self.ws.close()


def symbols_of(port: int, token: str) -> list[str]:
    view = http.call(f"http://127.0.0.1:{port}", "GET", "/api/cluster", token)
    mine = readyz(port)["instance"].lower()
    return next(sorted(i["symbols"]) for i in view["instances"] if i["id"].lower() == mine)


def admin_token(binary: Path, env: dict, url: str) -> str:
    email = f"ops-{uuid.uuid4().hex[:6]}@example.com"
    subprocess.run([str(binary), "user", "create", "--email", email, "--admin"], input="correct horse battery\n",
                   env=env, check=True, capture_output=True, text=True)
    return http.call(url, "POST", "/api/auth/login", body={"email": email, "password": "correct horse battery"})["token"]


def firing_latencies(cluster: Cluster, database_url: str, rules: int) -> dict:
    """Tick → cart.added at a socket on the first instance, for symbols run by the second and by the first."""
    first, second = cluster.servers[0], cluster.servers[1]
    admin = admin_token(cluster.binary, {**cluster.env, "DATA_DIR": str(cluster.workdir)}, cluster.url)
    elsewhere, here = symbols_of(second.port, admin), symbols_of(first.port, admin)
    token = http.register(cluster.url)
    listener = Listener(first.port, token)
    results = {}
    try:
        for label, symbols in (("other instance", elsewhere), ("same instance", here)):
            with listener.lock:
                before = set(listener.arrivals)
            for index in range(rules):
                symbol = symbols[index % len(symbols)]
                ltp = http.call(cluster.url, "GET", f"/api/stocks/{symbol}", token)["ltp"]
                http.call(cluster.url, "POST", "/api/rules", token,
                          {"symbol": symbol, "min_price": round(ltp * 0.8, 2), "max_price": round(ltp * 1.2, 2)})
            listener.wait_for(len(before) + rules, 120)
            with listener.lock:
                arrived = {item: at for item, at in listener.arrivals.items() if item not in before}
            rows = psql(database_url, "SELECT lower(id::text), extract(epoch from added_at) FROM cart_items "
                                      f"WHERE lower(id::text) IN ({','.join(repr(i) for i in arrived)})")
            latencies = sorted((arrived[item] - float(tick)) * 1000
                               for item, tick in (line.split("|") for line in rows.strip().splitlines()))
            results[label] = {"events": len(latencies), "p50_ms": round(statistics.median(latencies), 1),
                              "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1)}
            log(f"tick → cart.added, symbol on the {label}: {results[label]}")
    finally:
        listener.close()
    return results


def takeover(cluster: Cluster) -> dict:
    """SIGKILL of the second instance → the first firing of a rule on one of its symbols, on the survivor."""
    first, second = cluster.servers[0], cluster.servers[1]
    admin = admin_token(cluster.binary, {**cluster.env, "DATA_DIR": str(cluster.workdir)}, cluster.url)
    symbol = symbols_of(second.port, admin)[0]
    token = http.register(f"http://127.0.0.1:{first.port}")
    listener = Listener(first.port, token)
    try:
        ltp = http.call(f"http://127.0.0.1:{first.port}", "GET", f"/api/stocks/{symbol}", token)["ltp"]
        killed = time.monotonic()
        os.killpg(second.process.pid, 9)
        second.process.wait()
        http.call(f"http://127.0.0.1:{first.port}", "POST", "/api/rules", token,
                  {"symbol": symbol, "min_price": round(ltp * 0.5, 2), "max_price": round(ltp * 1.5, 2)})
        listener.wait_for(1, 30)
        seconds = time.monotonic() - killed
        wait(lambda: owned(first.port) == 50, 30, "the survivor to run every symbol")
        owned_after = time.monotonic() - killed
    finally:
        listener.close()
    result = {"symbol": symbol, "first_firing_s": round(seconds, 2), "all_symbols_s": round(owned_after, 2),
              "target_s": TAKEOVER_TARGET_SECONDS,
              "verdict": "PASS" if seconds <= TAKEOVER_TARGET_SECONDS else "FAIL"}
    log(f"SIGKILL → first firing on the survivor: {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--instances", default="1,2,3")
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--json", type=Path, default=Path(tempfile.gettempdir()) / "bench-cluster.json")
    arguments = parser.parse_args()
    wrk_binary = shutil.which("wrk")
    if not wrk_binary or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        sys.exit("bench-cluster needs wrk and nginx: apt-get install wrk nginx-light")
    binary = http.build_release()
    pg_env = {**os.environ, "STOCKCART_TEST_PG_DIR": str(Path(tempfile.gettempdir()) / "stockcart-bench-cluster-pg")}
    line = subprocess.run(["bash", "scripts/start-test-postgres.sh", "--reset"], cwd=REPO, env=pg_env, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    admin_url = line.split("=", 1)[1]
    workdir = Path(tempfile.mkdtemp(prefix="stockcart-bench-cluster-"))
    report: dict = {"when": datetime.now().isoformat(timespec="seconds"), "points": [], "duration_s": arguments.duration}
    try:
        for count in [int(n) for n in arguments.instances.split(",")]:
            database_url = fresh_database(admin_url)
            cluster = Cluster(binary, database_url, count, workdir)
            try:
                report["points"] += [point.__dict__ for point in throughput(wrk_binary, cluster, count, arguments.duration)]
                if count == 2:
                    report["tick_to_cart_added"] = firing_latencies(cluster, database_url, arguments.rules)
                    report["takeover"] = takeover(cluster)
            finally:
                cluster.stop()
    finally:
        subprocess.run(["bash", "scripts/stop-test-postgres.sh", "--purge"], cwd=REPO, env=pg_env,
                       capture_output=True)
    base = {p["route"]: p["requests_per_second"] for p in report["points"] if p["server"].startswith("1 ")}
    print("\n| instances | route | req/s | p50 ms | p99 ms | cores busy | scaling vs 1 | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for point in report["points"]:
        ratio = point["requests_per_second"] / base[point["route"]] if base.get(point["route"]) else float("nan")
        point["scaling"] = round(ratio, 2)
        print(f"| {point['server']} | {point['route']} | {point['requests_per_second']:,} | {point['p50_ms']} | "
              f"{point['p99_ms']} | {point['cpu_cores']} | {ratio:.2f}× | {point['errors']} |")
    if "tick_to_cart_added" in report:
        for label, figures in report["tick_to_cart_added"].items():
            print(f"tick → cart.added, rule's symbol on the {label}: p50 {figures['p50_ms']} ms, "
                  f"p99 {figures['p99_ms']} ms over {figures['events']} firings")
    if "takeover" in report:
        t = report["takeover"]
        print(f"SIGKILL of the owner → first firing on the survivor: {t['first_firing_s']} s "
              f"(all 50 symbols after {t['all_symbols_s']} s); target ≤ {t['target_s']:.0f} s: {t['verdict']}")
    arguments.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results: {arguments.json}")


if __name__ == "__main__":
    main()
