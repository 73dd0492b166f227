#!/usr/bin/env bash
# The one command to run StockCart on a fresh machine (README). Builds the server and serves it with the embedded
# defaults: SQLite in ./data, the simulated NSE feed and the paper broker; no configuration needed.
#
#   scripts/run.sh                      release build, http://127.0.0.1:8080
#   scripts/run.sh --debug              debug build (compiles faster, runs slower)
#   scripts/run.sh --port 9000          any other option goes to `stockcart serve` (--hostname, --port)
#   PORT=9000 DATA_DIR=/srv/stockcart scripts/run.sh     environment variables work too (docs/configuration.md)
#
# Stop it with Ctrl-C (SIGINT) or SIGTERM: it shuts down gracefully and keeps all data in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIG=${STOCKCART_CONFIG:-release}
SERVE_ARGS=()
for arg in "$@"; do
    case "$arg" in
        --debug) CONFIG=debug ;;
        --release) CONFIG=release ;;
        *) SERVE_ARGS+=("$arg") ;;
    esac
done

log() { printf '[run] %s\n' "$*" >&2; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || die "Swift 6 is not installed (see https://www.swift.org/install/linux/)"

# --------------------------------------------------------------------------------------------------------------
# UI assets: the chart library (TradingView Lightweight Charts) into the git-ignored Public/vendor/, downloaded and
# checksum-verified once; later runs find it in place and skip the network. A checksum mismatch stops here.
# --------------------------------------------------------------------------------------------------------------
bash scripts/fetch-ui-vendor.sh || die "could not install the chart library into Public/vendor/ (see above)"

log "building stockcart ($CONFIG; the first build downloads dependencies and takes several minutes)"
swift build -c "$CONFIG" --product stockcart
BIN="$(swift build -c "$CONFIG" --show-bin-path)/stockcart"
[[ -x "$BIN" ]] || die "build finished but $BIN is missing"

# Where it will listen, for the message: --hostname/--port, else HOST/PORT, else the defaults.
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8080}
for ((i = 0; i < ${#SERVE_ARGS[@]}; i++)); do
    case "${SERVE_ARGS[i]}" in
        --hostname) HOST=${SERVE_ARGS[i + 1]:-$HOST} ;;
        --hostname=*) HOST=${SERVE_ARGS[i]#--hostname=} ;;
        --port) PORT=${SERVE_ARGS[i + 1]:-$PORT} ;;
        --port=*) PORT=${SERVE_ARGS[i]#--port=} ;;
    esac
done
BROWSE_HOST=$HOST
[[ "$HOST" == "0.0.0.0" || "$HOST" == "::" ]] && BROWSE_HOST=127.0.0.1
URL="http://$BROWSE_HOST:$PORT/"

log "starting StockCart on $URL (data: ${DATA_DIR:-./data}, feed: ${MARKET_FEED:-simulated}, broker: ${BROKER:-paper})"
# Say so once it really answers (the server logs its own lines too).
(
    for _ in $(seq 1 240); do
        if (exec 3<>"/dev/tcp/$BROWSE_HOST/$PORT") 2>/dev/null; then
            log "StockCart is up: open $URL   (health: ${URL}healthz; stop with Ctrl-C)"
            exit 0
        fi
        sleep 0.5
    done
) &
exec "$BIN" serve "${SERVE_ARGS[@]}"
