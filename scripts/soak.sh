#!/usr/bin/env bash
# `make soak`: the fault tests in full. The crash loop SIGKILLs the server STOCKCART_CRASH_KILLS times (default 50)
# under load and then checks that nothing acknowledged was lost or duplicated and that cash and holdings are exact;
# the database outage runs on a throwaway PostgreSQL started here (and stopped on exit). Both print what they checked.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
export STOCKCART_CRASH_KILLS=${STOCKCART_CRASH_KILLS:-50}
export STOCKCART_TEST_PG_DIR=${STOCKCART_TEST_PG_DIR:-$(mktemp -d /tmp/stockcart-soak-postgres.XXXXXX)}
trap 'bash scripts/stop-test-postgres.sh --purge >/dev/null 2>&1 || true' EXIT
url_line=$(bash scripts/start-test-postgres.sh --reset)
export STOCKCART_TEST_POSTGRES_URL=${url_line#TEST_POSTGRES_URL=} STOCKCART_REQUIRE_POSTGRES=1
swift build --product stockcart
STOCKCART_BIN="$(swift build --show-bin-path)/stockcart" STOCKCART_REQUIRE_BIN=1 \
    python3 -m pytest tests/process/test_crash_loop.py tests/process/test_faults.py -q -s -rs -p no:cacheprovider
