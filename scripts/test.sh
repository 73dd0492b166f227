#!/usr/bin/env bash
# The one test command (README; run by .ci/run and `make test`). From a fresh Debian 12 machine with Swift:
#
#   1. test dependencies (PostgreSQL 15, Python test packages,      scripts/setup-test-deps.sh
#      Chromium + chromedriver, the UI's chart library)
#   2. a throwaway PostgreSQL on 127.0.0.1 (stopped on exit)         scripts/start-test-postgres.sh
#   3. one debug build of everything, tests included                 swift build --build-tests
#   4. every Swift suite on SQLite (the default)                     swift test --skip-build
#   5. the storage-backed suites again on PostgreSQL                 TEST_POSTGRES_URL=… swift test --filter …
#   6. black-box tests of the real server process                    python3 -m pytest tests/process
#   7. browser tests of the web UI (headless Chromium, Selenium)     python3 -m pytest tests/e2e
#      (screenshots of every page, desktop and phone: tests/output/screenshots/)
#
# Exits non-zero as soon as any step fails. Environment knobs (all optional):
#   STOCKCART_SKIP_DEPS=1       skip step 1 (dependencies already installed)
#   STOCKCART_SKIP_POSTGRES=1   skip steps 2 and 5 (prints a loud warning; CI never sets it)
#   STOCKCART_TEST_PG_DIR       reuse this cluster directory instead of a fresh one per run (it is then only stopped,
#                               not deleted, on exit)
#   SWIFT_BUILD_JOBS            parallel compile jobs (default: swift's own, = cores)
set -euo pipefail
cd "$(dirname "$0")/.."
# This run's PostgreSQL URL is kept in PG_URL and handed only to step 5; a caller's own TEST_POSTGRES_URL is ignored.
unset TEST_POSTGRES_URL

# The toolchain may be installed but not on a non-login PATH.
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

RUN_STARTED=$SECONDS
STEP_STARTED=$SECONDS
STEP_NAME=""
SUMMARY=()

section() {
    finish_step
    STEP_NAME=$1
    STEP_STARTED=$SECONDS
    printf '\n==============================================================================\n'
    printf '==== %s   [%s]\n' "$1" "$(date '+%H:%M:%S')"
    printf '==============================================================================\n'
}
finish_step() {
    if [[ -n "$STEP_NAME" ]]; then
        SUMMARY+=("$(printf '%5ds  %s' $((SECONDS - STEP_STARTED)) "$STEP_NAME")")
        STEP_NAME=""
    fi
}
# Runs a step's command under a time limit, so a hung test cannot eat the CI budget (60 min on 2 cores).
limit() { # limit <duration> <command…>
    local duration=$1; shift
    timeout --kill-after=30s "$duration" "$@"
}

# --------------------------------------------------------------------------------------------------------------
# cleanup: always stop the PostgreSQL this run started, and say clearly how the run ended
# --------------------------------------------------------------------------------------------------------------
PG_STARTED=0
PG_OWN_DIR=0
on_exit() {
    local status=$?
    set +e
    if ((PG_STARTED)); then
        if ((PG_OWN_DIR)); then
            bash scripts/stop-test-postgres.sh --purge
        else
            bash scripts/stop-test-postgres.sh
        fi
    fi
    local failed_step=$STEP_NAME
    finish_step
    printf '\n==============================================================================\n'
    printf '==== summary (%ds total)\n' $((SECONDS - RUN_STARTED))
    printf '%s\n' "${SUMMARY[@]}"
    if ((status == 0)); then
        printf '==== ALL TESTS PASSED\n'
    else
        if ((status == 124 || status == 137)); then
            printf '==== FAILED (exit %d: time limit hit) in step: %s\n' "$status" "${failed_step:-?}"
        else
            printf '==== FAILED (exit %d) in step: %s\n' "$status" "${failed_step:-?}"
        fi
    fi
    printf '==============================================================================\n'
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --------------------------------------------------------------------------------------------------------------
section "1/7 test dependencies"
# --------------------------------------------------------------------------------------------------------------
if [[ "${STOCKCART_SKIP_DEPS:-0}" == "1" ]]; then
    echo "STOCKCART_SKIP_DEPS=1: skipping"
else
    bash scripts/setup-test-deps.sh
fi
swift --version 2>&1 | head -n 1

# --------------------------------------------------------------------------------------------------------------
section "2/7 test PostgreSQL"
# --------------------------------------------------------------------------------------------------------------
PG_URL=""
if [[ "${STOCKCART_SKIP_POSTGRES:-0}" == "1" ]]; then
    echo "WARNING: STOCKCART_SKIP_POSTGRES=1: the PostgreSQL pass (step 5) will NOT run"
else
    if [[ -z "${STOCKCART_TEST_PG_DIR:-}" ]]; then
        # A fresh cluster per run: concurrent runs cannot collide, and nothing is left behind.
        STOCKCART_TEST_PG_DIR=$(mktemp -d /tmp/stockcart-ci-postgres.XXXXXX)
        PG_OWN_DIR=1
    fi
    export STOCKCART_TEST_PG_DIR
    PG_STARTED=1
    url_line=$(bash scripts/start-test-postgres.sh --reset)
    PG_URL=${url_line#TEST_POSTGRES_URL=}
    [[ "$PG_URL" == postgres://* ]] || { echo "start-test-postgres.sh printed no URL: '$url_line'" >&2; exit 1; }
    echo "TEST_POSTGRES_URL=$PG_URL"
fi

# --------------------------------------------------------------------------------------------------------------
section "3/7 swift build --build-tests (debug, everything once)"
# --------------------------------------------------------------------------------------------------------------
JOBS=()
[[ -n "${SWIFT_BUILD_JOBS:-}" ]] && JOBS=(--jobs "$SWIFT_BUILD_JOBS")
limit 45m swift build --build-tests "${JOBS[@]}"

# --------------------------------------------------------------------------------------------------------------
section "4/7 swift test: all suites on SQLite"
# --------------------------------------------------------------------------------------------------------------
# Without TEST_POSTGRES_URL every suite uses SQLite.
limit 20m swift test --skip-build

# --------------------------------------------------------------------------------------------------------------
section "5/7 swift test: PersistenceTests + APITests on PostgreSQL"
# --------------------------------------------------------------------------------------------------------------
if [[ -n "$PG_URL" ]]; then
    TEST_POSTGRES_URL=$PG_URL limit 15m swift test --skip-build --filter 'PersistenceTests|APITests'
else
    echo "WARNING: skipped (STOCKCART_SKIP_POSTGRES=1)"
fi

# --------------------------------------------------------------------------------------------------------------
section "6/7 process tests: the real stockcart binary over loopback"
# --------------------------------------------------------------------------------------------------------------
limit 20m swift build --product stockcart "${JOBS[@]}"   # already built in step 3: a quick up-to-date check
limit 20m swift build --product fake-venues "${JOBS[@]}" # the fake Angel One venues the live-trading tests run against
BIN_DIR=$(swift build --show-bin-path)
# The tests that run several instances on one PostgreSQL get this run's server (each makes a database of its own).
PG_FOR_PROCESS=()
[[ -n "$PG_URL" ]] && PG_FOR_PROCESS=(STOCKCART_TEST_POSTGRES_URL="$PG_URL" STOCKCART_REQUIRE_POSTGRES=1)
env "${PG_FOR_PROCESS[@]}" STOCKCART_BIN="$BIN_DIR/stockcart" STOCKCART_REQUIRE_BIN=1 \
    timeout --kill-after=30s 15m python3 -m pytest tests/process -q -rs -p no:cacheprovider

# --------------------------------------------------------------------------------------------------------------
section "7/7 browser tests: the web UI in headless Chromium"
# --------------------------------------------------------------------------------------------------------------
# The same binary, serving Public/ from the repo root. A missing binary, Chromium, chromedriver or chart library is
# a failure here, never a skip. Screenshots of every page (desktop and phone) land in tests/output/screenshots/.
STOCKCART_BIN="$BIN_DIR/stockcart" STOCKCART_REQUIRE_BIN=1 STOCKCART_REQUIRE_BROWSER=1 \
    limit 15m python3 -m pytest tests/e2e -q -rs -p no:cacheprovider
echo "screenshots: $(pwd)/tests/output/screenshots/"

finish_step
