#!/usr/bin/env python3
"""Write a dense TU game file for `orbit game --game` (and the coopgame peer) with N players
and every non-empty coalition, v(S) = (sum of (i + 1) over i in S) ** 1.5 (the dense game of
docs/performance.md). At 20 players the file has 1,048,575 entries and is about 115 MB: it is
generated, never committed.

Usage: scripts/gen_game_file.py OUT.json [N]    (N default 20, at most 20)
"""
import sys


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    if not 1 <= n <= 20:
        sys.exit("N must be in 1..20")
    players = [f"P{i:02d}" for i in range(n)]
    quoted = [f'"{p}"' for p in players]
    with open(out, "w") as f:
        f.write('{"players": [' + ", ".join(quoted) + '], "values": [\n')
        for mask in range(1, 1 << n):
            members = [i for i in range(n) if mask >> i & 1]
            value = sum(i + 1 for i in members) ** 1.5
            sep = ",\n" if mask < (1 << n) - 1 else "\n"
            f.write('{"coalition": [' + ", ".join(quoted[i] for i in members)
                    + f'], "value": {value!r}}}' + sep)
        f.write("]}\n")


if __name__ == "__main__":
    main()
