"""The designs: Sobol points against SciPy, Saltelli + SALib on the Ishigami function against
its analytic indices, LHS strata, Morris on a function with known effects."""

from __future__ import annotations

import math

import numpy as np
import pytest

from orbit.sweeps import design


def test_unscrambled_sobol_equals_scipy():
    from scipy.stats import qmc

    d = 6
    x = design("saltelli", 64, d // 2, scramble=False)
    # Row A_j is Sobol point j+1 in the first d/2 dimensions, row B_j in the last d/2.
    a = x[0::(d // 2 + 2)]
    b = x[d // 2 + 1::(d // 2 + 2)]
    points = np.hstack([a, b])
    expected = qmc.Sobol(d, scramble=False).random(65)[1:]
    np.testing.assert_array_equal(points, expected)


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * math.pi**8 / 225
    v = v1 + v2 + v13 + 0  # V3 = 0; V13 = b^2 pi^8 (1/18 - 1/50)
    v = a**2 / 8 + b * math.pi**4 / 5 + b**2 * math.pi**8 / 18 + 0.5
    s1 = [v1 / v, v2 / v, 0.0]
    st = [(v1 + v13) / v, v2 / v, v13 / v]
    return s1, st


@pytest.mark.parametrize("scramble", [False, True])
def test_saltelli_design_gives_ishigami_indices(scramble):
    from SALib.analyze import sobol

    n = 2**13
    u = design("saltelli", n, 3, seed=5, scramble=scramble)
    x = -math.pi + 2 * math.pi * u
    y = ishigami(x)
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    s = sobol.analyze(problem, y, calc_second_order=False, seed=1)
    s1, st = ishigami_indices()
    np.testing.assert_allclose(s["S1"], s1, atol=0.02)
    np.testing.assert_allclose(s["ST"], st, atol=0.02)


def test_latin_hypercube_strata_and_seed():
    x = design("lhs", 200, 4, seed=2)
    for k in range(4):
        assert sorted((x[:, k] * 200).astype(int)) == list(range(200))
    np.testing.assert_array_equal(x, design("lhs", 200, 4, seed=2))
    assert not np.array_equal(x, design("lhs", 200, 4, seed=3))


def test_monte_carlo_is_uniform():
    x = design("mc", 20000, 2, seed=1)
    assert x.min() >= 0 and x.max() < 1
    np.testing.assert_allclose(x.mean(axis=0), 0.5, atol=0.01)


def test_morris_effects_of_a_known_function():
    from SALib.analyze import morris

    # y = 3 x1 + x2^2 + 0 x3: mu* of x1 is 3 exactly, x3 has no effect.
    r, d, levels = 50, 3, 4
    x = design("morris", r, d, seed=8, levels=levels)
    assert x.shape == (r * (d + 1), d)
    y = 3 * x[:, 0] + x[:, 1] ** 2
    problem = {"num_vars": d, "names": ["a", "b", "c"], "bounds": [[0, 1]] * d}
    s = morris.analyze(problem, x, y, num_levels=levels)
    assert s["mu_star"][0] == pytest.approx(3.0, abs=1e-12)
    assert s["mu_star"][2] == 0.0
    assert 0 < s["mu_star"][1] < 2


def test_bad_designs():
    import orbit

    with pytest.raises(orbit.OrbitError, match="unknown design"):
        design("grid", 4, 2)
    with pytest.raises(orbit.OrbitError, match="even number of levels"):
        design("morris", 4, 2, levels=3)
    with pytest.raises(orbit.OrbitError, match="at least one sample"):
        design("lhs", 0, 2)
