#!/usr/bin/env bash
# Installs everything the test suite needs beyond the Swift toolchain. Idempotent: safe to run on every CI run and
# on a machine where a previous session already installed (or started) any of it.
#
#   * PostgreSQL (Debian's, v15) for the Swift suites' PostgreSQL pass (scripts/start-test-postgres.sh).
#   * Python test packages from tests/requirements.txt (pytest, requests, websocket-client, selenium).
#   * Chromium + chromedriver (Debian's) for the browser tests in tests/e2e, and the chart library the UI loads
#     (scripts/fetch-ui-vendor.sh: TradingView Lightweight Charts into the git-ignored Public/vendor/).
#
# Environment:
#   STOCKCART_SKIP_APT=1   skip the apt-get step entirely (e.g. no root; you installed PostgreSQL yourself).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup-test-deps] %s\n' "$*" >&2; }
die() { printf '[setup-test-deps] ERROR: %s\n' "$*" >&2; exit 1; }

# Debian packages the tests need.
APT_PACKAGES=(
    postgresql            # Debian 12: PostgreSQL 15 server + initdb/pg_ctl under /usr/lib/postgresql/15/bin
    postgresql-client     # psql, pg_isready
    python3               # the process tests (pytest) and a helper in start-test-postgres.sh
    python3-pip           # pip for the Python test packages (only used when the python3 on PATH lacks pip)
    chromium              # the browser tests (tests/e2e) drive Debian's Chromium, headless
    chromium-driver       # /usr/bin/chromedriver, the same version as chromium (Selenium talks to it)
    nginx-light           # the load balancer in front of several instances (tests/process/test_cluster.py)
)

# ---------------------------------------------------------------------------------------------------------------
# 1. System packages (apt-get). Skipped when everything is already installed, so reruns are fast and offline-safe.
# ---------------------------------------------------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
if [[ "${STOCKCART_SKIP_APT:-0}" == "1" ]]; then
    log "STOCKCART_SKIP_APT=1: not touching system packages"
elif ((${#missing[@]} == 0)); then
    log "system packages already installed: ${APT_PACKAGES[*]}"
else
    command -v apt-get >/dev/null || die "apt-get not found; install these yourself: ${missing[*]}"
    SUDO=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
        SUDO=(sudo)
    fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt_log=$(mktemp)
    if ! "${SUDO[@]}" apt-get update -q >"$apt_log" 2>&1; then
        cat "$apt_log" >&2; rm -f "$apt_log"; die "apt-get update failed"
    fi
    # Debian's postinst creates and starts a default cluster (15/main on 5432) when it can; the tests never use it,
    # they start their own throwaway cluster on another port.
    if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >"$apt_log" 2>&1; then
        cat "$apt_log" >&2; rm -f "$apt_log"; die "apt-get install failed: ${missing[*]}"
    fi
    rm -f "$apt_log"
fi

# The server binaries (initdb, pg_ctl, postgres) live off PATH; make sure they are really there.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]] && ! command -v initdb >/dev/null; then
    die "PostgreSQL server binaries (initdb, pg_ctl) not found after install"
fi

# ---------------------------------------------------------------------------------------------------------------
# 2. Python test packages.
# ---------------------------------------------------------------------------------------------------------------
PYTHON=${PYTHON:-python3}
export PIP_ROOT_USER_ACTION=ignore   # root in CI containers is expected; silence the warning
command -v "$PYTHON" >/dev/null || die "$PYTHON not found"
"$PYTHON" -m pip --version >/dev/null 2>&1 || die "$PYTHON has no pip (apt-get install python3-pip, or use a venv)"

pip_args=(install --quiet --disable-pip-version-check --no-input -r tests/requirements.txt)
# Debian's own python3 is "externally managed" (PEP 668); outside a virtualenv pip then refuses to install unless
# told to. The test packages are pure Python and pinned, so installing them for the user is acceptable here.
if "$PYTHON" - <<'PY'
import sys, sysconfig, os
in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
marker = os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED")
sys.exit(0 if (not in_venv and os.path.exists(marker)) else 1)
PY
then
    pip_args+=(--break-system-packages)
fi
if ! "$PYTHON" -m pip "${pip_args[@]}"; then
    die "pip install -r tests/requirements.txt failed"
fi
"$PYTHON" -c 'import pytest, requests, websocket, selenium' || die "python test packages did not import after install"
log "python test packages ready ($("$PYTHON" -m pytest --version 2>&1 | head -n 1))"

# ---------------------------------------------------------------------------------------------------------------
# 3. Browser tests: Chromium and chromedriver must both run (and agree on the version), and the UI's chart library
#    must be in Public/vendor/ (downloaded and checksum-verified; skipped when already there).
# ---------------------------------------------------------------------------------------------------------------
chromium_bin=$(command -v chromium || true)
chromedriver_bin=$(command -v chromedriver || true)
[[ -n "$chromium_bin" ]] || die "chromium not found after install (apt-get install chromium)"
[[ -n "$chromedriver_bin" ]] || die "chromedriver not found after install (apt-get install chromium-driver)"
chromium_version=$("$chromium_bin" --version 2>/dev/null | head -n 1) || die "chromium does not run: $chromium_bin --version failed"
chromedriver_version=$("$chromedriver_bin" --version 2>/dev/null | head -n 1) || die "chromedriver does not run"
browser_major=$(grep -oE '[0-9]+' <<<"$chromium_version" | head -n 1)
driver_major=$(grep -oE '[0-9]+' <<<"$chromedriver_version" | head -n 1)
[[ -n "$browser_major" && "$browser_major" == "$driver_major" ]] \
    || die "chromium and chromedriver versions differ ($chromium_version / $chromedriver_version)"
log "browser ready: $chromium_version; $chromedriver_version"
bash scripts/fetch-ui-vendor.sh

log "done"
