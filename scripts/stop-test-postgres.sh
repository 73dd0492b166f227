#!/usr/bin/env bash
# Stops the throwaway test cluster started by scripts/start-test-postgres.sh (same STOCKCART_TEST_PG_DIR).
# Idempotent: nothing running (or nothing there) is not an error.
#
# Options:
#   --purge   also delete the cluster directory (all test data)
set -euo pipefail

PG_DIR=${STOCKCART_TEST_PG_DIR:-/tmp/stockcart-test-postgres}
PURGE=0
for arg in "$@"; do
    case "$arg" in
        --purge) PURGE=1 ;;
        *) echo "stop-test-postgres: unknown option '$arg'" >&2; exit 2 ;;
    esac
done
log() { printf '[test-postgres] %s\n' "$*" >&2; }

DATA="$PG_DIR/data"
if [[ -f "$DATA/PG_VERSION" ]]; then
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -x "${PG_BIN:-}/pg_ctl" ]] || PG_BIN=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")
    RUN_AS=()
    ((EUID == 0)) && RUN_AS=(runuser -u postgres --)
    pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)
    state=""
    [[ "$pid" =~ ^[0-9]+$ ]] && state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
    # Alive and not a zombie (a SIGKILLed server in a container whose init does not reap is one).
    if [[ -n "$state" && "$state" != Z && "$state" != X ]]; then
        log "stopping PostgreSQL in $PG_DIR"
        "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null \
            || "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null \
            || log "WARNING: could not stop PostgreSQL in $PG_DIR"
    fi
fi
if ((PURGE)) && [[ -d "$PG_DIR" ]]; then
    log "removing $PG_DIR"
    rm -rf "$PG_DIR" "$PG_DIR.lock"
fi
exit 0
