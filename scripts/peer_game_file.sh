#!/usr/bin/env bash
# `orbit game shapley --game FILE.json --method exact` against a small program over the
# `coopgame` crate (benches/peers/coopgame-shapley) on the same generated 20-player file
# (about 115 MB, 1,048,575 entries; scripts/gen_game_file.py), end to end: process start,
# reading and parsing the file, the exact Shapley value and printing it. Runs the two in turn
# PAIRS times (default 3), prints each run's wall seconds and peak memory (GNU time) and the
# median ratio peer/orbit, and checks that the two Shapley vectors agree to 1e-9 (relative).
#
# Usage: scripts/peer_game_file.sh [PAIRS] [FILE.json]   (the file is generated when absent;
#        default /tmp/orbit-game20.json). NO_BUILD=1 skips the two release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-3}
file=${2:-/tmp/orbit-game20.json}
target=${CARGO_TARGET_DIR:-$PWD/target}
if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release -p orbit-cli >&2
  CARGO_TARGET_DIR=$target cargo build --release \
    --manifest-path benches/peers/coopgame-shapley/Cargo.toml >&2
fi
[ -f "$file" ] || python3 scripts/gen_game_file.py "$file" 20
orbit="$target/release/orbit"
peer="$target/release/coopgame-shapley-peer"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

exec python3 - "$orbit" "$peer" "$file" "$pairs" "$tmp" <<'PY'
import json, os, statistics, subprocess, sys

orbit, peer, path, pairs, tmp = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]

def timed(cmd, out):
    """Wall seconds and peak resident MB of one whole process (GNU time's own accounting)."""
    stats = os.path.join(tmp, "time")
    with open(out, "w") as sink:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", stats] + cmd, stdout=sink,
                       stderr=subprocess.DEVNULL, check=True)
    wall, kb = open(stats).read().split()[-2:]
    return float(wall), int(kb) / 1024

orbit_cmd = [orbit, "game", "shapley", "--game", path, "--method", "exact", "--format", "json"]
peer_cmd = [peer, path]
print(f"file: {path} ({os.path.getsize(path) / 1e6:.1f} MB); load average before: "
      f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
print("| run | orbit wall s | orbit peak MB | peer wall s | peer peak MB | peer/orbit wall |")
print("|---:|---:|---:|---:|---:|---:|")
ratios = []
for k in range(pairs):
    ow, om = timed(orbit_cmd, os.path.join(tmp, "orbit.json"))
    pw, pm = timed(peer_cmd, os.path.join(tmp, "peer.csv"))
    ratios.append(pw / ow)
    print(f"| {k + 1} | {ow:.2f} | {om:.0f} | {pw:.2f} | {pm:.0f} | {pw / ow:.2f} |", flush=True)
ours = json.load(open(os.path.join(tmp, "orbit.json")))["shapley"]
theirs = [float(line.split(",")[1]) for line in open(os.path.join(tmp, "peer.csv"))]
worst = max(abs(a - b) / max(abs(a), abs(b), 1e-300) for a, b in zip(ours, theirs))
print(f"\nmedian peer/orbit wall: {statistics.median(ratios):.2f}; largest relative difference "
      f"of the Shapley values: {worst:.1e}; load average after: "
      f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
if len(ours) != len(theirs) or worst > 1e-9:
    sys.exit("error: the Shapley values differ")
PY
