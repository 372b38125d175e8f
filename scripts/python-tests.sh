#!/usr/bin/env bash
# The Python package's tests on a clean machine: a fresh virtual environment, the wheel built
# with maturin and installed into it, the pinned test requirements, then pytest on
# python/tests (and tests/python, with its own requirements, when it exists).
#
# Usage: scripts/python-tests.sh [pytest args...]
# Env:   VENV (default .venv-ci), PYTHON (default python3), ORBIT_BIN (the CLI the bindings are
#        compared with; default: target/release/orbit, built here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv=${VENV:-.venv-ci}
python=${PYTHON:-python3}

t0=$(date +%s)
rm -rf "$venv"
"$python" -m venv "$venv"
# shellcheck disable=SC1091
. "$venv/bin/activate"
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -r python/requirements-ci.txt
if [ -f tests/python/requirements.txt ]; then
    python -m pip install --quiet -r tests/python/requirements.txt
fi
t1=$(date +%s)
echo "python-tests: requirements installed in $((t1 - t0)) s" >&2

# The wheel (release profile, as users get it) and the CLI the tests compare against.
rm -rf target/wheels
(cd python && maturin build --release --out "$root/target/wheels" \
    --interpreter "$root/$venv/bin/python" --quiet)
python -m pip install --quiet --force-reinstall --no-deps target/wheels/orbit-*.whl
if [ -z "${ORBIT_BIN:-}" ]; then
    cargo build --release --quiet -p orbit-cli
    export ORBIT_BIN="${CARGO_TARGET_DIR:-$root/target}/release/orbit"
fi
t2=$(date +%s)
echo "python-tests: wheel and CLI built in $((t2 - t1)) s" >&2

dirs=(python/tests)
[ -d tests/python ] && dirs+=(tests/python)
# Run from outside the source tree so `import orbit` is the installed wheel.
cd "$root/target"
python -m pytest -q -p no:cacheprovider "${dirs[@]/#/$root/}" "$@"
echo "python-tests: pytest took $(($(date +%s) - t2)) s" >&2
