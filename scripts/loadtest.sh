#!/usr/bin/env bash
# Bounded load test of the dashboard's `/api/timeline` on loopback, with wrk.
#
#   scripts/loadtest.sh [DURATION_SECONDS] [CONNECTIONS]
#
# Builds the release binary (unless ORBIT_BIN names one), starts `orbit serve` on a free
# 127.0.0.1 port, runs wrk against it for DURATION_SECONDS (default 60) with CONNECTIONS
# (default 32) connections on one wrk thread, prints wrk's report and a summary line, and
# stops the server. Exits 1 if any request failed (socket error, timeout or non-2xx), 2 if
# it could not run. Traffic goes to 127.0.0.1 only.
#
# Environment: ORBIT_BIN, PATH_QUERY (default `/api/timeline?actor=BLR&kind=sanction`),
# WRK_THREADS (default 1: the other core serves).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-60}"
connections="${2:-32}"
threads="${WRK_THREADS:-1}"
path_query="${PATH_QUERY:-/api/timeline?actor=BLR&kind=sanction}"

case "$duration" in '' | *[!0-9]*) echo "error: DURATION must be whole seconds" >&2; exit 2 ;; esac
if [ "$duration" -gt 600 ]; then
    echo "error: DURATION is limited to 600 seconds" >&2
    exit 2
fi
command -v wrk > /dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

if [ -z "${ORBIT_BIN:-}" ]; then
    cargo build --release --locked -p orbit-cli >&2
    ORBIT_BIN="${CARGO_TARGET_DIR:-target}/release/orbit"
fi

log="$(mktemp)"
"$ORBIT_BIN" serve --bind 127.0.0.1 --port 0 --quiet 2> "$log" &
server=$!
trap 'kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true; rm -f "$log"' EXIT

base=""
for _ in $(seq 1 600); do
    base="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 || true)"
    [ -n "$base" ] && break
    kill -0 "$server" 2> /dev/null || { cat "$log" >&2; echo "error: the server exited" >&2; exit 2; }
    sleep 0.1
done
[ -n "$base" ] || { echo "error: the server did not start within 60 s" >&2; exit 2; }
url="$base$path_query"
curl -fsS --max-time 5 "$url" > /dev/null || { echo "error: $url does not answer" >&2; exit 2; }

echo "wrk: $threads thread(s), $connections connections, ${duration}s against $url"
report="$(wrk -t "$threads" -c "$connections" -d "${duration}s" --timeout 5s --latency "$url")"
echo "$report"

requests_per_s="$(echo "$report" | awk '/^Requests\/sec:/ {print $2}')"
total="$(echo "$report" | awk '/requests in/ {print $1}')"
non2xx="$(echo "$report" | awk '/Non-2xx or 3xx responses:/ {print $5}')"
socket="$(echo "$report" | awk -F'[ ,]+' '/Socket errors:/ {print $4 + $6 + $8 + $10}')"
errors=$(( ${non2xx:-0} + ${socket:-0} ))
echo "summary: ${requests_per_s} requests/s, ${total} requests, ${errors} errors (${non2xx:-0} non-2xx, ${socket:-0} socket errors or timeouts) over ${duration} s"
[ "$errors" -eq 0 ]
