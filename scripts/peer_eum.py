#!/usr/bin/env python3
"""Side-by-side check and timing of orbit's expected utility model against a Python peer.

The peer is an independent, straightforward pure-Python implementation of the `scholz2011`
variant written from the equations in docs/models/eum.md (E1, E3', E4-E13; Scholz, Calbert &
Smith 2011), not from orbit's code: O(n^3) per round, no precomputation. The script

1. checks the peer against the published reference run (10 rounds of the EC emission-standards
   case, tests/data/bargaining/bdm_scholz_example_expected_rounds.csv) to 1e-9;
2. checks orbit (`orbit forecast --actors ... --variant scholz2011 --model eum`) against the
   peer on random actor tables (positions of every round to 1e-9);
3. times both on the same tables on this machine and prints the ratios as a Markdown table.

orbit's time includes process start, CSV parsing and JSON output; the peer's is the model alone.

Usage: python3 scripts/peer_eum.py [--orbit target/release/orbit] [--sizes 10,30,60]
Bounded: the largest default size takes a few seconds in the peer.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "tests", "data", "bargaining")


def eum_scholz2011(names, cap, pos, sal, rounds=10):
    """Returns the list of position vectors, round 0 first."""
    n = len(names)
    w = [cap[i] * sal[i] for i in range(n)]
    delta = max(pos) - min(pos)  # (E4) fixed from the initial data
    x = list(pos)
    history = [list(x)]

    def votes_numerators(x, r):
        # N[a][b] = sum_k max(0, v_k(a, b)); denominator = sum_k sum_a sum_b |v_k(a, b)|
        dist = [[(abs(x[k] - x[a]) / delta) ** r[k] for a in range(n)] for k in range(n)]
        num = [[0.0] * n for _ in range(n)]
        den = 0.0
        for a in range(n):
            for b in range(n):
                s = 0.0
                for k in range(n):
                    v = w[k] * (dist[k][b] - dist[k][a])  # (E1)
                    if v > 0:
                        s += v
                    den += abs(v)
                num[a][b] = s
        return num, den

    def prob(num, den, x, i, j):  # (E3')
        if x[i] == x[j] or den == 0:
            return 0.0
        return num[i][j] / den

    def eu(i, j, x, num, den, rexp):  # (E10) i challenges j, perceived with exponent rexp
        d = abs(x[i] - x[j]) / delta
        us = 2 - 4 * (0.5 - 0.5 * d) ** rexp
        uf = 2 - 4 * (0.5 + 0.5 * d) ** rexp
        usq = 2 - 4 * 0.5 ** rexp
        p = prob(num, den, x, i, j)
        return sal[j] * (p * us + (1 - p) * uf) + (1 - sal[j]) * us - usq

    for _ in range(rounds):
        ones = [1.0] * n
        num, den = votes_numerators(x, ones)
        security = [sum(eu(j, i, x, num, den, 1.0) for j in range(n) if j != i) for i in range(n)]  # (E11)
        hi, lo = max(security), min(security)
        if hi == lo:
            r = [1.0] * n
        else:
            big_r = [(2 * s - hi - lo) / (hi - lo) for s in security]  # (E12)
            r = [(1 - q / 3) / (1 + q / 3) for q in big_r]
        num, den = votes_numerators(x, r)
        new_x = list(x)
        for i in range(n):
            confront = None
            compromise = None
            for j in range(n):
                if x[j] == x[i]:
                    continue
                a = eu(i, j, x, num, den, r[i])
                b = eu(j, i, x, num, den, r[i])
                if b > a > 0:  # (E13) confrontation: i moves to x_j
                    if confront is None or abs(x[j] - x[i]) < abs(confront - x[i]):
                        confront = x[j]
                elif b > 0 > a and b > abs(a):  # compromise
                    key = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                    if compromise is None or key < compromise[0]:
                        compromise = (key, x[i] + (x[j] - x[i]) * abs(a / b))
            if confront is not None:
                new_x[i] = confront
            elif compromise is not None:
                new_x[i] = compromise[1]
        x = new_x
        history.append(list(x))
    return history


def read_table(path):
    with open(path) as f:
        rows = list(csv.DictReader(l for l in f if not l.startswith("#")))
    return ([r["Actor"] for r in rows], [float(r["Capability"]) for r in rows],
            [float(r["Position"]) for r in rows], [float(r["Salience"]) for r in rows])


def check_reference():
    names, cap, pos, sal = read_table(os.path.join(SHARED, "bdm1994_ec_emissions_actors.csv"))
    history = eum_scholz2011(names, cap, pos, sal)
    with open(os.path.join(SHARED, "bdm_scholz_example_expected_rounds.csv")) as f:
        rows = list(csv.DictReader(l for l in f if not l.startswith("#")))
    worst = 0.0
    for row in rows:
        k = int(row["round"])
        for i, name in enumerate(names):
            worst = max(worst, abs(history[k][i] - float(row[name])))
    assert worst < 1e-9, f"peer differs from the reference run by {worst}"
    return worst


def run_orbit(orbit, path):
    out = subprocess.run([orbit, "forecast", "--actors", path, "--model", "eum", "--variant",
                          "scholz2011", "--rounds", "10", "--format", "json", "--quiet"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)[0]


def best_of(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t)
    return min(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orbit", default=os.path.join(HERE, "..", "target", "release", "orbit"))
    parser.add_argument("--sizes", default="10,30,60")
    args = parser.parse_args()
    if not os.path.exists(args.orbit):
        sys.exit(f"no orbit binary at {args.orbit}: run `cargo build --release` first")
    worst = check_reference()
    print(f"peer reproduces the published EC run: max deviation {worst:.1e}\n")
    print("| actors | peer (Python) | orbit (process) | ratio peer/orbit | max difference |")
    print("|---:|---:|---:|---:|---:|")
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            names = [f"A{i}" for i in range(n)]
            cap = [rng.uniform(0.01, 1) for _ in range(n)]
            pos = [float(rng.randint(0, 10)) for _ in range(n)]
            sal = [rng.uniform(0.1, 1) for _ in range(n)]
            path = os.path.join(tmp, f"actors{n}.csv")
            with open(path, "w") as f:
                f.write("Actor,Capability,Position,Salience\n")
                for row in zip(names, cap, pos, sal):
                    f.write(",".join(repr(v) if isinstance(v, float) else v for v in row) + "\n")
            repeat = 3 if n <= 30 else 1
            peer_time, history = best_of(lambda: eum_scholz2011(names, cap, pos, sal), repeat)
            orbit_time, result = best_of(lambda: run_orbit(args.orbit, path), 5)
            diff = max(abs(result["rounds"][k]["positions"][name] - history[k][i])
                       for k in range(len(history)) for i, name in enumerate(names))
            assert diff < 1e-9, f"orbit and the peer disagree by {diff} at n = {n}"
            print(f"| {n} | {peer_time * 1e3:.1f} ms | {orbit_time * 1e3:.1f} ms | "
                  f"{peer_time / orbit_time:.0f}x | {diff:.1e} |")


if __name__ == "__main__":
    main()
