"""Error types: ScenarioError with every located diagnostic, OrbitError for bad arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

import orbit
from conftest import DATA


def test_scenario_error_lists_every_problem_with_place(cli):
    path = DATA / "broken.toml"
    with pytest.raises(orbit.ScenarioError) as info:
        orbit.load(path)
    e = info.value
    expected = cli.run("validate", str(path), "--format", "json", check=False)
    assert expected.returncode == 1
    import json

    problems = json.loads(expected.stdout)["problems"]
    assert len(e.diagnostics) == len(problems) >= 2
    for d, p in zip(e.diagnostics, problems):
        assert d.file == str(path)
        assert d.message == p["message"]
        loc = p["location"] or {}
        assert (d.line, d.column) == (loc.get("line"), loc.get("column"))
    assert any(d.line is not None for d in e.diagnostics)
    assert isinstance(e, orbit.OrbitError) and isinstance(e, ValueError)
    assert str(path) in str(e)


def test_scenario_error_from_text():
    with pytest.raises(orbit.ScenarioError) as info:
        orbit.load_text("mine.toml", "[scenario]\nid = 3\n")
    assert info.value.file == "mine.toml"
    assert info.value.diagnostics[0].line == 2


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(orbit.OrbitError, match="cannot read"):
        orbit.load(tmp_path / "nope.toml")


def test_not_utf8_is_a_scenario_error(tmp_path):
    p = tmp_path / "latin1.toml"
    p.write_bytes(b"[scenario]\nname = \"\xe9\"\n")
    with pytest.raises(orbit.ScenarioError, match="not UTF-8"):
        orbit.load(p)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda w: w.forecast("no_such_issue"), "unknown issue `no_such_issue`"),
        (lambda w: w.forecast(model="oracle"), "unknown model `oracle`"),
        (lambda w: w.forecast(variant="x"), "unknown variant"),
        (lambda w: w.forecast(rounds=0), "`rounds`: 0 rounds is out of range"),
        (lambda w: w.forecast(runs=2_000_000), "more than the 1000000 allowed"),
        (lambda w: w.forecast(perturb_capability="pert:-1"), "perturb_capability"),
        (lambda w: w.simulate(2030, 2015), "years 2030-2015 are empty"),
        (lambda w: w.simulate(runs=2_000_000), "above the limit"),
        (lambda w: w.dependence("XXX"), "unknown actor `XXX`"),
        (lambda w: w.dependence("BLR", "BLR"), "same actor"),
        (lambda w: w.dependence(year=1066), "no dependence figures"),
        (lambda w: w.timeline(kind=["party"]), "party"),
        (lambda w: w.timeline(start="2020-13"), "start"),
    ],
)
def test_bad_arguments_raise_orbit_error(world, call, message):
    with pytest.raises(orbit.OrbitError, match=message.replace("(", r"\(")):
        call(world)


def test_game_errors():
    with pytest.raises(orbit.OrbitError, match="missing"):
        orbit.game(["A", "B"], {("A",): 1, ("B",): 1})
    with pytest.raises(orbit.OrbitError, match="unknown player `C`"):
        orbit.game(["A"], {("C",): 1})
    with pytest.raises(orbit.OrbitError, match="unknown solution"):
        orbit.game(["A"], {("A",): 1}, "kernel")
    with pytest.raises(orbit.OrbitError, match="finite"):
        orbit.game(["A"], {("A",): float("inf")})
