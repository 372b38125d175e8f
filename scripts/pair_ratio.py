#!/usr/bin/env python3
"""Paired wall-time ratio of two binaries on one command, with their outputs compared.

Usage: scripts/pair_ratio.py A B PAIRS THREADS -- ARGS...
Runs A and B in turn (A B A B ..., one warm-up each, not counted) with RAYON_NUM_THREADS set,
so a drift of the machine's speed moves both sides of a pair alike. Prints the fastest run of
each, the ratio of the fastest runs, the median and range of the pair ratios A/B, the speed-up
(1 / median ratio), and whether A and B printed the same bytes (SHA-1 of stdout).
Example: scripts/pair_ratio.py target/release/orbit ../orbit-c0ce061 15 1 -- \\
         forecast --actors tests/data/bargaining/bdm1994_ec_emissions_actors.csv \\
         --model all --runs 10000 --format json
"""
import hashlib
import os
import statistics
import subprocess
import sys

if "--" not in sys.argv or len(sys.argv[: sys.argv.index("--")]) != 5:
    sys.exit(__doc__)
a, b, pairs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
args = sys.argv[sys.argv.index("--") + 1 :]
env = dict(os.environ, RAYON_NUM_THREADS=threads)


def once(binary):
    import time

    t0 = time.perf_counter()
    out = subprocess.run([binary] + args, capture_output=True, env=env, check=True).stdout
    return time.perf_counter() - t0, hashlib.sha1(out).hexdigest()[:10]


once(a)
once(b)
ta, tb, ha, hb = [], [], set(), set()
for _ in range(pairs):
    t, h = once(a)
    ta.append(t)
    ha.add(h)
    t, h = once(b)
    tb.append(t)
    hb.add(h)
ratios = [x / y for x, y in zip(ta, tb)]
median = statistics.median(ratios)
print(
    f"fastest A {min(ta):.3f} s, B {min(tb):.3f} s, ratio {min(ta) / min(tb):.3f} | "
    f"median A {statistics.median(ta):.3f} s, B {statistics.median(tb):.3f} s | "
    f"A/B median {median:.3f} ({min(ratios):.3f}-{max(ratios):.3f}), speed-up {1 / median:.3f} | "
    f"same output: {ha == hb} (A {sorted(ha)}, B {sorted(hb)})"
)
