"""The API against its own OpenAPI document, by schemathesis (https://schemathesis.readthedocs.io), on a live server.

Every operation in the served /openapi.json is called, signed in as a user who owns a record of each kind (so the
`{id}` operations have something to find), with the document's examples, its boundary values (coverage phase),
generated valid and invalid data (fuzzing), and chained calls along the document's links (stateful). The checks:
no 5xx, every status code and content type one the document lists for the operation, and every response body valid
against its schema. Schemathesis prints what it ran; a failure prints a curl command that reproduces it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid

import pytest

from conftest import Api, server_env

PASSWORD = "correct horse battery"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def schemathesis_command() -> list[str]:
    binary = shutil.which("schemathesis") or shutil.which("st")
    if binary:
        return [binary]
    return [sys.executable, "-m", "schemathesis.cli"]


def run_schemathesis(base_url: str, token: str, report: str, *selection: str, ends_session: bool = False,
                     phases: str = "examples,coverage,fuzzing,stateful") -> str:
    """Runs schemathesis over the served document with `token`; the output (fails the test on any problem)."""
    examples = os.environ.get("STOCKCART_SCHEMATHESIS_EXAMPLES", "50")
    command = schemathesis_command() + [
        "run", base_url + "/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--checks", CHECKS,
        "--phases", phases,
        "--max-examples", examples,
        "--seed", "20261130",
        "--workers", "2",
        "--request-timeout", "20",
        "--suppress-health-check", "all",
        "--no-color",
        "--report", "junit", "--report-junit-path", report,
        *selection,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false", "NO_COLOR": "1"})
    output = result.stdout + result.stderr
    print(output[-5000:])
    assert result.returncode == 0, f"schemathesis found problems (exit {result.returncode}):\n{output[-20000:]}"
    # A run whose requests were all refused for authentication tests nothing; the token must hold throughout
    # (except in the run of the operations that end the session, where it cannot).
    if not ends_session:
        assert "Authentication failed" not in output, output[-5000:]
    return output


def test_every_operation_conforms_to_the_document(server_factory, stockcart_bin, tmp_path):
    # Thousands of requests from one user, and deliberately wrong logins: neither limit is what is tested here.
    server = server_factory.start(API_RATE_LIMIT="100000", API_RATE_BURST="1000000", LOGIN_MAX_FAILURES="1000")
    # An administrator, made the only way there is, so the admin operations are exercised as well.
    created = subprocess.run([str(stockcart_bin), "user", "create", "--email", "schema-admin@example.com", "--admin"],
                             input=PASSWORD + "\n", capture_output=True, text=True, timeout=120,
                             env=server_env(server.data_dir))
    assert created.returncode == 0, created.stderr
    api = Api(server.base_url)
    api.login("schema-admin@example.com", PASSWORD)
    ltp = api.get("/api/stocks/ITC")["ltp"]
    api.post("/api/rules", {"symbol": "ITC", "min_price": round(ltp * 5, 2), "max_price": round(ltp * 6, 2)}, expect=201)
    api.post("/api/cart", {"symbol": "ITC", "quantity": 2}, expect=201)
    api.post("/api/orders", {"symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 1,
                             "limit_price": round(ltp / 2, 2)}, expect=201)
    api.post("/api/strategies", {"kind": "rsi", "watchlist": ["ITC"], "timeframe": "1h"}, expect=201)
    operations = sum(1 for item in api.get("/openapi.json")["paths"].values()
                     for method in item if method in ("get", "post", "put", "patch", "delete"))

    # Everything but the two operations that end the session (they would revoke the token for the rest).
    output = run_schemathesis(server.base_url, api.token, str(tmp_path / "schemathesis.xml"),
                              "--exclude-operation-id", "logout", "--exclude-operation-id", "changePassword")
    assert f"Tested: {operations - 2}" in output, output[-3000:]

    # Those two on their own, with a user of their own.
    other = Api(server.base_url)
    other.register(f"schema-{uuid.uuid4().hex[:8]}@example.com", PASSWORD)
    output = run_schemathesis(server.base_url, other.token, str(tmp_path / "schemathesis-session.xml"),
                              "--include-operation-id", "logout", "--include-operation-id", "changePassword",
                              ends_session=True, phases="examples,coverage,fuzzing")  # no links between them
    assert "Tested: 2" in output, output[-3000:]
    assert server.running, f"the server died\n{server.log()}"
