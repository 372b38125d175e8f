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


def forecast(cli, pairs=int(os.environ.get("PAIRS", "7"))):
    """The bindings' overhead on a 10,000-draw forecast, paired: each round times the CLI's
    start-up and scenario load (`orbit validate`), the CLI's forecast, the Python call and
    the native call without the pandas wrapping, in turn; ratios are taken per round and the
    median quoted, so drifts of the loaded machine cancel."""
    world = orbit.load()
    kw = dict(runs=10_000, seed=7)
    args = [cli, "forecast", "--issue", "russian_air_base", "--runs", "10000", "--seed", "7",
            "--format", "json", "--quiet"]
    native_args = ("russian_air_base", "all", "bdm", None, None, 10_000, 7,
                   "pert:0.2", "pert:0.05", "pert:0.1")

    def timed(f):
        """Wall and CPU seconds of `f`: CPU of this process (every thread) plus its children,
        which the load of a shared machine disturbs far less than wall time."""
        import resource

        def cpu():
            own = resource.getrusage(resource.RUSAGE_SELF)
            kids = resource.getrusage(resource.RUSAGE_CHILDREN)
            return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

        w, c = time.perf_counter(), cpu()
        f()
        return time.perf_counter() - w, cpu() - c

    world.forecast("russian_air_base", **kw)  # warm-up
    rows = []
    for _ in range(pairs):
        start = timed(lambda: subprocess.run([cli, "validate", "--format", "json"],
                                             capture_output=True, check=True))
        rust = timed(lambda: subprocess.run(args, capture_output=True, check=True))
        py = timed(lambda: world.forecast("russian_air_base", **kw))
        native = timed(lambda: world._native.forecast(*native_args))
        rows.append((start, rust, py, native))
    med = statistics.median
    for k, clock in enumerate(["wall", "cpu"]):
        start, rust, py, native = (med([r[i][k] for r in rows]) for i in range(4))
        ratio = med([r[2][k] / (r[1][k] - r[0][k]) for r in rows])
        ratio_native = med([r[3][k] / (r[1][k] - r[0][k]) for r in rows])
        print(f"forecast 10000 draws, {pairs} paired rounds, {clock} medians: CLI {rust:.3f} s "
              f"(start+load {start:.3f} s); Python call {py:.3f} s; native call {native:.3f} s")
        print(f"  {clock}: Python/CLI-model {ratio:.3f}  native/CLI-model {ratio_native:.3f}")


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


def ray_overhead(tasks=300, runs=int(os.environ.get("RAY_RUNS", "100"))):
    """Ray's per-task overhead on a local 2-CPU Ray: an empty task's round trip over `tasks`
    tasks, and a sweep of `runs` runs as `runs` one-run Ray tasks against the same runs in
    one process on 2 threads (paired, median of 3)."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)

    @ray.remote
    def noop(x):
        return x

    ray.get([noop.remote(i) for i in range(50)])  # warm the workers
    trips = []
    for _ in range(3):
        t = time.perf_counter()
        ray.get([noop.remote(i) for i in range(tasks)])
        trips.append((time.perf_counter() - t) / tasks)
    print(f"ray: empty task round trip {statistics.median(trips) * 1e3:.2f} ms "
          f"(median of 3 x {tasks} tasks, 2 CPUs)")
    sweep(20, 1, "ray", workers=2, chunk=1)  # warm the workers' compiled sweep
    overheads = []
    for _ in range(3):
        local = sweep(runs, 2, "local", chunk=runs)
        r = sweep(runs, 1, "ray", workers=2, chunk=1)
        overheads.append((r - local) / runs)
    print(f"  ray chunk 1 ({runs} tasks): overhead per task "
          f"{statistics.median(overheads) * 1e3:.2f} ms (vs local 2 threads, median of 3)")
    ray.shutdown()


if __name__ == "__main__":
    cli = sys.argv[1]
    what = sys.argv[2:] or ["forecast", "sweep", "ray"]
    if "forecast" in what:
        forecast(cli)
    if "sweep" in what:
        n = int(os.environ.get("SWEEP_RUNS", "500"))
        sweep(n, 1)
        sweep(n, 2)
        sweep(n, 1, "process", workers=2)
    if "ray" in what:
        ray_overhead()
