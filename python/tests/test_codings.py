"""One rule for which coding of a question a run uses (issue 9): ``World.simulate``,
``World.factors``, ``orbit.sweep`` and ``World.forecast()`` use the latest coding of each
question, as ``orbit simulate``, ``orbit sweep``, ``orbit forecast`` and ``orbit run`` do, and
the simulation's notes name the codings left out."""

from __future__ import annotations

import orbit

from conftest import assert_same

# The latest coding of each question in the built-in scenario.
LATEST = sorted([
    "common_currency", "deeper_integration", "gas_price", "neutrality",
    "political_prisoners", "russian_air_base",
])
# Its earlier dated snapshots (`snapshot_of`), each superseded by a later coding.
SUPERSEDED = sorted([
    "common_currency_2015", "common_currency_2019", "deeper_integration_2015",
    "deeper_integration_2019", "gas_price_2015", "gas_price_2019", "neutrality_2015",
    "neutrality_2019", "political_prisoners_2015", "political_prisoners_2019",
    "russian_air_base_2015", "russian_air_base_2019",
])


def _eum_issues(names) -> list[str]:
    return sorted({n[len("eum."):] for n in names if n.startswith("eum.")})


def test_simulate_uses_the_latest_codings_and_names_the_rest(cli, world):
    r = world.simulate(2020, 2022, runs=0)
    assert _eum_issues(f["name"] for f in r.data["fans"]) == LATEST
    for issue in SUPERSEDED:
        assert any(f"issue `{issue}`" in n and "superseded" in n for n in r.data["notes"]), issue
    # The same rule as the CLI's.
    assert_same(r.data, cli.json("simulate", "--from", "2020", "--to", "2022", "--runs", "0", "-q"))


def test_factors_and_sweep_vary_only_the_latest_codings(world, tmp_path):
    names = list(world.factors(2020, 2022)["name"])
    assert names, "the simulation has uncertain inputs"
    # Links and the calibrated bargain's parameters are not codings of a question.
    issue_factors = {
        n.split(".")[0] for n in names if not n.startswith(("link.", "bargain."))
    }
    assert issue_factors <= set(LATEST), issue_factors - set(LATEST)
    assert not issue_factors & set(SUPERSEDED)
    result = orbit.sweep(world, "lhs", 2, start=2020, end=2022, store=tmp_path / "s.sqlite")
    assert list(result.factors["name"]) == names


def test_forecast_without_issue_forecasts_the_latest_codings(cli, world):
    r = world.forecast(model="compromise")
    ids = sorted({f["issue"] for f in r.data})
    assert ids == LATEST
    # The codings left out are named, as the CLI names them on stderr.
    for issue in SUPERSEDED:
        assert any(f"issue `{issue}`" in n and "superseded" in n for n in r.notes), issue
    stderr = cli.run("forecast", "--model", "compromise", "--format", "json").stderr
    assert r.notes == [line[len("note: "):] for line in stderr.splitlines() if line.startswith("note: ")]
    # An earlier snapshot can still be forecast by name.
    old = world.forecast("russian_air_base_2015", model="compromise")
    assert {f["issue"] for f in old.data} == {"russian_air_base_2015"}
    assert old.notes == []
