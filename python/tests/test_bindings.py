"""Every binding against the CLI's JSON (equal to 1e-12) and CSV (same columns and rows)."""

from __future__ import annotations

import json

import pytest

import orbit
from conftest import assert_frame_matches_csv, assert_same


def test_validate(cli, world):
    r = world.validate()
    expected = cli.json("validate")
    assert_same(r.data, expected)
    assert_frame_matches_csv(r.frame, cli.csv("validate"))


@pytest.mark.parametrize("issue", ["russian_air_base", None])
def test_forecast(cli, world, issue):
    args = ["forecast", "--quiet"] + (["--issue", issue] if issue else [])
    r = world.forecast(issue)
    assert_same(r.data, cli.json(*args))
    assert_frame_matches_csv(r.frame, cli.csv(*args))
    assert str(r.frame["round"].dtype) == "Int64"


def test_forecast_monte_carlo_and_options(cli, world):
    r = world.forecast(
        "russian_air_base", variant="scholz2011", rounds=5, stop="fixed", runs=200, seed=9,
        perturb_capability="uniform:0.1", perturb_position="normal:0.02",
        perturb_salience="none",
    )
    expected = cli.json(
        "forecast", "--issue", "russian_air_base", "--variant", "scholz2011", "--rounds", "5",
        "--stop", "fixed", "--runs", "200", "--seed", "9", "--perturb-capability",
        "uniform:0.1", "--perturb-position", "normal:0.02", "--perturb-salience", "none",
        "--quiet",
    )
    assert_same(r.data, expected)
    assert r.data[0]["monte_carlo"]["runs"] == 200


def test_transit(cli, world):
    r = world.transit([2005, 2022])
    args = ["transit", "--epoch", "2005", "--epoch", "2022"]
    assert_same(r.data, cli.json(*args))
    assert_frame_matches_csv(r.frame, cli.csv(*args))
    assert_same(world.transit(supply=100.0).data, cli.json("transit", "--supply", "100"))


def test_simulate(cli, world):
    r = world.simulate(2015, 2018, runs=16, seed=3)
    args = ["simulate", "--from", "2015", "--to", "2018", "--runs", "16", "--seed", "3", "-q"]
    assert_same(r.data, cli.json(*args))
    assert_frame_matches_csv(r.frame, cli.csv(*args))
    fixed = world.simulate(2015, 2016, runs=4, fixed_links=True)
    assert_same(fixed.data, cli.json("simulate", "--from", "2015", "--to", "2016", "--runs",
                                     "4", "--fixed-links", "-q"))


def test_backtest(cli, world):
    r = world.backtest(2019, runs=8, seed=2)
    args = ["backtest", "--cutoff", "2019", "--runs", "8", "--seed", "2", "-q"]
    assert_same(r.data, cli.json(*args))
    assert_frame_matches_csv(r.frame, cli.csv(*args))
    gas = world.backtest(gas_price=True)
    assert_same(gas.data, cli.json("backtest", "--gas-price"))
    assert_frame_matches_csv(gas.frame, cli.csv("backtest", "--gas-price"))


def test_dependence(cli, world):
    r = world.dependence()
    assert_same(r.data, cli.json("dependence"))
    assert_frame_matches_csv(r.frame, cli.csv("dependence"))
    year = world.dependence("BLR", "RUS", year=2015)
    assert_same(year.data, cli.json("dependence", "--actor", "BLR", "--partner", "RUS",
                                    "--year", "2015"))


def test_timeline(cli, world):
    r = world.timeline(kind=["sanction"], start="2010", end="2021-06", key=False)
    args = ["timeline", "--kind", "sanction", "--from", "2010", "--to", "2021-06"]
    assert_same(r.data, cli.json(*args))
    assert_frame_matches_csv(r.frame, cli.csv(*args))
    assert_same(world.timeline(search="gas", actor=["BLR"]).data,
                cli.json("timeline", "--search", "gas", "--actor", "BLR"))


@pytest.mark.parametrize("directed", [True, False])
def test_panel(cli, world, directed):
    r = world.panel(directed=directed)
    args = ["panel"] + ([] if directed else ["--non-directed"])
    assert_same(r.data, cli.json(*args))
    assert_frame_matches_csv(r.frame, cli.csv(*args))
    assert len(r.frame) > 0


GLOVE = {("A",): 0, ("B",): 0, ("C",): 0, ("A", "B"): 1, ("A", "C"): 1, ("B", "C"): 0,
         ("A", "B", "C"): 1}


@pytest.mark.parametrize("solution", ["shapley", "banzhaf", "core", "nucleolus"])
def test_game(cli, tmp_path, solution):
    players = ["A", "B", "C"]
    path = tmp_path / "glove.json"
    path.write_text(json.dumps({
        "players": players,
        "values": [{"coalition": list(c), "value": v} for c, v in GLOVE.items()],
    }))
    r = orbit.game(players, GLOVE, solution)
    assert_same(r.data, cli.json("game", solution, "--game", str(path)))
    assert_frame_matches_csv(r.frame, cli.csv("game", solution, "--game", str(path)))


def test_game_sampled_shapley(cli, tmp_path):
    players = ["A", "B", "C"]
    path = tmp_path / "glove.json"
    path.write_text(json.dumps({
        "players": players,
        "values": [{"coalition": list(c), "value": v} for c, v in GLOVE.items()],
    }))
    r = orbit.game(players, GLOVE, method="sampled", permutations=500, seed=4)
    expected = cli.json("game", "shapley", "--game", str(path), "--method", "sampled",
                        "--permutations", "500", "--seed", "4")
    assert_same(r.data, expected)


def test_scenario_file(cli, tmp_path):
    path = tmp_path / "copy.toml"
    path.write_text(orbit.load().text)
    w = orbit.load(path)
    assert w.name == str(path)
    assert_same(w.forecast("russian_air_base", model="compromise").data,
                cli.json("--scenario", str(path), "forecast", "--issue", "russian_air_base",
                         "--model", "compromise", "--quiet"))


def test_world_pickles(world):
    import pickle

    again = pickle.loads(pickle.dumps(world))
    assert again.id == world.id and again.text == world.text


def test_gil_is_released_during_model_runs(world):
    """Two threads running simulations overlap: with the GIL held they would serialise."""
    import threading
    import time

    seen = []

    def ticker(stop):
        while not stop.is_set():
            seen.append(time.perf_counter())
            time.sleep(0.001)

    stop = threading.Event()
    t = threading.Thread(target=ticker, args=(stop,))
    t.start()
    began = time.perf_counter()
    world.simulate(2015, 2017, runs=40)
    ended = time.perf_counter()
    stop.set()
    t.join()
    during = [s for s in seen if began < s < ended]
    # The ticker kept running while Rust worked (it would get ~no slot if the GIL were held).
    assert len(during) >= 3


def test_forecast_actor_table(cli):
    from conftest import DATA
    import pandas as pd

    path = DATA / "bdm1994_ec_emissions_actors.csv"
    args = ["forecast", "--actors", str(path), "--runs", "50", "--seed", "4", "--quiet"]
    r = orbit.forecast_actors(path, runs=50, seed=4)
    assert_same(r.data, cli.json(*args))
    assert_frame_matches_csv(r.frame, cli.csv(*args))
    # The same table as a DataFrame (issue id `actors`), and through World.forecast.
    table = pd.read_csv(path, comment="#")
    from_frame = orbit.load().forecast(actors=table, runs=50, seed=4)
    for a, b in zip(from_frame.data, r.data):
        a = dict(a, issue="x")
        b = dict(b, issue="x")
        assert_same(a, b)
    sq = orbit.forecast_actors(path, model="nbs", status_quo=4.0)
    assert_same(sq.data, cli.json("forecast", "--actors", str(path), "--model", "nbs",
                                  "--status-quo", "4", "--quiet"))


def test_forecast_actor_table_errors(world, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position,Salience\nA,x,1,0.5\n")
    with pytest.raises(orbit.OrbitError, match="bad.csv:2"):
        orbit.forecast_actors(bad)
    with pytest.raises(orbit.OrbitError, match="not both"):
        world.forecast("russian_air_base", actors=bad)
    with pytest.raises(orbit.OrbitError, match="applies only"):
        world.forecast(status_quo=1.0)


@pytest.mark.parametrize("solution", ["shapley", "banzhaf", "core", "nucleolus"])
def test_network_game(cli, solution):
    from conftest import DATA

    path = DATA / "network_two_routes.json"
    args = ["game", solution, "--network", str(path)]
    r = orbit.game(network=path, solution=solution)
    assert_same(r.data, cli.json(*args))
    assert_frame_matches_csv(r.frame, cli.csv(*args))
    as_dict = orbit.game(network=json.loads(path.read_text()), solution=solution)
    assert_same(as_dict.data, r.data)


def test_network_game_sampled_and_errors(cli, tmp_path):
    from conftest import DATA

    path = DATA / "network_two_routes.json"
    r = orbit.game(network=path, method="sampled", permutations=500, seed=3)
    assert_same(r.data, cli.json("game", "shapley", "--network", str(path), "--method",
                                 "sampled", "--permutations", "500", "--seed", "3"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"players": ["A"], "nodes": [], "links": [{"from": "x", "to": "y", "capacity": 1, "owner": "A"}]}')
    with pytest.raises(orbit.OrbitError, match="network"):
        orbit.game(network=bad)
    with pytest.raises(orbit.OrbitError, match="not both"):
        orbit.game(["A"], {("A",): 1}, network=path)


def _run_args(*extra):
    return ["run", "--no-report", "--quiet", *extra]


def test_run_plan_defaults_match_the_cli(cli, world):
    plan = orbit.RunPlan(runs=30, seed=5, sim_runs=4)
    report = cli.json(*_run_args("--runs", "30", "--seed", "5", "--sim-runs", "4"))
    res = world.run(plan)
    assert_same(res.plan, report["plan"])
    assert_same(plan.resolve(world), report["plan"])
    assert_same(res.data["forecasts"], report["forecasts"])
    assert_same(res.data["dependence"], report["dependence"])
    assert_same(res.data["figure_checks"], report["figure_checks"])
    assert_same(res.data["transit"], report["transit_game"])
    assert_same(res.data["simulation"], report["simulation"])
    assert_same(res.data["backtest"], report["backtest"])
    # The frames are the long tables of the commands of the same names.
    assert list(res.forecasts.columns) == ["issue", "model", "quantity", "round", "actor", "value"]
    assert set(res.backtest["cutoff"]) == {bt["cutoff"] for bt in report["backtest"]}
    assert len(res.simulation) > 0 and len(res.transit) > 0 and len(res.dependence) > 0


def test_run_plan_options(cli, world):
    res = world.run(orbit.RunPlan(runs=0, simulation=False))
    report = cli.json(*_run_args("--runs", "0", "--no-simulation"))
    assert_same(res.plan, report["plan"])
    assert_same(res.data["forecasts"], report["forecasts"])
    assert res.data["simulation"] is None and res.simulation.empty and res.backtest.empty
    res = world.run(orbit.RunPlan(runs=10, sim_runs=2, sim_from=2018, sim_to=2022))
    report = cli.json(*_run_args("--runs", "10", "--sim-runs", "2", "--sim-from", "2018",
                                 "--sim-to", "2022"))
    assert_same(res.data["simulation"], report["simulation"])
    assert_same(res.data["backtest"], report["backtest"])
    # What the CLI's `orbit run` has no flag for, the plan still takes.
    plan = orbit.RunPlan(runs=0, simulation=False, model="compromise", epochs=[2005])
    resolved = plan.resolve(world)
    assert resolved["transit_epochs"] == [2005]
    assert world.run(plan).forecasts["model"].unique().tolist() == ["compromise"]


def test_run_plan_thesis_switch(cli, world):
    # `thesis=False` is `orbit run --no-thesis`: the plan and the results leave it out.
    plan = orbit.RunPlan(runs=0, sim_runs=2, thesis=False)
    report = cli.json(*_run_args("--runs", "0", "--sim-runs", "2", "--no-thesis"))
    res = world.run(plan)
    assert_same(res.plan, report["plan"])
    assert plan.resolve(world)["thesis"] is None
    assert res.data.get("thesis") is None and "thesis" not in report
    # By default the built-in scenario's plan has the thesis backtest, as the CLI's has.
    resolved = orbit.RunPlan(runs=0, sim_runs=2).resolve(world)
    default = cli.json(*_run_args("--runs", "0", "--sim-runs", "2"))
    assert resolved["thesis"] is not None and resolved["thesis"]["cutoffs"]
    assert_same(resolved, default["plan"])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(model="oracle"), "unknown model `oracle`"),
        (dict(stop="never"), "unknown stop rule"),
        (dict(variant="x"), "unknown variant"),
        (dict(perturb_position="pert:-1"), "perturb_position"),
    ],
)
def test_run_plan_bad_names(kwargs, message):
    with pytest.raises(orbit.OrbitError, match=message):
        orbit.RunPlan(**kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sim_runs=10**9), "`sim_runs`"),
        (dict(runs=10**9), "`runs`"),
        (dict(sim_from=1066), "`sim_from`"),
        (dict(sim_to=2999), "`sim_to`"),
        (dict(cutoffs=[2050]), "`cutoff`"),
        (dict(epochs=[1900]), "`epoch`"),
        (dict(simulation=False, sim_runs=3), "ignored"),
        (dict(rounds=0), "`rounds`"),
    ],
)
def test_run_plan_checked_against_the_scenario(cli, world, kwargs, message):
    plan = orbit.RunPlan(**kwargs)
    with pytest.raises(orbit.OrbitError, match=message):
        plan.resolve(world)
    with pytest.raises(orbit.OrbitError, match=message):
        world.run(plan)
