#!/usr/bin/env python3
"""`make bench-ws`: StockCart's WebSocket fan-out and its memory at scale, measured on this machine.

1. Prices: the release server on a fresh SQLite database, the simulated market stepped fast enough for about 1,000
   ticks a second (the step interval is calibrated from the server's own tick counter), and 1,000 WebSocket
   clients (`ws-bench`, 10 per user) each subscribed to every symbol with `"batch": true`, as the web UI does. The
   server runs on its defaults (PRICE_COALESCE_MS included) unless the environment says otherwise. Delivered % is
   the prices the clients received over the whole run against those the server queued and dropped (the generator
   unsubscribes and lets the frames in flight arrive before it counts); over a measured window, the delay from each
   quote's time to its receipt (p50, p99) and from the frame's build to its receipt, and the server's CPU and RSS.
   The generator reports its own CPU and timer lag, so a run where it could not keep up shows as such.
   `--with-single` adds a run of clients that take one frame per price (no target; it shows what batching saves).
2. Memory: a fresh database seeded with 1,000,000 live rules (written straight into the SQLite file, as a restore
   would), the server started on it, then 10,000 authenticated sockets opened; the server's RSS with the rules
   loaded, and with the sockets open.

Prints a table with every target and PASS or FAIL.

    python3 benchmarks/ws/bench_ws.py [--clients 1000] [--seconds 30] [--rules 1000000] [--sockets 10000]
                                      [--skip-prices] [--skip-memory] [--with-single] [--bin-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks" / "http"))
from bench_http import Server, cpu_seconds, free_port, rss_mb  # noqa: E402

TARGET_TICKS_PER_SECOND = 1_000


def log(message: str) -> None:
    print(f"[bench-ws] {message}", file=sys.stderr, flush=True)


def build() -> tuple[Path, Path]:
    log("building stockcart and ws-bench (release)")
    for product in ("stockcart", "ws-bench"):
        subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=REPO, check=True)
    bin_path = Path(subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO, check=True,
                                   capture_output=True, text=True).stdout.strip())
    return bin_path / "stockcart", bin_path / "ws-bench"


def raise_file_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65_536
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def request(url: str, method: str = "GET", body: dict | None = None, token: str | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text and response.headers.get_content_type() == "application/json" else text


def metric(text: str, name: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def metrics(server: Server) -> str:
    with urllib.request.urlopen(server.url + "/metrics", timeout=10) as response:
        return response.read().decode()


def start_server(binary: Path, workdir: Path, name: str, **env: str) -> Server:
    data = workdir / f"data-{name}"
    data.mkdir(parents=True, exist_ok=True)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_URL")}
    environment.update({"DATA_DIR": str(data), "BCRYPT_COST": "4", "LOG_LEVEL": "warning",
                        "API_RATE_LIMIT": "100000", "API_RATE_BURST": "1000000",  # seeding is one user's burst
                        "JWT_SECRET": "bench-secret-bench-secret-bench-secret-00", **env})
    port = free_port()
    server = Server(name, [str(binary), "serve", "--hostname", "127.0.0.1", "--port", str(port)], environment, port,
                    workdir / f"{name}.log")
    server.wait_ready("/healthz", timeout=300)
    return server


def register_users(server: Server, count: int) -> list[str]:
    tokens = []
    for _ in range(count):
        session = request(server.url + "/api/auth/register", "POST",
                          {"email": f"ws-{uuid.uuid4().hex[:12]}@example.com", "password": "correct horse battery"})
        tokens.append(session["token"])
    return tokens


# ----------------------------------------------------------------------------------------------------------------
# 1. prices
# ----------------------------------------------------------------------------------------------------------------

def tick_rate(server: Server, seconds: float = 4) -> float:
    before = metric(metrics(server), "stockcart_ticks_total")
    time.sleep(seconds)
    return (metric(metrics(server), "stockcart_ticks_total") - before) / seconds


def calibrate(binary: Path, workdir: Path) -> int:
    """The simulated market ticks a stock on a step only with some probability: measure the rate, pick the step."""
    step = 50
    server = start_server(binary, workdir, "calibrate", SIM_TICK_MS=str(step))
    rate = tick_rate(server)
    server.stop()
    chosen = max(10, round(step * rate / TARGET_TICKS_PER_SECOND))
    log(f"{rate:,.0f} ticks/s at SIM_TICK_MS=50; using SIM_TICK_MS={chosen}")
    return chosen


def prices(binary: Path, generator: Path, workdir: Path, clients: int, seconds: int, step: int, batch: bool) -> dict:
    server = start_server(binary, workdir, f"prices-{'batch' if batch else 'single'}", SIM_TICK_MS=str(step))
    try:
        users = max(1, clients // 10)
        tokens = register_users(server, users)
        token_file = workdir / "tokens.txt"
        token_file.write_text("\n".join(tokens) + "\n")
        symbols = [stock["symbol"] for stock in request(server.url + "/api/stocks", token=tokens[0])]
        process = subprocess.Popen(
            [str(generator), "prices", "--url", f"ws://127.0.0.1:{server.port}/api/ws", "--tokens", str(token_file),
             "--symbols", ",".join(symbols), "--batch", "true" if batch else "false", "--clients", str(clients),
             "--warmup", "5", "--seconds", str(seconds)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The generator's window starts 5 s after its clients are connected; sample the server across the same span.
        marks = {}

        def sample_window() -> None:
            time.sleep(5)
            marks["start"] = (time.monotonic(), metrics(server), cpu_seconds(server.pids()))
            time.sleep(seconds)
            marks["end"] = (time.monotonic(), metrics(server), cpu_seconds(server.pids()))

        sampler = threading.Thread(target=sample_window)
        for line in process.stderr:
            print(line, end="", file=sys.stderr)
            if "clients connected" in line and not sampler.is_alive():
                sampler.start()
        process.wait(timeout=600)
        sampler.join()
        # The generator unsubscribed and let the frames in flight arrive before counting: the totals of the whole
        # run on both sides compare exactly.
        final = metrics(server)
        result = json.loads(process.stdout.read().strip().splitlines()[-1])
        (t0, m0, c0), (t1, m1, c1) = marks["start"], marks["end"]
        elapsed = t1 - t0

        def delta(name: str) -> float:
            return metric(m1, name) - metric(m0, name)

        sent = delta("stockcart_websocket_price_messages_total")
        dropped = delta("stockcart_websocket_dropped_messages_total")
        result.update({
            "batch": batch, "step_ms": step, "ticks_per_second": delta("stockcart_ticks_total") / elapsed,
            "server_sent": sent, "server_dropped": dropped, "server_cpu_cores": (c1 - c0) / elapsed,
            "server_rss_mb": rss_mb(server.pids()),
            "server_sent_total": metric(final, "stockcart_websocket_price_messages_total"),
            "server_dropped_total": metric(final, "stockcart_websocket_dropped_messages_total"),
        })
        queued = result["server_sent_total"] + result["server_dropped_total"]
        result.update({
            "delivered_percent": 100.0 * result["received_total"] / queued if queued else 0.0,
        })
        return result
    finally:
        server.stop()


# ----------------------------------------------------------------------------------------------------------------
# 2. memory with many rules and sockets
# ----------------------------------------------------------------------------------------------------------------

def seed_rules(database: Path, users: list[str], rules: int) -> None:
    """Writes `rules` watching rules (ranges far below every price, so none fires) spread over `users` (their ids),
    as SQLiteNIO stores rows: UUIDs as upper-case text, dates as REAL seconds."""
    connection = sqlite3.connect(database)
    now = time.time()
    symbols = [row[0] for row in connection.execute("SELECT symbol FROM stocks")]
    per_user = -(-rules // len(users))

    def rows():
        for index in range(rules):
            user = users[index // per_user]
            symbol = symbols[index % len(symbols)]
            low = 100 + (index % 50) * 5
            yield (str(uuid.uuid4()).upper(), user, symbol, low, low + 50, "once", "watching", 0, now, now, None, 1)

    connection.executemany(
        "INSERT INTO rules (id, user_id, symbol, min_paise, max_paise, mode, state, fire_count, created_at, "
        "updated_at, last_fired_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
    connection.execute("UPDATE accounts SET rule_count = (SELECT COUNT(*) FROM rules r WHERE r.user_id = accounts.user_id)")
    connection.commit()
    connection.close()


def memory(binary: Path, generator: Path, workdir: Path, rules: int, sockets: int) -> dict:
    server = start_server(binary, workdir, "memory")
    tokens = register_users(server, 100)
    users = [request(server.url + "/api/auth/me", token=token)["id"] for token in tokens]
    empty_rss = rss_mb(server.pids())
    server.stop()
    log(f"seeding {rules:,} rules")
    seed_rules(workdir / "data-memory" / "stockcart.sqlite", users, rules)

    started = time.monotonic()
    server = start_server(binary, workdir, "memory", MAX_RULES_PER_USER="1000000")
    try:
        load_seconds = time.monotonic() - started
        time.sleep(2)
        rules_rss = rss_mb(server.pids())
        token_file = workdir / "tokens-memory.txt"
        token_file.write_text("\n".join(tokens) + "\n")
        process = subprocess.Popen(
            [str(generator), "hold", "--url", f"ws://127.0.0.1:{server.port}/api/ws", "--tokens", str(token_file),
             "--clients", str(sockets), "--seconds", "15"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = process.stdout.readline()
        held = json.loads(first) if first.strip() else {}
        time.sleep(3)
        sockets_rss = rss_mb(server.pids())
        ready = json.loads(urllib.request.urlopen(server.url + "/readyz", timeout=10).read())
        process.wait(timeout=120)
        return {"rules": rules, "rules_watched": ready.get("rules_watched"), "open_sockets": ready.get("open_sockets"),
                "start_seconds": load_seconds, "empty_rss_mb": empty_rss, "rules_rss_mb": rules_rss,
                "sockets_rss_mb": sockets_rss, "sockets_connected": held.get("clients"),
                "connect_seconds": held.get("connect_seconds")}
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rules", type=int, default=1_000_000)
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--skip-prices", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--with-single", action="store_true",
                        help="also clients that take one frame per price (no target: shows what batching saves)")
    parser.add_argument("--bin-dir", help="use stockcart and ws-bench from here instead of building them")
    args = parser.parse_args()

    limit = raise_file_limit()
    log(f"open-file limit {limit}")
    if args.bin_dir:
        binary, generator = Path(args.bin_dir) / "stockcart", Path(args.bin_dir) / "ws-bench"
    else:
        binary, generator = build()
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="stockcart-bench-ws-") as work:
        workdir = Path(work)
        if not args.skip_prices:
            step = calibrate(binary, workdir)
            # As the web UI subscribes (a round's prices in one frame), and one frame per price, as older clients do.
            results["prices"] = prices(binary, generator, workdir, args.clients, args.seconds, step, batch=True)
            if args.with_single:
                results["prices_single"] = prices(binary, generator, workdir, args.clients, args.seconds, step,
                                                  batch=False)
        if not args.skip_memory:
            results["memory"] = memory(binary, generator, workdir, args.rules, args.sockets)
    print(json.dumps(results, indent=2))
    targets = []
    for key, label in (("prices", "batched, as the web UI subscribes"), ("prices_single", "one frame per price")):
        if key not in results:
            continue
        p = results[key]
        full = p["server_dropped_total"] == 0 and p["closed_during_run"] == 0 and p["delivered_percent"] >= 100.0
        targets.append((f"{p['clients']} clients ({label}): 100 % of coalesced prices delivered",
                        f"{p['delivered_percent']:.2f} % ({p['received_total']:,} received of "
                        f"{p['server_sent_total']:,.0f} queued, {p['server_dropped_total']:,.0f} dropped over the run; "
                        f"{p['messages_per_second']:,.0f} prices/s in the window; server {p['server_cpu_cores']:.2f} cores, "
                        f"{p['server_rss_mb']:.0f} MB)", "PASS" if full else "FAIL"))
        delivery = (f"; frame built → receipt p50 {p['delivery_p50_ms']} ms, p99 {p['delivery_p99_ms']} ms"
                    if p.get("batch") else "")
        targets.append((f"price delay, quote time → receipt ({label}): p99 ≤ 50 ms",
                        f"p50 {p['latency_p50_ms']} ms, p99 {p['latency_p99_ms']} ms{delivery} (generator "
                        f"{p['generator_cpu']:.2f} cores, timer late by up to {p['generator_lag_ms']:.0f} ms)",
                        "PASS" if p["messages"] > 0 and p["latency_p99_ms"] <= 50 else "FAIL"))
    if "memory" in results:
        m = results["memory"]
        targets.append((f"RSS ≤ 300 MB with {m['rules']:,} rules and {m['sockets_connected'] or 0:,} sockets",
                        f"{m['sockets_rss_mb']:.0f} MB (rules alone {m['rules_rss_mb']:.0f} MB)",
                        "PASS" if m["sockets_rss_mb"] <= 300 and (m["sockets_connected"] or 0) >= args.sockets
                        else "FAIL"))
    print("\n| target | measured | result |\n|---|---|---|")
    for name, measured, verdict in targets:
        print(f"| {name} | {measured} | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
