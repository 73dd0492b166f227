"""Security, black-box: the server's `user` command (the only way to an administrator), TLS with HSTS, revocation and
the login throttle across two instances on one PostgreSQL, and no password, token or secret in the logs or in the
database in plain text.

The two-instance test needs PostgreSQL: scripts/test.sh hands its throwaway server's URL over as
STOCKCART_TEST_POSTGRES_URL (and requires it there); run alone without it, that test skips saying so.
"""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import requests
import websocket

from conftest import Api, Socket, free_port, postgres_database, server_env, start_fake_venues, wait_until  # noqa: F401

PASSWORD = "correct horse battery"


def run_cli(binary: Path, env: dict, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *arguments], env=env, input=stdin, capture_output=True, text=True,
                          timeout=120)


# --------------------------------------------------------------------------------------------------------------
# stockcart user create / set-role
# --------------------------------------------------------------------------------------------------------------

def test_user_command_makes_the_only_administrators(server_factory, stockcart_bin):
    server = server_factory.start()
    env = server_env(server.data_dir)

    created = run_cli(stockcart_bin, env, "user", "create", "--email", "Ops@Example.com", "--admin",
                      stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("created admin ops@example.com ("), created.stdout
    assert PASSWORD not in created.stdout + created.stderr

    ops = Api(server.base_url)
    session = ops.login("ops@example.com", PASSWORD)
    assert session["user"]["role"] == "admin"
    users = ops.get("/api/admin/users")["users"]
    assert [u["email"] for u in users] == ["ops@example.com"] and users[0]["role"] == "admin"

    # Refusals, each with its exit code and words; none of them changes anything.
    again = run_cli(stockcart_bin, env, "user", "create", "--email", "ops@example.com", stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "already exists" in again.stderr, again
    short = run_cli(stockcart_bin, env, "user", "create", "--email", "x@example.com", stdin="short\n")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr, short
    bad = run_cli(stockcart_bin, env, "user", "create", "--email", "not-an-email", stdin=PASSWORD + "\n")
    assert bad.returncode == 2 and "valid address" in bad.stderr, bad
    empty = run_cli(stockcart_bin, env, "user", "create", "--email", "y@example.com", stdin="")
    assert empty.returncode == 2 and "no password on standard input" in empty.stderr, empty
    role = run_cli(stockcart_bin, env, "user", "set-role", "--email", "ops@example.com", "--role", "owner")
    assert role.returncode == 2 and "role must be user or admin" in role.stderr, role
    nobody = run_cli(stockcart_bin, env, "user", "set-role", "--email", "nobody@example.com", "--role", "admin")
    assert nobody.returncode == 1 and "no user has the e-mail" in nobody.stderr, nobody
    assert [u["email"] for u in ops.get("/api/admin/users")["users"]] == ["ops@example.com"]

    # A registered user is a user, whatever the body says, until the command says otherwise.
    user = Api(server.base_url)
    user.post("/api/auth/register", {"email": "lee@example.com", "password": PASSWORD, "role": "admin"}, expect=201)
    user.login("lee@example.com", PASSWORD)
    assert user.request("GET", "/api/admin/users").status_code == 403
    promoted = run_cli(stockcart_bin, env, "user", "set-role", "--email", "lee@example.com", "--role", "admin")
    assert promoted.returncode == 0 and "lee@example.com is now admin" in promoted.stdout, promoted
    # On SQLite the server sees the change when its 30-second cache entry expires.
    wait_until(lambda: user.request("GET", "/api/admin/users").status_code == 200, 40, "lee to become an admin")
    audit = ops.get("/api/admin/audit?action=user.*")["entries"]
    assert {e["action"] for e in audit} == {"user.create_cli", "user.role_set_cli", "user.register"}, audit


# --------------------------------------------------------------------------------------------------------------
# TLS
# --------------------------------------------------------------------------------------------------------------

def make_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def test_tls_serves_https_and_wss_with_hsts(server_factory, tmp_path):
    cert, key = make_certificate(tmp_path)
    server = server_factory.start(wait=False, TLS_CERT=str(cert), TLS_KEY=str(key))
    base = f"https://127.0.0.1:{server.port}"

    def healthy():
        try:
            return requests.get(base + "/healthz", verify=str(cert), timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_until(healthy, 60, "the server to answer over HTTPS")
    response = requests.get(base + "/healthz", verify=str(cert), timeout=5)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    registered = requests.post(base + "/api/auth/register", json={"email": "tls@example.com", "password": PASSWORD},
                               verify=str(cert), timeout=10)
    assert registered.status_code == 201, registered.text
    assert registered.headers["Strict-Transport-Security"].startswith("max-age=")
    token = registered.json()["token"]
    # Plain HTTP on the TLS port is not served.
    with pytest.raises(requests.RequestException):
        requests.get(f"http://127.0.0.1:{server.port}/healthz", timeout=5)
    # The socket too, as wss://.
    socket = websocket.create_connection(f"wss://127.0.0.1:{server.port}/api/ws?token={token}", timeout=10,
                                         sslopt={"ca_certs": str(cert)})
    try:
        import json
        assert json.loads(socket.recv())["type"] == "welcome"
    finally:
        socket.close()


@pytest.mark.parametrize("variables, named", [
    ({"TLS_CERT": "/nonexistent/cert.pem"}, "TLS_KEY"),
    ({"TLS_KEY": "/nonexistent/key.pem"}, "TLS_CERT"),
    ({"TLS_CERT": "/nonexistent/cert.pem", "TLS_KEY": "/nonexistent/key.pem"}, "TLS_CERT"),
])
def test_tls_misconfiguration_fails_start_naming_the_variable(stockcart_bin, tmp_path, variables, named):
    env = server_env(tmp_path, **variables)
    result = subprocess.run([str(stockcart_bin), "serve", "--port", str(free_port())], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert named in result.stdout + result.stderr, result.stdout + result.stderr


def test_a_key_file_that_is_not_a_key_fails_start(stockcart_bin, tmp_path):
    cert, _ = make_certificate(tmp_path)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key\n")
    env = server_env(tmp_path, TLS_CERT=str(cert), TLS_KEY=str(junk))
    result = subprocess.run([str(stockcart_bin), "serve", "--port", str(free_port())], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "TLS_KEY" in result.stdout + result.stderr, result.stdout + result.stderr


# --------------------------------------------------------------------------------------------------------------
# two instances on one PostgreSQL
# --------------------------------------------------------------------------------------------------------------

def test_revocation_and_login_throttle_hold_across_two_instances(postgres_database, server_factory):
    shared = {"DATABASE_URL": postgres_database, "JWT_SECRET": "two-instances-share-this-secret-0123456789",
              "LOGIN_MAX_FAILURES": "3"}
    first = server_factory.start(**shared)
    second = server_factory.start(**shared)
    a, b = Api(first.base_url), Api(second.base_url)

    # One account, usable through either instance.
    a.register("both@example.com", PASSWORD)
    b.token = a.token
    assert b.get("/api/auth/me")["email"] == "both@example.com"
    with Socket(second.ws_url, a.token) as socket:
        socket.wait_for(lambda m: m.get("type") == "welcome", 10, "welcome on the second instance")
        # Logout through the first instance: the second refuses the token and closes its socket at once.
        started = time.monotonic()
        a.request("POST", "/api/auth/logout", expect=204)
        refused = wait_until(lambda: b.request("GET", "/api/rules").status_code == 401 or None, 5,
                             "the second instance to refuse the revoked token")
        took = time.monotonic() - started
        assert refused
        assert b.request("GET", "/api/rules").json()["reason"] == "token has been revoked; log in again"
        assert socket.close_code(10) == 4001
    print(f"revocation through instance 1 refused on instance 2 after {took * 1000:.0f} ms")
    assert took < 2, f"took {took:.2f}s"

    # A password changed through the second instance: the first refuses the old token too.
    a.login("both@example.com", PASSWORD)
    old = a.token
    b.token = old
    changed = b.post("/api/auth/password", {"current_password": PASSWORD, "new_password": PASSWORD + "!"})
    wait_until(lambda: Api(first.base_url, old).request("GET", "/api/rules").status_code == 401, 5,
               "the first instance to refuse the token the password change revoked")
    assert Api(first.base_url, changed["token"]).get("/api/auth/me")["email"] == "both@example.com"

    # The login throttle counts failures from both instances together (3 allowed a minute).
    for api in (a, b, a):
        assert api.request("POST", "/api/auth/login",
                           json={"email": "both@example.com", "password": "wrong password"}).status_code == 401
    for api in (b, a):
        throttled = api.request("POST", "/api/auth/login",
                                json={"email": "both@example.com", "password": PASSWORD + "!"})
        assert throttled.status_code == 429, throttled.text
        assert int(throttled.headers["Retry-After"]) >= 1


# --------------------------------------------------------------------------------------------------------------
# secrets stay secret
# --------------------------------------------------------------------------------------------------------------

BROKER = {"api_key": "broker-api-key-31337", "client_code": "Z9912", "pin": "86420137",
          "totp_secret": "JBSWY3DPEHPK3PXQJBSWY3DPEHPK3PXQ"}


@pytest.fixture
def angel_one(fake_venues_bin):
    """The fake Angel One, knowing the user's broker account, so the server logs in and stores the credentials."""
    fake = start_fake_venues(fake_venues_bin, [":".join(BROKER[k] for k in ("api_key", "client_code", "pin",
                                                                            "totp_secret"))], ["RELIANCE:2885"])
    try:
        yield fake
    finally:
        fake.process.kill()
        fake.process.wait(timeout=10)


def test_no_password_token_or_secret_in_the_logs_or_the_database(server_factory, stockcart_bin, angel_one):
    jwt_secret = "jwt-secret-that-must-never-appear-0123456789"
    master_key = base64.b64encode(bytes(range(100, 132))).decode()
    server = server_factory.start(LOG_LEVEL="trace", JWT_SECRET=jwt_secret, MASTER_KEY=master_key,
                                  LOGIN_MAX_FAILURES="100", ANGELONE_API_URL=angel_one.api_url,
                                  ANGELONE_INSTRUMENTS_URL=angel_one.instruments_url)
    env = server_env(server.data_dir, JWT_SECRET=jwt_secret, MASTER_KEY=master_key)
    admin_password = "admin password 9271"
    assert run_cli(stockcart_bin, env, "user", "create", "--email", "root@example.com", "--admin",
                   stdin=admin_password + "\n").returncode == 0

    first_password, second_password = "first secret 4821", "second secret 7394"
    api = Api(server.base_url)
    tokens = [api.register("quiet@example.com", first_password)["token"]]
    wrong = api.request("POST", "/api/auth/login", json={"email": "quiet@example.com", "password": "wrong guess 5531"})
    assert wrong.status_code == 401
    tokens.append(api.login("quiet@example.com", first_password)["token"])
    with Socket(server.ws_url, api.token) as socket:  # a token in the URL, as browsers send it
        socket.wait_for(lambda m: m.get("type") == "welcome", 10, "welcome")
    tokens.append(api.post("/api/auth/password", {"current_password": first_password,
                                                  "new_password": second_password})["token"])
    api.token = tokens[-1]
    # The user's broker credentials: checked by logging in at (the fake) Angel One, then stored sealed.
    broker = BROKER
    connected = api.request("PUT", "/api/broker", json=broker, expect=200).json()
    assert connected["client_code"] == "Z9912"
    ops = Api(server.base_url)
    tokens.append(ops.login("root@example.com", admin_password)["token"])
    ops.get("/api/admin/audit")
    api.request("POST", "/api/auth/logout", expect=204)
    server.terminate(60)

    secrets = {"password": first_password, "new password": second_password, "wrong password": "wrong guess 5531",
               "admin password": admin_password, "JWT_SECRET": jwt_secret, "MASTER_KEY": master_key,
               "broker pin": "8642", "broker TOTP secret": broker["totp_secret"],
               "broker api key": broker["api_key"]}
    for index, token in enumerate(tokens):
        secrets[f"token {index}"] = token
        secrets[f"token {index} signature"] = token.rsplit(".", 1)[1]

    log = server.log()
    assert len(log) > 1000, "the trace log is suspiciously short"
    leaks = [name for name, value in secrets.items() if value in log]
    assert not leaks, f"in the server log: {leaks}"

    database = server.data_dir / "stockcart.sqlite"
    connection = sqlite3.connect(database)
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    raw = b"".join(path.read_bytes() for path in server.data_dir.glob("stockcart.sqlite*"))
    # Secrets long enough not to turn up by chance are looked for in every byte of the files; the PIN (a few
    # digits, which any timestamp may contain) in the rows that could hold it: broker accounts and the audit log.
    leaks = [name for name, value in secrets.items()
             if len(value) >= 12 and (value in dump or value.encode() in raw)]
    owned_rows = "\n".join(line for line in dump.splitlines()
                           if line.startswith(('INSERT INTO "broker_accounts"', 'INSERT INTO "audit_log"')))
    leaks += [name for name, value in secrets.items() if value in owned_rows]
    assert not leaks, f"in the database: {leaks}"
    assert 'INSERT INTO "audit_log"' in dump
    # The passwords are there as bcrypt hashes, and the audit log recorded the events without them.
    assert dump.count("$2b$04$") + dump.count("$2b$12$") + dump.count("$2y$") >= 2
    assert "auth.password_changed" in dump and "auth.logout" in dump
    assert 'INSERT INTO "broker_accounts"' in dump  # the credentials are there, sealed
