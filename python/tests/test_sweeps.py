"""Sweeps: the CLI and Python draw and compute the same runs; one process, a process pool and
a 2-worker Ray cluster give identical numbers; analyses (SALib, PRIM) run on the store."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

import orbit

SERIES = ["eum.russian_air_base", "compromise.russian_air_base"]


def _runs(path):
    with sqlite3.connect(path) as conn:
        return pd.read_sql_query("SELECT * FROM runs ORDER BY run", conn).set_index("run")


def _small(world, tmp_path, name, **kw):
    args = dict(design="lhs", samples=12, seed=4, start=2015, end=2017, series=SERIES,
                chunk=5, store=tmp_path / f"{name}.sqlite")
    args.update(kw)
    return orbit.sweep(world, **args)


def test_cli_and_python_write_the_same_runs(cli, world, tmp_path):
    py = _small(world, tmp_path, "py")
    out = tmp_path / "cli.sqlite"
    cli.run("sweep", "--design", "lhs", "--samples", "12", "--seed", "4", "--from", "2015",
            "--to", "2017", "--series", SERIES[0], "--series", SERIES[1], "--chunk", "7",
            "--out", str(out), "--quiet")
    a, b = _runs(py.path), _runs(out)
    assert list(a.columns) == list(b.columns)
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    assert len(a) == py.rows == 12
    with sqlite3.connect(out) as conn:
        factors = pd.read_sql_query("SELECT name, low, high FROM factors", conn)
    pd.testing.assert_frame_equal(factors, py.factors[["name", "low", "high"]])


def test_store_is_not_overwritten_without_asking(world, tmp_path):
    _small(world, tmp_path, "once", samples=2)
    with pytest.raises(orbit.OrbitError, match="already exists"):
        _small(world, tmp_path, "once", samples=2)
    again = _small(world, tmp_path, "once", samples=3, overwrite=True)
    assert len(again.frame()) == 3


def test_executors_give_identical_numbers(world, tmp_path):
    local = _runs(_small(world, tmp_path, "local", executor="local", threads=1).path)
    threaded = _runs(_small(world, tmp_path, "threads", executor="local", threads=2).path)
    pool = _runs(_small(world, tmp_path, "pool", executor="process", workers=2).path)
    np.testing.assert_array_equal(local.to_numpy(), threaded.to_numpy())
    np.testing.assert_array_equal(local.to_numpy(), pool.to_numpy())


def test_ray_two_workers_give_the_one_process_numbers(world, tmp_path):
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        r = _small(world, tmp_path, "ray", executor="ray", chunk=3)
        assert ray.cluster_resources()["CPU"] == 2
    finally:
        ray.shutdown()
    local = _runs(_small(world, tmp_path, "one", executor="local", threads=1).path)
    np.testing.assert_array_equal(_runs(r.path).to_numpy(), local.to_numpy())
    assert r.executor == "ray"


def test_outcomes_equal_a_direct_evaluation(world, tmp_path):
    s = _small(world, tmp_path, "eval", samples=3)
    frame = s.frame()
    native = orbit.sweeps._native_sweep(orbit.sweeps._spec(
        world, "lhs", 12, 4, 2015, 2017, SERIES, [], 4, True, None))
    for run in range(3):
        x = frame.loc[run, list(s.factors["name"])].to_list()
        assert native.evaluate(x) == frame.loc[run, s.outcomes].to_list()


def test_sobol_indices_of_a_sweep(world, tmp_path):
    s = orbit.sweep(world, "saltelli", 16, seed=2, end=2016, series=SERIES[:1],
                    store=tmp_path / "sobol.sqlite", chunk=500)
    assert s.rows == 16 * (len(s.factors) + 2)
    idx = s.sobol("eum.russian_air_base@2016")
    assert list(idx.columns) == ["S1", "S1_conf", "ST", "ST_conf"]
    assert len(idx) == len(s.factors)
    assert np.isfinite(idx["ST"]).all()


def test_morris_effects_of_a_sweep(world, tmp_path):
    s = orbit.sweep(world, "morris", 4, seed=2, end=2016, series=SERIES[:1],
                    store=tmp_path / "morris.sqlite")
    ee = s.morris("eum.russian_air_base@2016")
    assert (ee["mu_star"] >= 0).all() and len(ee) == len(s.factors)
    with pytest.raises(orbit.OrbitError, match="saltelli"):
        s.sobol("eum.russian_air_base@2016")


def test_prim_box(world, tmp_path):
    s = orbit.sweep(world, "lhs", 120, seed=6, end=2016, series=SERIES[:1],
                    store=tmp_path / "prim.sqlite")
    y = s.frame()["eum.russian_air_base@2016"]
    box = s.prim("eum.russian_air_base@2016", float(y.quantile(0.7)))
    assert box.peeling_trajectory["coverage"].iloc[0] == pytest.approx(1.0)
    assert len(box.box_lims) >= 1


def test_sweep_errors(world, tmp_path):
    with pytest.raises(orbit.OrbitError, match="unknown series"):
        orbit.sweep(world, series=["nope"], store=tmp_path / "x.sqlite")
    with pytest.raises(orbit.OrbitError, match="outside the simulated years"):
        orbit.sweep(world, end=2017, years=[2040], store=tmp_path / "y.sqlite")
    with pytest.raises(orbit.OrbitError, match="unknown executor"):
        orbit.sweep(world, executor="dask", store=tmp_path / "z.sqlite")
    s = _small(world, tmp_path, "ok", samples=2)
    with pytest.raises(orbit.OrbitError, match="unknown outcome"):
        s.prim("nope@2017", 0.0)


def test_parquet_from_the_cli_and_python_equals_sqlite(cli, world, tmp_path):
    """`--out FILE.parquet` streams row groups; pandas/pyarrow read the same runs as SQLite."""
    import pyarrow.parquet as pq

    sqlite_runs = _runs(_small(world, tmp_path, "ref").path)
    out = tmp_path / "cli.parquet"
    cli.run("sweep", "--design", "lhs", "--samples", "12", "--seed", "4", "--from", "2015",
            "--to", "2017", "--series", SERIES[0], "--series", SERIES[1], "--chunk", "5",
            "--out", str(out), "--quiet")
    assert pq.ParquetFile(out).metadata.num_row_groups == 3  # 5 + 5 + 2 runs
    plain = pd.read_parquet(out).set_index("run")
    assert list(plain.columns) == [*sqlite_runs.columns, "failure"]
    assert plain["failure"].isna().all()
    np.testing.assert_array_equal(plain[sqlite_runs.columns].to_numpy(), sqlite_runs.to_numpy())
    frame = orbit.read_sweep(out)
    np.testing.assert_array_equal(frame[sqlite_runs.columns].to_numpy(), sqlite_runs.to_numpy())
    assert frame.attrs["meta"]["rows"] == "12" and frame.attrs["meta"]["failures"] == "0"
    assert frame.attrs["outcomes"] == [c for c in sqlite_runs.columns if "@" in c]
    assert [f["name"] for f in frame.attrs["factors"]] == [
        c for c in sqlite_runs.columns if "@" not in c
    ]
    # Python's own Parquet store, on another executor: the same numbers.
    py = _small(world, tmp_path, "py", store=tmp_path / "py.parquet", executor="process",
                workers=2)
    np.testing.assert_array_equal(py.frame()[sqlite_runs.columns].to_numpy(),
                                  sqlite_runs.to_numpy())
    picked = orbit.read_sweep(py.path, [f"{SERIES[0]}@2017"])
    assert picked.columns.tolist() == [f"{SERIES[0]}@2017"]


def test_read_sweep_of_sqlite_and_errors(world, tmp_path):
    s = _small(world, tmp_path, "r")
    frame = orbit.read_sweep(s.path)
    pd.testing.assert_frame_equal(frame, _runs(s.path))
    assert frame.attrs["meta"]["scenario"] == world.id
    assert frame.attrs["outcomes"] == s.outcomes
    with pytest.raises(orbit.OrbitError, match="no such file"):
        orbit.read_sweep(tmp_path / "missing.parquet")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 10)
    with pytest.raises(orbit.OrbitError, match="not an orbit sweep file"):
        orbit.read_sweep(junk)
