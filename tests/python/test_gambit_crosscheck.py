"""Cross-check orbit's extensive-form engine against Gambit (pygambit).

For every shipped dispute game (`orbit dispute --episode E`) and every textbook game in
`games/*.json` (`orbit dispute --game FILE`), orbit exports the game to Gambit's `.efg` and
its reduced normal form to `.nfg`, and prints its own solution as JSON. pygambit then reads the
files and solves them:

* the `.nfg`: `enummixed_solve` (all extreme equilibria) must give the same set of equilibria as
  orbit's vertex enumeration, to 1e-9, wherever orbit computed them; `enumpure_solve` the same
  pure equilibria;
* the `.efg`: pygambit's reading must have the same players, outcomes and payoffs; its pure
  equilibria (`enumpure_solve` on the extensive game) must include orbit's subgame-perfect
  payoffs; `lcp_solve` finds an equilibrium whose payoffs are those of one of orbit's extreme
  equilibria (where orbit lists them);
* orbit's Lemke-Howson equilibrium (missing label 1; every two-player game, also the 2004 and
  2010 games that are over the vertex-enumeration limit) must be a Nash equilibrium of
  pygambit's reading of the `.nfg`: its largest regret at most 1e-9 of the payoff range; and
  where orbit lists every extreme equilibrium it must be one of them. pygambit's `lcp_solve` on
  the same file must find an equilibrium too.

The orbit binary is `$ORBIT_BIN` (default `target/debug/orbit`, relative to the repository).
"""

import json
import os
import pathlib
import subprocess

import pygambit as gbt
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ORBIT = pathlib.Path(os.environ.get("ORBIT_BIN", ROOT / "target" / "debug" / "orbit"))
GAMES = sorted((pathlib.Path(__file__).parent / "games").glob("*.json"))
EPISODES = ["2004", "2006-07", "2010"]
TOL = 1e-9


def orbit(*args):
    if not ORBIT.exists():
        pytest.fail(f"orbit binary not found at {ORBIT}; build it (`cargo build -p orbit-cli`) or set ORBIT_BIN")
    done = subprocess.run([str(ORBIT), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def export(tmp_path, name, source_args):
    efg = tmp_path / f"{name}.efg"
    nfg = tmp_path / f"{name}.nfg"
    out = orbit("dispute", *source_args, "--efg", str(efg), "--nfg", str(nfg), "--format", "json")
    return efg, nfg, json.loads(out)


def analysis_of(doc):
    """The game analysis in orbit's JSON (a --game run, or the first --equilibria game)."""
    return doc["games"][0] if "games" in doc else doc


def probabilities(profile, game):
    return [[float(profile[s]) for s in p.strategies] for p in game.players]


def close(a, b):
    return len(a) == len(b) and all(abs(x - y) <= TOL for x, y in zip(a, b))


def same_profile(a, b):
    return all(close(x, y) for x, y in zip(a, b))


def check_normal_form(nfg, analysis):
    game = gbt.read_nfg(str(nfg))
    nf = analysis["normal_form"]
    assert [[s.label for s in p.strategies] for p in game.players] == nf["strategies"]
    # Pure equilibria, as strategy indices.
    pure = gbt.nash.enumpure_solve(game).equilibria
    theirs = sorted(
        tuple(next(i for i, s in enumerate(p.strategies) if float(eq[s]) > 0.5) for p in game.players)
        for eq in pure
    )
    assert theirs == sorted(tuple(p) for p in nf["pure_equilibria"])
    if nf["mixed_equilibria"] is None:
        return None
    mixed = gbt.nash.enummixed_solve(game, rational=False).equilibria
    theirs = [probabilities(eq, game) for eq in mixed]
    ours = [e["strategies"] for e in nf["mixed_equilibria"]]
    assert len(theirs) == len(ours), (theirs, ours)
    for t in theirs:
        assert any(same_profile(t, o) for o in ours), (t, ours)
    for o in ours:
        assert any(same_profile(o, t) for t in theirs), (o, theirs)
    for eq, o in zip(mixed, nf["mixed_equilibria"]):
        pay = [float(eq.payoff(p)) for p in game.players]
        assert any(close(pay, e["payoffs"]) for e in nf["mixed_equilibria"]), pay
    return ours


def check_extensive_form(efg, analysis):
    game = gbt.read_efg(str(efg))
    assert [p.label for p in game.players] == analysis["players"]
    pure = gbt.nash.enumpure_solve(game).equilibria
    payoffs = [[float(eq.payoff(p)) for p in game.players] for eq in pure]
    spe = analysis["subgame_perfect"]
    if spe is not None:
        assert any(close(p, spe["payoffs"]) for p in payoffs), (spe["payoffs"], payoffs)
    mixed = analysis["normal_form"]["mixed_equilibria"]
    if mixed is not None and len(game.players) == 2:
        found = gbt.nash.lcp_solve(game, rational=False).equilibria
        assert found
        for eq in found:
            pay = [float(eq.payoff(p)) for p in game.players]
            # lcp_solve's equilibrium is an equilibrium of the same game, so its payoffs lie in
            # the convex hull of the extreme equilibria's; for these games it is one of them or
            # on a segment between two with equal payoffs.
            assert any(close(pay, e["payoffs"]) for e in mixed) or pure, (pay, mixed)


def check_lemke_howson(nfg, analysis):
    nf = analysis["normal_form"]
    ours = nf["lemke_howson"]
    assert ours is not None, nf.get("lemke_howson_note")
    game = gbt.read_nfg(str(nfg))
    profile = game.mixed_strategy_profile(rational=False)
    for player, probs in zip(game.players, ours["strategies"]):
        assert len(probs) == len(player.strategies)
        assert abs(sum(probs) - 1.0) <= TOL
        for strategy, p in zip(player.strategies, probs):
            profile[strategy] = p
    payoffs = [float(o[p]) for o in game.outcomes for p in game.players] or [0.0]
    span = max(payoffs) - min(payoffs) or 1.0
    assert float(profile.max_regret()) <= TOL * span, float(profile.max_regret())
    assert close([float(profile.payoff(p)) for p in game.players], ours["payoffs"])
    if nf["mixed_equilibria"] is not None:
        assert any(same_profile(ours["strategies"], e["strategies"]) for e in nf["mixed_equilibria"])
    assert gbt.nash.lcp_solve(game, rational=False).equilibria


@pytest.mark.parametrize("path", GAMES, ids=[p.stem for p in GAMES])
def test_textbook_games(tmp_path, path):
    efg, nfg, doc = export(tmp_path, path.stem, ["--game", str(path)])
    analysis = analysis_of(doc)
    ours = check_normal_form(nfg, analysis)
    if analysis["players"] and len(analysis["players"]) == 2:
        assert ours is not None, "orbit should list the mixed equilibria of a small two-player game"
        check_lemke_howson(nfg, analysis)
    check_extensive_form(efg, analysis)


@pytest.mark.parametrize("episode", EPISODES)
def test_dispute_games(tmp_path, episode):
    efg, nfg, doc = export(
        tmp_path, f"dispute-{episode}", ["--episode", episode, "--draws", "20", "--equilibria"]
    )
    analysis = analysis_of(doc)
    # The exported tree is the one orbit solved: same subgame-perfect payoffs.
    solution = doc["episodes"][0]["solution"]
    assert close(analysis["subgame_perfect"]["payoffs"], solution["payoffs"])
    check_normal_form(nfg, analysis)
    check_extensive_form(efg, analysis)
    check_lemke_howson(nfg, analysis)


def test_known_answers_of_textbook_games(tmp_path):
    """Orbit's own answers for the textbook games, independent of Gambit."""
    by_name = {}
    for path in GAMES:
        _, _, doc = export(tmp_path, path.stem, ["--game", str(path)])
        by_name[path.stem] = analysis_of(doc)
    assert by_name["ultimatum"]["subgame_perfect"]["path"] == ["Proposer: offer 1", "Responder: accept"]
    assert by_name["centipede"]["subgame_perfect"]["path"] == ["P1: take"]
    assert by_name["entry"]["subgame_perfect"]["payoffs"] == [1.0, 1.0]
    pennies = by_name["matching_pennies"]["normal_form"]["mixed_equilibria"]
    assert len(pennies) == 1 and same_profile(pennies[0]["strategies"], [[0.5, 0.5], [0.5, 0.5]])
    assert len(by_name["battle_of_the_sexes"]["normal_form"]["mixed_equilibria"]) == 3
    assert len(by_name["degenerate"]["normal_form"]["mixed_equilibria"]) == 3


def test_export_refuses_to_overwrite(tmp_path):
    efg = tmp_path / "x.efg"
    efg.write_text("keep me")
    game = GAMES[0]
    done = subprocess.run([str(ORBIT), "dispute", "--game", str(game), "--efg", str(efg)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "already exists" in done.stderr
    assert efg.read_text() == "keep me"
    done = subprocess.run([str(ORBIT), "dispute", "--game", str(game), "--efg", str(efg), "--force"], capture_output=True, text=True)
    assert done.returncode == 0
    assert efg.read_text().startswith("EFG 2 R")


def test_bad_game_files_are_located(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"players": ["A"],\n "root": {"type": "terminal", "payoffs": [1,]}}')
    done = subprocess.run([str(ORBIT), "dispute", "--game", str(bad)], capture_output=True, text=True)
    assert done.returncode == 1
    assert f"{bad}:2:" in done.stderr, done.stderr
    bad.write_text('{"players": ["A", "B"], "root": {"type": "decision", "player": "A", "moves": [{"action": "x", "child": {"type": "terminal", "payoffs": [1]}}]}}')
    done = subprocess.run([str(ORBIT), "dispute", "--game", str(bad)], capture_output=True, text=True)
    assert done.returncode == 1
    assert 'root / "x"' in done.stderr, done.stderr
