"""The patron-client bargain's calibrated parameters as sweep factors (issue 12): they exist with
their declared ranges, varying them moves the simulated 2030 gas price, and the CLI and Python
still draw and compute the same sweep rows with them."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

import orbit
from orbit.sweeps import _native_sweep, _spec

PRICE = "price.gas.BLR"


def test_bargain_factors_exist_with_declared_ranges(world):
    f = world.factors(2015, 2030).set_index("name")
    bargain = f[f.index.str.startswith("bargain.")]
    assert {"bargain.v0", "bargain.mu"} <= set(bargain.index), list(bargain.index)
    assert (bargain["low"] >= 0).all() and (bargain["low"] < bargain["high"]).all()
    assert bargain.loc["bargain.mu", "high"] <= 1.0
    assert bargain["source"].str.contains("s.e.").all()
    # The concession link is a link factor with its declared range.
    assert f.loc["link.bargain-concessions-pull-integration", "low"] == 0.0
    assert f.loc["link.bargain-concessions-pull-integration", "high"] == 10.0


def test_varying_a_bargain_factor_changes_the_2030_price(world):
    spec = _spec(world, "mc", 1, 0, 2015, 2030, [PRICE], [2030], 4, True, None)
    native = _native_sweep(spec)
    factors = world.factors(2015, 2030)
    names = list(factors["name"])
    mid = [0.5 * (lo + hi) for lo, hi in zip(factors["low"], factors["high"])]
    k = names.index("bargain.v0")
    low, high = list(mid), list(mid)
    low[k], high[k] = factors["low"][k], factors["high"][k]
    p_low = native.evaluate(low)[0]
    p_high = native.evaluate(high)[0]
    assert np.isfinite(p_low) and np.isfinite(p_high)
    # More need (v0) buys more alignment with a larger discount: a lower price (eq. 3-7).
    assert p_high < p_low, (p_low, p_high)


def test_cli_and_python_agree_on_a_sweep_with_the_bargain(cli, world, tmp_path):
    py = orbit.sweep(world, design="lhs", samples=6, seed=2, start=2021, end=2030,
                     series=[PRICE], years=[2030], chunk=4, store=tmp_path / "py.sqlite")
    out = tmp_path / "cli.sqlite"
    cli.run("sweep", "--design", "lhs", "--samples", "6", "--seed", "2", "--from", "2021",
            "--to", "2030", "--series", PRICE, "--year", "2030", "--chunk", "5",
            "--out", str(out), "--quiet")
    with sqlite3.connect(py.path) as a, sqlite3.connect(out) as b:
        ra = pd.read_sql_query("SELECT * FROM runs ORDER BY run", a)
        rb = pd.read_sql_query("SELECT * FROM runs ORDER BY run", b)
    assert list(ra.columns) == list(rb.columns)
    assert any(c.startswith("bargain.") for c in ra.columns)
    np.testing.assert_array_equal(ra.to_numpy(), rb.to_numpy())
    price = ra[f"{PRICE}@2030"]
    assert price.notna().all() and price.nunique() > 1
