"""Experiment designs over a scenario's uncertain inputs, run in one process, a local process
pool or on Ray, streamed to SQLite or Parquet chunk by chunk.

The design is drawn in Rust (``orbit_models::design``), row by row from ``(seed, row)``, so the
same seed gives the same rows from ``orbit sweep`` on the command line and from Python, on any
executor and any number of workers.

>>> import orbit
>>> s = orbit.sweep(orbit.load(), design="lhs", samples=8, seed=3, end=2017,
...                 series=["eum.russian_air_base"])
>>> s.frame().shape[0]
8
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from . import _orbit
from ._orbit import OrbitError

__all__ = ["SweepResult", "design", "read_sweep", "sweep"]


def _is_parquet(path: str) -> bool:
    return path.lower().endswith(".parquet")


def read_sweep(
    path: str | os.PathLike[str], columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The runs of a sweep file, SQLite or Parquet (``orbit sweep --out``, ``orbit.sweep(...,
    store=...)``), as a DataFrame indexed by ``run`` in run order: the factor values, the
    outcomes (NaN where not computed), and for Parquet files the ``failure`` message column.
    ``columns`` picks columns. ``frame.attrs`` holds ``meta`` (scenario, design, seed, ...),
    ``factors`` (name, low, high, source) and ``outcomes``. Parquet needs pyarrow.

    >>> s = orbit.sweep(orbit.load(), "lhs", 4, end=2016, store="s.parquet", overwrite=True)
    >>> orbit.read_sweep("s.parquet").shape[0]
    4
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise OrbitError(f"error: cannot read `{path}`: no such file")
    if _is_parquet(path):
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        kv = {k.decode(): v.decode() for k, v in (pf.schema_arrow.metadata or {}).items()}
        if "orbit.outcomes" not in kv:
            raise OrbitError(f"error: `{path}` is not an orbit sweep file (no `orbit.*` metadata)")
        cols = None if columns is None else ["run", *columns]
        frame = pf.read(columns=cols).to_pandas().sort_values("run").set_index("run")
        attrs = {
            "meta": json.loads(kv.get("orbit.meta", "{}")),
            "factors": json.loads(kv["orbit.factors"]),
            "outcomes": json.loads(kv["orbit.outcomes"]),
        }
    else:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            if columns is None:
                sql = "SELECT * FROM runs ORDER BY run"
            else:
                cols = ", ".join('"' + c.replace('"', '""') + '"' for c in ["run", *columns])
                sql = f"SELECT {cols} FROM runs ORDER BY run"
            try:
                frame = pd.read_sql_query(sql, conn).set_index("run")
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
                factors = pd.read_sql_query(
                    "SELECT name, low, high, source FROM factors ORDER BY position", conn
                ).to_dict("records")
                outcomes = [r[0] for r in conn.execute("SELECT name FROM outcomes ORDER BY position")]
            except (sqlite3.DatabaseError, pd.errors.DatabaseError) as e:
                raise OrbitError(f"error: `{path}` is not an orbit sweep file: {e}") from None
        attrs = {"meta": meta, "factors": factors, "outcomes": outcomes}
    frame.attrs.update(attrs)
    return frame


def design(
    kind: str, samples: int, factors: int, *, seed: int = 0, levels: int = 4,
    scramble: bool = True,
) -> np.ndarray:
    """The unit-cube rows of a design (``mc``, ``lhs``, ``saltelli``, ``morris``), as orbit
    draws them: for designs of other models, and for checking ours.

    ``saltelli`` gives ``samples * (factors + 2)`` rows in SALib's layout (A, AB_1..AB_D, B);
    ``morris`` gives ``samples * (factors + 1)`` rows (``samples`` trajectories).

    >>> design("lhs", 4, 2, seed=1).shape
    (4, 2)
    """
    rows, data = _orbit.design_rows(kind, samples, factors, 0, None, seed, levels, scramble)
    return np.frombuffer(data, dtype="<f8").reshape(rows, factors)


def _spec(world, design, samples, seed, start, end, series, years, levels, scramble, widths):
    return {
        "name": world.name, "text": world.text, "design": design, "samples": samples,
        "seed": seed, "start": start, "end": end, "series": list(series),
        "years": list(years), "levels": levels, "scramble": scramble,
        "widths": None if widths is None else list(widths),
    }


_CACHE: dict[str, Any] = {}


def _native_sweep(spec: dict) -> Any:
    """The compiled sweep of `spec`, built once per process (workers reuse it across chunks)."""
    key = json.dumps(spec, sort_keys=True)
    native = _CACHE.get(key)
    if native is None:
        world = _orbit.load_text(spec["name"], spec["text"])
        widths = None if spec["widths"] is None else tuple(spec["widths"])
        native = _orbit.Sweep(
            world, spec["design"], spec["samples"], spec["seed"], spec["start"], spec["end"],
            spec["series"], spec["years"], spec["levels"], spec["scramble"], widths,
        )
        _CACHE.clear()
        _CACHE[key] = native
    return native


def _run_chunk(spec: dict, start: int, end: int, threads: int | None):
    return start, *_native_sweep(spec).chunk(start, end, threads)


def _chunks(rows: int, chunk: int) -> Iterator[tuple[int, int]]:
    for start in range(0, rows, chunk):
        yield start, min(rows, start + chunk)


@dataclass
class SweepResult:
    """A finished sweep: its SQLite file, factors and outcome names."""

    path: str
    rows: int
    factors: pd.DataFrame
    outcomes: list[str]
    failures: int
    design: dict
    executor: str

    def frame(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The runs table (one row per run: factor values, then outcomes; NULL → NaN), from
        the SQLite or Parquet file (:func:`read_sweep`)."""
        return read_sweep(self.path, columns)

    def problem(self) -> dict:
        """The factors as a SALib problem dict."""
        return {
            "num_vars": len(self.factors),
            "names": list(self.factors["name"]),
            "bounds": [[lo, hi] for lo, hi in zip(self.factors["low"], self.factors["high"])],
        }

    def _xy(self, outcome: str) -> tuple[np.ndarray, np.ndarray]:
        if outcome not in self.outcomes:
            raise OrbitError(
                f"error: unknown outcome `{outcome}`\n  = hint: the sweep recorded "
                + ", ".join(self.outcomes[:8]) + (" ..." if len(self.outcomes) > 8 else "")
            )
        f = self.frame([*self.factors["name"], outcome])
        y = f[outcome].to_numpy(dtype=float)
        if np.isnan(y).any():
            raise OrbitError(
                f"error: {int(np.isnan(y).sum())} runs have no `{outcome}` (see the `failures` "
                "table); the indices need every run"
            )
        return f[list(self.factors["name"])].to_numpy(dtype=float), y

    def sobol(self, outcome: str, **kwargs) -> pd.DataFrame:
        """First-order (S1) and total (ST) Sobol indices of ``outcome`` with confidence
        intervals, by SALib's ``sobol.analyze`` (needs ``design="saltelli"``)."""
        from SALib.analyze import sobol

        if self.design["design"]["kind"] != "saltelli":
            raise OrbitError("error: Sobol indices need a `saltelli` design")
        _, y = self._xy(outcome)
        s = sobol.analyze(self.problem(), y, calc_second_order=False, **kwargs)
        return pd.DataFrame(
            {k: s[k] for k in ("S1", "S1_conf", "ST", "ST_conf")}, index=self.factors["name"]
        )

    def morris(self, outcome: str, **kwargs) -> pd.DataFrame:
        """Morris elementary effects (mu, mu_star, sigma) of ``outcome`` by SALib's
        ``morris.analyze`` (needs ``design="morris"``)."""
        from SALib.analyze import morris

        d = self.design["design"]
        if d["kind"] != "morris":
            raise OrbitError("error: elementary effects need a `morris` design")
        x, y = self._xy(outcome)
        s = morris.analyze(self.problem(), x, y, num_levels=d["levels"], **kwargs)
        return pd.DataFrame(
            {k: np.asarray(s[k]) for k in ("mu", "mu_star", "sigma", "mu_star_conf")},
            index=self.factors["name"],
        )

    def prim(self, outcome: str, threshold: float, *, above: bool = True,
             prim_threshold: float = 0.8, **kwargs):
        """A PRIM scenario-discovery box (EMA Workbench ``prim``) for the runs whose
        ``outcome`` is above (or below) ``threshold``; returns the ``PrimBox`` (``.inspect()``,
        ``.limits``, ``.peeling_trajectory``)."""
        from ema_workbench.analysis import prim

        x, y = self._xy(outcome)
        cases = y > threshold if above else y < threshold
        frame = pd.DataFrame(x, columns=list(self.factors["name"]))
        algorithm = prim.Prim(frame, cases, threshold=prim_threshold, **kwargs)
        return algorithm.find_box()


def sweep(
    world,
    design: str = "lhs",
    samples: int = 100,
    *,
    seed: int = 1,
    start: int = 2015,
    end: int = 2030,
    series: Sequence[str] = (),
    years: Sequence[int] = (),
    levels: int = 4,
    scramble: bool = True,
    widths: tuple[float, float, float] | None = None,
    store: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    chunk: int = 1000,
    executor: str = "local",
    workers: int | None = None,
    threads: int | None = None,
    ray_address: str | None = None,
) -> SweepResult:
    """Runs the yearly simulation at every row of a design over the scenario's uncertain
    inputs and streams the runs to SQLite (``store``; a temporary file when None), or to
    Parquet when ``store`` ends in ``.parquet`` (one row group per chunk), in chunks of
    ``chunk`` rows, so memory stays flat. :func:`read_sweep` reads either back.

    ``design``: ``mc``, ``lhs``, ``saltelli`` (``samples`` base rows, ``samples * (D + 2)``
    runs) or ``morris`` (``samples`` trajectories of ``D + 1`` runs, ``levels`` grid levels).
    ``series`` as in ``orbit simulate`` (default: every forecast and key indicator), recorded
    at ``years`` (default: ``end``) as ``<series>@<year>``.

    ``executor``: ``local`` (this process; ``threads`` Rust threads, default all cores),
    ``process`` (a pool of ``workers`` processes, one thread each) or ``ray`` (chunks as Ray
    tasks; connects to ``ray_address`` or ``RAY_ADDRESS``, else starts a local Ray). The same
    seed gives the same numbers on every executor.
    """
    from . import World

    if not isinstance(world, World):
        raise TypeError("sweep() needs an orbit.World (orbit.load())")
    if chunk < 1:
        raise OrbitError("error: `chunk` must be at least 1")
    if executor not in ("local", "process", "ray"):
        raise OrbitError(
            f"error: unknown executor `{executor}`\n  = hint: use local, process or ray"
        )
    spec = _spec(world, design, samples, seed, start, end, series, years, levels, scramble, widths)
    native = _native_sweep(spec)
    if store is None:
        store = os.path.join(tempfile.mkdtemp(prefix="orbit-sweep-"), "sweep.sqlite")
    path = os.fspath(store)
    native.open_store(path, overwrite, [("scenario", world.id), ("executor", executor)])
    failures = 0
    try:
        for start_row, data, failed in _execute(native, spec, chunk, executor, workers,
                                                threads, ray_address):
            native.write(start_row, data, failed)
            failures += len(failed)
    finally:
        native.close_store([("failures", str(failures))])
    factors = json.loads(native.factors_json())
    return SweepResult(
        path=path,
        rows=native.rows,
        factors=pd.DataFrame(
            [(f["name"], f["low"], f["high"], f["source"]) for f in factors],
            columns=["name", "low", "high", "source"],
        ),
        outcomes=list(native.outcome_names),
        failures=failures,
        design=json.loads(native.design_json()),
        executor=executor,
    )


def _execute(native, spec, chunk, executor, workers, threads, ray_address):
    """Yields `(start, bytes, failures)` per chunk; at most two chunks per worker in flight."""
    chunks = list(_chunks(native.rows, chunk))
    if executor == "local":
        for start, end in chunks:
            yield (start, *native.chunk(start, end, threads))
        return
    workers = workers or os.cpu_count() or 1
    if executor == "process":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            pending = set()
            queue = iter(chunks)
            for start, end in queue:
                pending.add(pool.submit(_run_chunk, spec, start, end, threads or 1))
                if len(pending) >= 2 * workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        yield f.result()
            for f in pending:
                yield f.result()
        return
    yield from _execute_ray(spec, chunks, workers, threads, ray_address)


def _execute_ray(spec, chunks, workers, threads, ray_address):
    try:
        import ray
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise OrbitError(
            "error: `executor=\"ray\"` needs Ray\n  = hint: pip install 'ray>=2.40'"
        ) from e
    if not ray.is_initialized():
        ray.init(address=ray_address or os.environ.get("RAY_ADDRESS"), num_cpus=None
                 if (ray_address or os.environ.get("RAY_ADDRESS")) else workers)
    task = ray.remote(num_cpus=1)(_run_chunk)
    spec_ref = ray.put(spec)
    in_flight = []
    limit = 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))
    for start, end in chunks:
        in_flight.append(task.remote(spec_ref, start, end, threads or 1))
        if len(in_flight) >= limit:
            done, in_flight = ray.wait(in_flight, num_returns=1)
            yield ray.get(done[0])
    while in_flight:
        done, in_flight = ray.wait(in_flight, num_returns=1)
        yield ray.get(done[0])
