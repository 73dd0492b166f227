#!/usr/bin/env bash
# Fetches the one third-party file the web UI uses, TradingView Lightweight Charts v4.1.3 (Apache-2.0), into the
# git-ignored Public/vendor/. Nothing third-party is committed (../shared/ARCHITECTURE.md, "Getting the chart library").
#
# The library travels inside the PyPI wheel lightweight-charts==2.1 (lightweight_charts/js/lightweight-charts.js).
# This script downloads that wheel with `pip download --no-deps`, checks the wheel's sha256, extracts that one file,
# checks its sha256 too, and only then moves it into place. Idempotent: when Public/vendor/ already holds a file with
# the expected checksum it does nothing (no network). Any mismatch is a hard failure and leaves nothing behind.
#
# Called by scripts/run.sh (before serving) and scripts/setup-test-deps.sh (before the browser tests).
#
# Environment:
#   PYTHON                python with pip (default python3)
#   PIP_INDEX_URL & co.   honoured by pip as usual (a mirror works: the checksums still have to match)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[fetch-ui-vendor] %s\n' "$*" >&2; }
die() { printf '[fetch-ui-vendor] ERROR: %s\n' "$*" >&2; exit 1; }

WHEEL_SPEC="lightweight-charts==2.1"
WHEEL_SHA256="4c5598fd57ac7569c3fed733727e2033190ca2f6e2460223d27e0926be7bff4f"
MEMBER="lightweight_charts/js/lightweight-charts.js"
FILE_SHA256="a7d4221516c7ea0bb0cc17d605df8848c1c748517a2ca43c2ce1a95ddb159006"
DEST_DIR="Public/vendor"
DEST="$DEST_DIR/lightweight-charts.js"

sha256() { sha256sum "$1" | awk '{print $1}'; }
command -v sha256sum >/dev/null || die "sha256sum not found (coreutils)"

# --- already there and verified: nothing to do --------------------------------------------------------------------
if [[ -f "$DEST" ]]; then
    if [[ "$(sha256 "$DEST")" == "$FILE_SHA256" ]]; then
        log "chart library present and verified: $DEST"
        exit 0
    fi
    log "$DEST does not have the expected checksum; fetching it again"
fi

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null || die "$PYTHON not found; install python3 and python3-pip (apt-get install python3-pip)"
"$PYTHON" -m pip --version >/dev/null 2>&1 || die "$PYTHON has no pip; install it (apt-get install python3-pip)"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- download the wheel and verify it -----------------------------------------------------------------------------
log "downloading $WHEEL_SPEC (TradingView Lightweight Charts v4.1.3) from PyPI"
if ! PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-input \
        --no-deps --only-binary=:all: --dest "$WORK" "$WHEEL_SPEC" >"$WORK/pip.log" 2>&1; then
    cat "$WORK/pip.log" >&2
    die "pip download $WHEEL_SPEC failed (network? a PyPI mirror can be set with PIP_INDEX_URL)"
fi
shopt -s nullglob
wheels=("$WORK"/lightweight_charts-2.1-*.whl)
shopt -u nullglob
((${#wheels[@]} == 1)) || die "expected one lightweight_charts-2.1 wheel, pip left: $(ls "$WORK")"
WHEEL=${wheels[0]}
actual=$(sha256 "$WHEEL")
[[ "$actual" == "$WHEEL_SHA256" ]] || die "CHECKSUM MISMATCH for $(basename "$WHEEL"):
    expected $WHEEL_SHA256
    got      $actual
  refusing to use it (a tampered or different package). Nothing was installed."

# --- extract the one file and verify it -----------------------------------------------------------------------------
"$PYTHON" - "$WHEEL" "$MEMBER" "$WORK/lightweight-charts.js" <<'PY' || die "could not extract $MEMBER from the wheel"
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
actual=$(sha256 "$WORK/lightweight-charts.js")
[[ "$actual" == "$FILE_SHA256" ]] || die "CHECKSUM MISMATCH for $MEMBER inside the verified wheel:
    expected $FILE_SHA256
    got      $actual
  refusing to use it. Nothing was installed."

# --- move into place atomically -------------------------------------------------------------------------------------
mkdir -p "$DEST_DIR"
cp "$WORK/lightweight-charts.js" "$DEST.tmp.$$"
chmod 644 "$DEST.tmp.$$"
mv -f "$DEST.tmp.$$" "$DEST"
log "installed $DEST (sha256 $FILE_SHA256, Apache-2.0, https://github.com/tradingview/lightweight-charts)"
