"""Fixtures for the black-box process tests: the real `stockcart` binary, over loopback.

Everything lives in tests/helpers.py (shared with the browser tests in tests/e2e); this file makes it visible to
pytest (fixtures and the report hook) and to the test modules (``from conftest import Api, Socket, server_env``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for helpers.py

from helpers import (  # noqa: E402,F401  (re-exported for pytest and the test modules)
    CONFIG_VARIABLES,
    DEFAULT_BIN,
    HTTP_TIMEOUT,
    REPO_ROOT,
    STARTUP_TIMEOUT,
    Api,
    FakeVenues,
    Nginx,
    ServerFactory,
    ServerProcess,
    Socket,
    fake_venues_bin,
    free_port,
    postgres_database,
    psql,
    pytest_runtest_makereport,
    server_env,
    server_factory,
    start_fake_venues,
    wait_until,
    stockcart_bin,
)
