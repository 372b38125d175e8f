"""Side-by-side timings for docs/performance.md and docs/scaling.md (not a test: numbers depend
on the machine). Usage: python python/bench/bench.py ORBIT_BIN [what...]
what: forecast, sweep, ray (default: all)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

import orbit


def best(f, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def forecast(cli):
    world = orbit.load()
    args = [cli, "forecast", "--issue", "russian_air_base", "--runs", "10000", "--seed", "7",
            "--format", "json", "--quiet"]
    startup, _ = best(lambda: subprocess.run([cli, "validate", "--format", "json"],
                                             capture_output=True, check=True))
    rust, _ = best(lambda: subprocess.run(args, capture_output=True, check=True))
    py, _ = best(lambda: world.forecast("russian_air_base", runs=10_000, seed=7))
    core = rust - startup
    print(f"forecast 10000 draws: CLI {rust:.3f} s (start+load {startup:.3f} s, model+JSON "
          f"{core:.3f} s); Python call {py:.3f} s; Python/CLI-model {py / core:.3f}")


def sweep(n, threads, executor="local", workers=None, chunk=1000):
    world = orbit.load()
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        s = orbit.sweep(world, "lhs", n, seed=1, store=os.path.join(d, "s.sqlite"),
                        chunk=chunk, executor=executor, threads=threads, workers=workers)
        dt = time.perf_counter() - t
    print(f"sweep lhs {n} runs 2015-2030, {executor} threads={threads} workers={workers} "
          f"chunk={chunk}: {dt:.2f} s, {n / dt:.1f} runs/s, {s.failures} failures")
    return dt


def ray_overhead():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)

    @ray.remote
    def noop(x):
        return x

    ray.get([noop.remote(i) for i in range(50)])  # warm the workers
    t = time.perf_counter()
    ray.get([noop.remote(i) for i in range(1000)])
    per_noop = (time.perf_counter() - t) / 1000
    print(f"ray: empty task round trip {per_noop * 1e3:.2f} ms (1000 tasks, 2 CPUs)")
    n = 400
    local = sweep(n, 2, "local", chunk=n)
    for chunk in (1, 10, 100):
        r = sweep(n, 1, "ray", workers=2, chunk=chunk)
        tasks = n / chunk
        print(f"  ray chunk {chunk}: overhead per task {(r - local) / tasks * 1e3:.2f} ms "
              f"(vs local 2 threads)")
    ray.shutdown()


if __name__ == "__main__":
    cli = sys.argv[1]
    what = sys.argv[2:] or ["forecast", "sweep", "ray"]
    if "forecast" in what:
        forecast(cli)
    if "sweep" in what:
        sweep(2000, 1)
        sweep(2000, 2)
        sweep(2000, 1, "process", workers=2)
    if "ray" in what:
        ray_overhead()
