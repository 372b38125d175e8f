#!/usr/bin/env bash
# Reproduces the Python-bindings and sweep measurements of docs/performance.md and
# docs/scaling.md (issue 12) with public tools: /usr/bin/time -v and python/bench/bench.py.
# Not a test: the numbers depend on the machine and its load (note the load average with
# every figure). Long runs start under `nice -n 10`.
#
# Usage: scripts/python_perf.sh [forecast] [sweep] [sweep100k] [ray]   (default: all four)
# Env:   ORBIT_BIN (default target/release/orbit), PYTHON (an interpreter with the orbit wheel,
#        pandas and ray installed; default .venv-ci/bin/python), OUT (directory for sweep files
#        and logs; default a new temporary directory), SWEEP_RUNS (runs of the 1-vs-2-thread
#        sweeps; default 500), BIG_RUNS (default 100000), BIG_THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
orbit=${ORBIT_BIN:-target/release/orbit}
python=${PYTHON:-.venv-ci/bin/python}
out=${OUT:-$(mktemp -d -t orbit-perf-XXXXXX)}
mkdir -p "$out"
what=("$@")
[ ${#what[@]} -eq 0 ] && what=(forecast sweep sweep100k ray)
load() { cut -d' ' -f1-3 /proc/loadavg; }

for w in "${what[@]}"; do
    case $w in
    forecast)
        echo "== bindings' overhead on a 10,000-draw forecast (load $(load))"
        "$python" python/bench/bench.py "$orbit" forecast
        # Whole processes too: the Python one pays the interpreter's and pandas' import.
        for _ in 1 2 3; do
            /usr/bin/time -f "cli    %e s wall, %M KB peak" "$orbit" forecast \
                --issue russian_air_base --runs 10000 --seed 7 --format json --quiet > /dev/null
            /usr/bin/time -f "python %e s wall, %M KB peak" "$python" -c \
                'import orbit; orbit.load().forecast("russian_air_base", runs=10_000, seed=7)'
        done
        ;;
    sweep)
        n=${SWEEP_RUNS:-500}
        for t in 1 2; do
            echo "== LHS sweep, $n runs of 2015-2030, $t thread(s) (load $(load))"
            /usr/bin/time -v nice -n 10 "$orbit" sweep --design lhs --samples "$n" --seed 1 \
                --from 2015 --to 2030 --threads "$t" --out "$out/lhs-$n-$t.sqlite" --force \
                --quiet 2>&1 | grep -E "runs of|Elapsed|Maximum resident"
        done
        ;;
    sweep100k)
        n=${BIG_RUNS:-100000}
        t=${BIG_THREADS:-2}
        log="$out/sweep-$n.log"
        echo "== LHS sweep, $n runs of 2015-2030, $t thread(s), streamed to SQLite; progress and"
        echo "   peak RSS every 60 s in $log (load $(load))"
        nice -n 10 "$orbit" sweep --design lhs --samples "$n" --seed 1 --from 2015 --to 2030 \
            --threads "$t" --out "$out/lhs-$n.sqlite" --force --quiet > "$out/sweep-$n.out" &
        pid=$!
        started=$(date +%s)
        echo "elapsed_s runs_written peak_rss_kb load" > "$log"
        while kill -0 "$pid" 2> /dev/null; do
            sleep 60
            hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo -)
            rows=$("$python" -c 'import sqlite3, sys
try:
    c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=1)
    print(c.execute("SELECT count(*) FROM runs").fetchone()[0])
except Exception:
    print("-")' "$out/lhs-$n.sqlite")
            echo "$(($(date +%s) - started)) $rows $hwm $(load)" >> "$log"
        done
        wait "$pid"
        cat "$out/sweep-$n.out" "$log"
        ;;
    ray)
        echo "== Ray per-task overhead, local Ray with 2 CPUs (load $(load))"
        "$python" python/bench/bench.py "$orbit" ray
        ;;
    *)
        echo "unknown measurement \`$w\`: use forecast, sweep, sweep100k or ray" >&2
        exit 2
        ;;
    esac
done
