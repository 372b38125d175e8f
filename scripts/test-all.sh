#!/usr/bin/env bash
# Every test orbit has, in one command (the README's test command):
#   1. the Rust workspace (`cargo test --workspace`), which needs nothing beside the clone;
#   2. the Python tests (bindings, sweeps, EMA Workbench, Ray, pygambit cross-checks), in a fresh
#      virtual environment that scripts/python-tests.sh builds;
#   3. the dashboard in headless Chromium (tests/e2e), which needs Debian's `chromium`.
# Set ORBIT_SKIP_PYTHON=1 or ORBIT_SKIP_BROWSER=1 to leave a part out (it is then reported as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test --workspace"
cargo test --workspace --locked

if [[ "${ORBIT_SKIP_PYTHON:-0}" == 1 ]]; then
    echo "== Python tests: skipped (ORBIT_SKIP_PYTHON=1)"
elif [[ -x scripts/python-tests.sh ]]; then
    echo "== Python tests"
    scripts/python-tests.sh
fi

if [[ "${ORBIT_SKIP_BROWSER:-0}" == 1 ]]; then
    echo "== browser test: skipped (ORBIT_SKIP_BROWSER=1)"
else
    echo "== browser test (Chromium)"
    if ! command -v chromium > /dev/null; then
        echo "error: the browser test needs Debian's Chromium at /usr/bin/chromium" >&2
        echo "  = hint: \`apt-get install chromium\`, or set ORBIT_SKIP_BROWSER=1" >&2
        exit 2
    fi
    npm ci --prefix tests/e2e --no-audit --no-fund > /dev/null
    cargo build --locked -p orbit-cli
    SCREENSHOTS="${SCREENSHOTS:-$(mktemp -d)}" node tests/e2e/dashboard.mjs
fi
