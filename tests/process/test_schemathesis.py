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

from conftest import Api

PASSWORD = "correct horse battery"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def schemathesis_command() -> list[str]:
    binary = shutil.which("schemathesis") or shutil.which("st")
    if binary:
        return [binary]
    return [sys.executable, "-m", "schemathesis.cli"]


def test_every_operation_conforms_to_the_document(server_factory, tmp_path):
    # Thousands of requests from one user, and deliberately wrong logins: neither limit is what is tested here.
    server = server_factory.start(API_RATE_LIMIT="100000", API_RATE_BURST="1000000", LOGIN_MAX_FAILURES="100000")
    api = Api(server.base_url)
    api.register(f"schema-{uuid.uuid4().hex[:8]}@example.com", PASSWORD)
    ltp = api.get("/api/stocks/ITC")["ltp"]
    api.post("/api/rules", {"symbol": "ITC", "min_price": round(ltp * 5, 2), "max_price": round(ltp * 6, 2)}, expect=201)
    api.post("/api/cart", {"symbol": "ITC", "quantity": 2}, expect=201)
    api.post("/api/orders", {"symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 1,
                             "limit_price": round(ltp / 2, 2)}, expect=201)
    api.post("/api/strategies", {"kind": "rsi", "watchlist": ["ITC"], "timeframe": "1h"}, expect=201)

    examples = os.environ.get("STOCKCART_SCHEMATHESIS_EXAMPLES", "25")
    command = schemathesis_command() + [
        "run", server.base_url + "/openapi.json",
        "--header", f"Authorization: Bearer {api.token}",
        "--checks", CHECKS,
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", examples,
        "--seed", "20261130",
        "--workers", "2",
        "--request-timeout", "20",
        "--suppress-health-check", "all",
        "--no-color",
        "--report", "junit", "--report-junit-path", str(tmp_path / "schemathesis.xml"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false", "NO_COLOR": "1"})
    output = result.stdout + result.stderr
    print(output[-6000:])
    assert result.returncode == 0, f"schemathesis found problems (exit {result.returncode}):\n{output[-20000:]}"
    assert server.running, f"the server died\n{server.log()}"
