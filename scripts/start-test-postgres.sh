#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL cluster for the tests. No systemd, no system cluster: initdb into its
# own directory, owned by the `postgres` user when run as root, listening on 127.0.0.1 only.
#
# On success the LAST line on stdout is
#     TEST_POSTGRES_URL=postgres://stockcart:stockcart@127.0.0.1:<port>/stockcart_test
# and nothing else is written to stdout (progress goes to stderr), so callers can do
#     export "$(scripts/start-test-postgres.sh)"
# The same line is also written to <dir>/env as `export TEST_POSTGRES_URL=…` for `source`.
#
# Idempotent: if the cluster in <dir> is already running it is reused (same port), the role and database are
# ensured, and the URL is printed again. A stale or half-initialised directory is repaired or recreated.
# Stop it with scripts/stop-test-postgres.sh (same environment).
#
# Options:
#   --reset      drop and recreate the stockcart_test database (a clean slate; the cluster keeps running)
# Environment:
#   STOCKCART_TEST_PG_DIR   cluster directory (default /tmp/stockcart-test-postgres)
#   TEST_POSTGRES_PORT      preferred port (default 55432); if taken by something else, a free port is chosen
#   (as root the directory must be reachable by the postgres user: keep it under /tmp, not under /root)
set -euo pipefail

PG_DIR=${STOCKCART_TEST_PG_DIR:-/tmp/stockcart-test-postgres}
PREFERRED_PORT=${TEST_POSTGRES_PORT:-55432}
DB_USER=stockcart
DB_PASSWORD=stockcart
DB_NAME=stockcart_test
RESET=0
for arg in "$@"; do
    case "$arg" in
        --reset) RESET=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "start-test-postgres: unknown option '$arg'" >&2; exit 2 ;;
    esac
done

log() { printf '[test-postgres] %s\n' "$*" >&2; }
die() { printf '[test-postgres] ERROR: %s\n' "$*" >&2; exit 1; }

# --- the server binaries (Debian keeps them off PATH) ---------------------------------------------------------
PG_BIN=""
if [[ -n "${PG_BIN_DIR:-}" ]]; then
    PG_BIN=$PG_BIN_DIR
elif command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir 2>/dev/null)/initdb" ]]; then
    PG_BIN=$(pg_config --bindir)
else
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" ]]; then
    if command -v initdb >/dev/null 2>&1; then PG_BIN=$(dirname "$(command -v initdb)")
    else die "PostgreSQL server binaries not found; run scripts/setup-test-deps.sh"; fi
fi

# --- who runs the server: postgres refuses to run as root -----------------------------------------------------
if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user (install postgresql)"
    RUN_AS=(runuser -u postgres --)
    OWNER=postgres
else
    RUN_AS=()
    OWNER=$(id -un)
fi
as_owner() { "${RUN_AS[@]}" "$@"; }

DATA="$PG_DIR/data"
SOCK="$PG_DIR/socket"
PORT_FILE="$PG_DIR/port"
LOG_FILE="$PG_DIR/server.log"

# One start at a time per directory (two test runs racing on the same cluster).
mkdir -p "$PG_DIR"
exec 9>"$PG_DIR.lock"
if command -v flock >/dev/null 2>&1; then flock -w 120 9 || die "timed out waiting for the lock on $PG_DIR.lock"; fi

port_in_use() { # true when something accepts TCP connections on 127.0.0.1:$1
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
postmaster_pid() { head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true; }
is_running() { # the postmaster named in postmaster.pid is alive (a zombie, e.g. after SIGKILL in a container, is not)
    local pid state
    pid=$(postmaster_pid)
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
    [[ -n "$state" && "$state" != Z && "$state" != X ]]
}
is_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -t 2; }
cluster_pids() { # processes still working in this cluster's data directory (orphaned backends of a killed server)
    local dir pid
    dir=$(cd "$DATA" 2>/dev/null && pwd -P) || return 0
    for pid in /proc/[0-9]*; do
        [[ "$(readlink "$pid/cwd" 2>/dev/null)" == "$dir" ]] && echo "${pid#/proc/}"
    done
    return 0
}
admin_psql() { # superuser over the private Unix socket (trust)
    PGOPTIONS='-c client_min_messages=warning' as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres -d postgres "$@"
}

# --- initialise (or repair) the cluster -----------------------------------------------------------------------
REUSED=0
if is_running; then
    PORT=$(cat "$PORT_FILE" 2>/dev/null || true)
    [[ "$PORT" =~ ^[0-9]+$ ]] || die "cluster in $DATA is running but $PORT_FILE is missing; stop it with scripts/stop-test-postgres.sh"
    for _ in $(seq 1 10); do
        if is_ready "$PORT"; then REUSED=1; break; fi
        sleep 1
    done
    if ((REUSED)); then
        log "reusing running cluster in $PG_DIR on port $PORT"
    else
        log "cluster in $PG_DIR does not answer on port $PORT; restarting it"
        as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
    fi
fi
if ((!REUSED)); then
    # A server that died without cleaning up (SIGKILL, reboot) leaves postmaster.pid and, for a moment, orphaned
    # backends holding its shared memory; wait for those to exit and drop the stale lock files.
    if [[ -f "$DATA/postmaster.pid" ]] && ! is_running; then
        for _ in $(seq 1 20); do
            [[ -z "$(cluster_pids)" ]] && break
            sleep 0.5
        done
        log "removing stale lock files of a server that is gone"
        rm -f "$DATA/postmaster.pid"
    fi
    # Socket lock files name the old postmaster's PID; a dead (or zombie) one must not block the new server.
    if ! is_running; then rm -f "$SOCK"/.s.PGSQL.*; fi
    if [[ -d "$DATA" && ! -f "$DATA/PG_VERSION" ]] || [[ -f "$DATA/PG_VERSION" && ! -f "$DATA/postgresql.conf" ]]; then
        log "removing half-initialised cluster directory $DATA"
        rm -rf "$DATA"
    fi
    if [[ -f "$DATA/PG_VERSION" ]]; then
        # Left over from an earlier run (stopped, or killed and cleaned up above): reuse it unless the server
        # version changed underneath.
        installed_major=$("$PG_BIN/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')
        if [[ "$(cat "$DATA/PG_VERSION")" != "$installed_major" ]]; then
            log "cluster in $DATA is from PostgreSQL $(cat "$DATA/PG_VERSION"), server is $installed_major: recreating"
            rm -rf "$DATA"
        fi
    fi
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        log "initialising cluster in $DATA ($("$PG_BIN/postgres" --version))"
        mkdir -p "$DATA" "$SOCK"
        chown -R "$OWNER" "$PG_DIR"
        chmod 700 "$DATA"
        init_log=$(mktemp)
        chmod 644 "$init_log"; chown "$OWNER" "$init_log"
        # Local (Unix socket) connections: trust, for the admin steps below. TCP: password (scram-sha-256).
        if ! as_owner "$PG_BIN/initdb" -D "$DATA" -U postgres -E UTF8 --no-locale --no-sync \
                --auth-local=trust --auth-host=scram-sha-256 >"$init_log" 2>&1; then
            cat "$init_log" >&2; rm -f "$init_log"; die "initdb failed"
        fi
        rm -f "$init_log"
        # Test-only tuning: durability off (the data is thrown away), room for many parallel test pools.
        cat >>"$DATA/postgresql.conf" <<CONF

# ---- stockcart test cluster (scripts/start-test-postgres.sh) ----
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
unix_socket_permissions = 0700
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
log_min_messages = warning
log_min_error_statement = error
CONF
        # Only loopback TCP, always with a password; nothing else.
        cat >"$DATA/pg_hba.conf" <<HBA
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   scram-sha-256
HBA
        chown "$OWNER" "$DATA/postgresql.conf" "$DATA/pg_hba.conf"
    fi
    mkdir -p "$SOCK"; chown "$OWNER" "$SOCK"

    PORT=$(cat "$PORT_FILE" 2>/dev/null || true)
    [[ "$PORT" =~ ^[0-9]+$ ]] || PORT=$PREFERRED_PORT
    if port_in_use "$PORT"; then
        taken=$PORT
        PORT=$(free_port)
        log "port $taken is in use by something else; using free port $PORT"
    fi
    echo "$PORT" >"$PORT_FILE"
    touch "$LOG_FILE"; chown "$OWNER" "$LOG_FILE" "$PORT_FILE"

    log "starting PostgreSQL on 127.0.0.1:$PORT (log: $LOG_FILE)"
    # 9>&-: the server must not inherit the lock's descriptor, or it would hold the lock for its whole lifetime.
    if ! as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG_FILE" -o "-p $PORT" -w -t 60 start >/dev/null 9>&-; then
        tail -n 40 "$LOG_FILE" >&2 || true
        die "PostgreSQL did not start"
    fi
fi

# --- wait until it accepts connections ---------------------------------------------------------------------------
for _ in $(seq 1 60); do
    if is_ready "$PORT"; then break; fi
    sleep 0.5
done
is_ready "$PORT" || { tail -n 40 "$LOG_FILE" >&2 || true; die "PostgreSQL is not ready on 127.0.0.1:$PORT"; }

# --- role and database (idempotent) ----------------------------------------------------------------------------
admin_psql <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
        CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    ELSE
        ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    END IF;
END
\$\$;
SQL
if ((RESET)); then
    log "resetting database $DB_NAME"
    admin_psql -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)"
fi
if [[ -z "$(admin_psql -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]]; then
    admin_psql -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
fi

URL="postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
# Prove the URL works over TCP with the password, as the tests will use it.
PGPASSWORD=$DB_PASSWORD "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$URL" -c 'SELECT 1' >/dev/null \
    || die "cannot connect with $URL"

printf 'export TEST_POSTGRES_URL=%q\n' "$URL" >"$PG_DIR/env"
log "ready: $URL"
echo "TEST_POSTGRES_URL=$URL"
