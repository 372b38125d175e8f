"""The EMA Workbench adapter, with the real ema-workbench package."""

from __future__ import annotations

import numpy as np
import pytest

import orbit
import orbit.ema

ema = pytest.importorskip("ema_workbench")

OUT = ["eum.russian_air_base@2017", "compromise.russian_air_base@2017"]


def test_model_uncertainties_are_the_declared_ranges(world):
    m = orbit.ema.model(world, outcomes=OUT, end=2017)
    factors = world.factors(2015, 2017)
    names = [u.name for u in m.uncertainties]
    assert names == list(factors["name"])
    for u, (_, f) in zip(m.uncertainties, factors.iterrows()):
        assert (u.lower_bound, u.upper_bound) == (f["low"], f["high"])
    assert [o.name for o in m.outcomes] == OUT


def test_perform_experiments_with_lhs(world):
    from ema_workbench import perform_experiments
    from ema_workbench.em_framework.samplers import LHSSampler

    m = orbit.ema.model(world, outcomes=OUT, end=2017)
    experiments, outcomes = perform_experiments(m, scenarios=6, uncertainty_sampling=LHSSampler())
    assert len(experiments) == 6
    native = orbit.sweeps._native_sweep(orbit.sweeps._spec(
        world, "mc", 1, 0, 2015, 2017, ["eum.russian_air_base", "compromise.russian_air_base"],
        [2017], 4, True, None))
    names = [u.name for u in m.uncertainties]
    for i in range(6):
        x = [float(experiments.iloc[i][n]) for n in names]
        expected = native.evaluate(x)
        assert [outcomes[o][i] for o in OUT] == pytest.approx(expected, rel=0, abs=1e-12)
    # An EMA analysis function on the adapter's output works unchanged.
    from ema_workbench.analysis import prim

    y = outcomes[OUT[0]] > np.median(outcomes[OUT[0]])
    x = experiments[names]
    prim.Prim(x, y, threshold=0.5).find_box()


def test_bad_outcomes(world):
    with pytest.raises(orbit.OrbitError):
        orbit.ema.model(world, outcomes=[])
    with pytest.raises(orbit.OrbitError):
        orbit.ema.model(world, outcomes=["eum.russian_air_base"])
    with pytest.raises(orbit.OrbitError):
        orbit.ema.model(world, outcomes=["nope@2030"])
