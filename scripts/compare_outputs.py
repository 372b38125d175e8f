#!/usr/bin/env python3
"""Compare the JSON outputs of two orbit binaries (for example the release build of a commit
before a performance change and the current one) on the same commands.

Usage: scripts/compare_outputs.py OLD_BINARY NEW_BINARY [--ec FILE.csv]

Every number of the two JSON documents is compared, path by path. Commands tagged "exact"
(the scholz2011 variant, which must not change by a single bit) fail on any difference; the
others report their largest absolute difference and fail above their stated tolerance.
Exit status 0 when every command is within its tolerance, 1 otherwise.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_EC = HERE.parent / "tests/data/bargaining/bdm1994_ec_emissions_actors.csv"


def commands(ec):
    ec = str(ec)
    # (label, arguments, tolerance: 0.0 = bit-identical)
    return [
        ("scholz2011, EC, 10 rounds", ["forecast", "--actors", ec, "--model", "eum", "--variant", "scholz2011", "--format", "json"], 0.0),
        ("scholz2011, EC, 2,000 draws", ["forecast", "--actors", ec, "--model", "all", "--variant", "scholz2011", "--runs", "2000", "--format", "json"], 0.0),
        ("bdm, EC, central run", ["forecast", "--actors", ec, "--model", "eum", "--format", "json"], 1e-9),
        ("bdm, EC, 10,000 draws", ["forecast", "--actors", ec, "--model", "all", "--runs", "10000", "--format", "json"], 1e-6),
        ("simulation, 200 runs", ["simulate", "--runs", "200", "-q", "--format", "json"], 1e-6),
    ]


def flatten(value, path, out):
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{path}.{k}", out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            flatten(v, f"{path}[{i}]", out)
    else:
        out[path] = value
    return out


def compare(old, new):
    a, b = flatten(old, "", {}), flatten(new, "", {})
    if a.keys() != b.keys():
        missing = sorted(set(a) ^ set(b))[:5]
        return float("inf"), f"different fields, e.g. {missing}"
    worst, where, exact = 0.0, "", True
    for key, x in a.items():
        y = b[key]
        if isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool):
            if x != y:
                exact = False
                d = abs(x - y)
                if d > worst:
                    worst, where = d, key
        elif x != y:
            return float("inf"), f"{key}: {x!r} vs {y!r}"
    return (0.0 if exact else worst), where


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--ec", default=DEFAULT_EC)
    args = parser.parse_args()
    failed = False
    for label, argv, tolerance in commands(args.ec):
        outputs = [json.loads(subprocess.run([binary, *argv], check=True, capture_output=True, text=True).stdout) for binary in (args.old, args.new)]
        worst, where = compare(*outputs)
        ok = worst <= tolerance
        failed |= not ok
        stated = "bit-identical" if tolerance == 0.0 else f"≤ {tolerance:g}"
        found = "identical" if worst == 0.0 else f"max |Δ| {worst:.3g} at {where}"
        print(f"{'ok  ' if ok else 'FAIL'} {label}: {found} (stated: {stated})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
