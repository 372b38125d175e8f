#!/usr/bin/env bash
# The three whole-process targets of issue 15 ("Performance in the same step") as paired
# ratios against a baseline binary (the release build of commit a9e7db8), on the same machine in
# the same minutes: A (this checkout's release build) and B (the baseline) run in turn, A B A B
# ..., and each pair gives one ratio A/B, so a drift of the machine's speed during the call moves
# both sides of a ratio alike. Prints, per target, the median and the range of the wall and CPU
# (user + system) ratios and the median seconds, and the load average before and after.
#
# Usage: scripts/perf_targets.sh BASELINE_BINARY [PAIRS]      (PAIRS: default 5; the simulation
#        runs max(3, PAIRS - 2) pairs). Set NO_BUILD=1 to skip `cargo build --release`.
# Example: scripts/perf_targets.sh ../orbit-a9e7db8 5     (about 2-3 minutes after the build on
#          two free cores). Build the baseline with `git worktree add /tmp/base a9e7db8 &&
#          cargo build --release -p orbit-cli --manifest-path /tmp/base/Cargo.toml`.
# A speed-up is 1 / ratio. Compare the outputs too: scripts/compare_outputs.py BASELINE NEW.
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=${1:?usage: scripts/perf_targets.sh BASELINE_BINARY [PAIRS]}
pairs=${2:-5}
[ -x "$baseline" ] || { echo "error: $baseline is not an executable" >&2; exit 2; }
if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release -p orbit-cli >&2
fi
target=${CARGO_TARGET_DIR:-target}
new="$target/release/orbit"
[ -x "$new" ] || { echo "error: no release binary at $new" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ec=tests/data/bargaining/bdm1994_ec_emissions_actors.csv

exec python3 - "$new" "$baseline" "$pairs" "$out" "$ec" <<'PY'
import os, statistics, subprocess, sys, time

new, base, pairs, out, ec = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
targets = [
    ("forecast --actors EC.csv --model all --runs 10000 --format json", 2.0, pairs,
     ["forecast", "--actors", ec, "--model", "all", "--runs", "10000", "--format", "json"]),
    ("simulate --runs 1000 --from 2015 --to 2030 --format json", 2.5, max(3, pairs - 2),
     ["simulate", "--runs", "1000", "--from", "2015", "--to", "2030", "--format", "json", "-q"]),
    ("run --quiet --out DIR --force", 2.0, pairs,
     ["run", "--quiet", "--out", os.path.join(out, "run"), "--force"]),
]

def once(binary, args):
    """Wall and CPU seconds of one whole process (its own rusage, from wait4)."""
    with open(os.devnull, "wb") as sink:
        t0 = time.perf_counter()
        p = subprocess.Popen([binary] + args, stdout=sink, stderr=sink, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"error: `{binary} {' '.join(args)}` exited with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime

print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cpus")
print(f"A = {new}\nB = {base}\n")
print("| command | pairs | B wall s | A wall s | A/B wall, median (min-max) | A/B cpu, median | speed-up (wall) | target |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for label, goal, n, args in targets:
    once(new, args); once(base, args)  # warm the page cache, not counted
    walls, cpus, aw, bw = [], [], [], []
    for _ in range(n):
        a = once(new, args)
        b = once(base, args)
        walls.append(a[0] / b[0]); cpus.append(a[1] / b[1]); aw.append(a[0]); bw.append(b[0])
    m = statistics.median(walls)
    print(f"| `{label}` | {n} | {statistics.median(bw):.2f} | {statistics.median(aw):.2f} | "
          f"{m:.3f} ({min(walls):.3f}-{max(walls):.3f}) | {statistics.median(cpus):.3f} | "
          f"{1 / m:.2f}x | {goal}x |", flush=True)
print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
PY
