#!/usr/bin/env python3
"""Exact Shapley values: orbit against Python peers, on the same machine in the same run.

Game: v(S) = (sum of (i+1) over i in S) ** 1.5 on n players (dense, every coalition).

Peers (all timed here, best of --reps, tabulating v included on both sides):
  * coopgt (drvinceknight/coopgt, `pip install coopgt`): averages marginal contributions over
    all n! permutations, so it is only run for small n (--coopgt-max, default 8);
  * "python-subsets": a straightforward pure-Python subset enumeration written for this
    script, phi_i = sum over S not containing i of |S|!(n-|S|-1)!/n! (v(S+i) - v(S));
  * "numpy-subsets": the same enumeration vectorised with numpy (if numpy is installed).
orbit: `examples/shapley_dense.rs` (library call, release build), and for the smaller games
also the end-to-end CLI `orbit game shapley --game FILE.json` (process start and JSON parsing
included).

Every peer's values are checked against orbit's (relative difference below 1e-9).
Usage: python3 scripts/peer_games.py [--sizes 10 14 16 18] [--reps 3] [--no-build]
Honours CARGO_TARGET_DIR. Runs in about a minute once orbit is built.
"""

import argparse
import itertools
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def v(mask):
    s = 0
    i = 0
    m = mask
    while m:
        if m & 1:
            s += i + 1
        m >>= 1
        i += 1
    return float(s) ** 1.5


def weights(n):
    return [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]


def python_subsets(n):
    values = [v(m) for m in range(1 << n)]
    size = [bin(m).count("1") for m in range(1 << n)]
    w = weights(n)
    phi = [0.0] * n
    for i in range(n):
        bit = 1 << i
        acc = 0.0
        for m in range(1 << n):
            if not m & bit:
                acc += w[size[m]] * (values[m | bit] - values[m])
        phi[i] = acc
    return phi


def numpy_subsets(n):
    import numpy as np

    masks = np.arange(1 << n, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(n)) & 1
    values = (bits @ np.arange(1, n + 1)).astype(np.float64) ** 1.5
    size = bits.sum(axis=1)
    w = np.array(weights(n))
    phi = np.empty(n)
    for i in range(n):
        out = masks[bits[:, i] == 0]
        phi[i] = np.sum(w[size[out]] * (values[out | (1 << i)] - values[out]))
    return phi.tolist()


def coopgt_shapley(n):
    import coopgt.shapley_value

    cf = {}
    for k in range(n + 1):
        for c in itertools.combinations(range(1, n + 1), k):
            cf[c] = v(sum(1 << (p - 1) for p in c))
    return [float(x) for x in coopgt.shapley_value.calculate(cf)]


def best_of(reps, f, *args):
    best, out = math.inf, None
    for _ in range(reps):
        t = time.perf_counter()
        out = f(*args)
        best = min(best, time.perf_counter() - t)
    return best, out


def orbit_library(sizes, reps):
    exe = TARGET / "release" / "examples" / "shapley_dense"
    out = subprocess.run([str(exe), "--reps", str(reps), *map(str, sizes)],
                         check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    return {r["n"]: (r["seconds"], r["shapley"]) for r in rows}


def orbit_cli(n, reps, tmp):
    path = Path(tmp) / f"game{n}.json"
    players = [f"P{i}" for i in range(n)]
    values = [{"coalition": [players[i] for i in range(n) if m >> i & 1], "value": v(m)}
              for m in range(1, 1 << n)]
    path.write_text(json.dumps({"players": players, "values": values}))
    exe = TARGET / "release" / "orbit"
    cmd = [str(exe), "game", "shapley", "--game", str(path), "--method", "exact", "--format", "json"]
    best, out = best_of(reps, lambda: subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    return best, json.loads(out)["shapley"]


def agree(a, b):
    scale = max(1.0, max(abs(x) for x in a))
    return max(abs(x - y) for x, y in zip(a, b)) / scale


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[10, 14, 16, 18])
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--coopgt-max", type=int, default=8)
    p.add_argument("--cli-max", type=int, default=14)
    p.add_argument("--no-build", action="store_true")
    a = p.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "orbit-cli",
                        "-p", "orbit-models", "--example", "shapley_dense", "--bin", "orbit"],
                       cwd=ROOT, check=True)
    small = [n for n in range(6, a.coopgt_max + 1)]
    lib = orbit_library(sorted(set(a.sizes) | set(small)), a.reps)
    try:
        import numpy  # noqa: F401
        have_numpy = True
    except ImportError:
        have_numpy = False
    try:
        import coopgt  # noqa: F401
        have_coopgt = True
    except ImportError:
        have_coopgt = False

    print(f"# machine: {platform.machine()}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}")
    print(f"# orbit seconds = best of {a.reps}; ratio = peer seconds / orbit library seconds")
    print("| n | peer | peer s | orbit library s | ratio | orbit CLI s | max rel. diff |")
    print("|---|---|---|---|---|---|---|")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        if have_coopgt:
            for n in small:
                t, phi = best_of(1, coopgt_shapley, n)
                rows.append((n, "coopgt (n! permutations)", t, phi))
        for n in a.sizes:
            t, phi = best_of(1 if n >= 16 else a.reps, python_subsets, n)
            rows.append((n, "python-subsets (pure Python)", t, phi))
            if have_numpy:
                t, phi = best_of(a.reps, numpy_subsets, n)
                rows.append((n, "numpy-subsets", t, phi))
        cli = {n: orbit_cli(n, a.reps, tmp) for n in a.sizes if n <= a.cli_max}
        for n, name, t, phi in rows:
            t_orbit, phi_orbit = lib[n]
            diff = agree(phi_orbit, phi)
            worst = max(worst, diff)
            cli_t = ""
            if n in cli:
                cli_t = f"{cli[n][0]:.4f}"
                worst = max(worst, agree(phi_orbit, cli[n][1]))
            print(f"| {n} | {name} | {t:.4f} | {t_orbit:.6f} | {t / t_orbit:,.0f}x | {cli_t} | {diff:.1e} |")
    print(f"\nlargest relative difference from orbit over all peers: {worst:.1e}")
    if worst > 1e-9:
        sys.exit("peers disagree with orbit")


if __name__ == "__main__":
    main()
