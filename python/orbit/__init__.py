"""orbit from Python: the models of an asymmetric alliance as pandas DataFrames.

Every call mirrors an ``orbit`` CLI command and returns a :class:`Result`: ``.data`` is the
document the CLI prints with ``--format json`` (parsed), ``.frame`` the long-format table of its
``--format csv`` (same columns; numbers at full precision). Model runs release the GIL.

>>> import orbit
>>> world = orbit.load()                      # the built-in Union State scenario
>>> world.validate().data["valid"]
True
>>> fc = world.forecast(issue="russian_air_base", model="compromise")
>>> list(fc.frame.columns)
['issue', 'model', 'quantity', 'round', 'actor', 'value']

Sweeps over the scenario's uncertain inputs: :func:`orbit.sweep` (see ``orbit.sweeps``);
the EMA Workbench adapter: :func:`orbit.ema.model`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from . import _orbit
from ._orbit import OrbitError

__all__ = [
    "Diagnostic",
    "OrbitError",
    "Result",
    "ScenarioError",
    "RunPlan",
    "RunResults",
    "World",
    "forecast_actors",
    "game",
    "load",
    "load_text",
    "read_sweep",
    "sweep",
]

__version__ = _orbit.version()


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a scenario file: where it is and what to do about it."""

    file: str
    line: int | None
    column: int | None
    message: str
    context: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}:{self.column}"
        return f"{place}: {self.message}"


class ScenarioError(OrbitError):
    """A scenario that does not check. ``diagnostics`` lists every problem, each with file,
    line and column (``None`` when the problem has no single place).

    >>> try:
    ...     orbit.load_text("bad.toml", "[meta]\\nid = 3\\n")
    ... except orbit.ScenarioError as e:
    ...     print(e.diagnostics[0].line)
    2
    """

    def __init__(self, message: str, file: str, diagnostics: Sequence[Diagnostic]):
        super().__init__(message)
        self.file = file
        self.diagnostics = list(diagnostics)


def _scenario_error(native: BaseException) -> ScenarioError:
    message, file, problems = native.args
    diagnostics = [
        Diagnostic(
            file=file,
            line=(p.get("location") or {}).get("line"),
            column=(p.get("location") or {}).get("column"),
            message=p["message"],
            context=p.get("context"),
            hint=p.get("hint"),
        )
        for p in json.loads(problems)
    ]
    return ScenarioError(message, file, diagnostics)


@dataclass
class Result:
    """A command's result: ``frame`` (long-format DataFrame, the CLI's CSV columns) and
    ``data`` (the CLI's JSON document as Python objects)."""

    frame: pd.DataFrame
    data: Any = field(repr=False)
    #: What the CLI prints as ``note:`` lines on stderr (``forecast()`` without an issue: the
    #: codings superseded by a later one of the same question, which it leaves out).
    notes: list[str] = field(default_factory=list)

    def _repr_html_(self) -> str:  # notebooks show the table
        return self.frame._repr_html_()


def _frame(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for c in columns:
        values = [r[i] for r in rows for i in [columns.index(c)] if r[i] is not None]
        # Integer columns with gaps (a baseline's round) stay integers, the gaps missing.
        if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            frame[c] = frame[c].astype("Int64")
    return frame


def _result(pair: tuple[str, str]) -> Result:
    doc, table = pair
    t = json.loads(table)
    return Result(frame=_frame(t["columns"], t["rows"]), data=json.loads(doc))


class RunPlan:
    """What ``orbit run`` computes, from keyword arguments with the CLI's defaults (``None``:
    the default). Names are checked here; numbers and years against the scenario by
    :meth:`World.run` or :meth:`resolve`, with the same limits and messages as the CLI.

    ``runs``/``seed``/``model``/``variant``/``rounds``/``stop``/``perturb_*``: the forecasts
    (``orbit forecast``'s options; 1,000 draws by default); ``simulation=False`` leaves out
    the simulation and the backtest (``--no-simulation``); ``sim_runs``, ``sim_from``,
    ``sim_to``: the simulation; ``epochs``: the transit epochs; ``cutoffs``: the backtest's; ``thesis=False``
    leaves out the thesis backtest (``--no-thesis``; ``data["thesis"]`` is then absent).

    >>> orbit.RunPlan(sim_runs=10).resolve(orbit.load())["simulation"]["from"]
    2015
    """

    def __init__(
        self, *, runs: int | None = None, seed: int | None = None, model: str | None = None,
        variant: str | None = None, rounds: int | None = None, stop: str | None = None,
        perturb_capability: str | None = None, perturb_position: str | None = None,
        perturb_salience: str | None = None, simulation: bool = True,
        sim_runs: int | None = None, sim_from: int | None = None, sim_to: int | None = None,
        epochs: Iterable[int] | None = None, cutoffs: Iterable[int] | None = None,
        thesis: bool = True,
    ):
        self._native = _orbit.RunPlan(
            runs=runs, seed=seed, model=model, variant=variant, rounds=rounds, stop=stop,
            perturb_capability=perturb_capability, perturb_position=perturb_position,
            perturb_salience=perturb_salience, simulation=simulation, sim_runs=sim_runs,
            sim_from=sim_from, sim_to=sim_to,
            epochs=None if epochs is None else list(epochs),
            cutoffs=None if cutoffs is None else list(cutoffs),
            thesis=thesis,
        )

    def resolve(self, world: "World") -> dict[str, Any]:
        """The plan checked against ``world``, every default filled in (the ``plan`` of
        ``orbit run --format json``)."""
        return json.loads(self._native.resolve(world._native))

    def __repr__(self) -> str:
        return repr(self._native)


@dataclass
class RunResults:
    """What :meth:`World.run` computed: ``data`` is the results' JSON (the fields ``orbit run
    --format json`` has of the same names: ``plan``, ``forecasts``, ``dependence``,
    ``figure_checks``, ``transit``, ``simulation``, ``backtest``, ``notes``); the frames are
    the long tables of ``orbit forecast``, ``dependence``, ``transit``, ``simulate`` and
    ``backtest --format csv`` (empty when the part was not computed)."""

    data: Any = field(repr=False)
    plan: dict[str, Any] = field(repr=False)
    notes: list[str]
    forecasts: pd.DataFrame = field(repr=False)
    dependence: pd.DataFrame = field(repr=False)
    transit: pd.DataFrame = field(repr=False)
    simulation: pd.DataFrame = field(repr=False)
    backtest: pd.DataFrame = field(repr=False)


def forecast_actors(
    actors: "str | os.PathLike[str] | pd.DataFrame",
    *,
    salience_percent: bool = False,
    status_quo: float | None = None,
    model: str = "all",
    variant: str = "bdm",
    rounds: int | None = None,
    stop: str | None = None,
    runs: int = 0,
    seed: int = 1,
    perturb_capability: str = "pert:0.2",
    perturb_position: str = "pert:0.05",
    perturb_salience: str = "pert:0.1",
) -> Result:
    """``orbit forecast --actors FILE.csv``: the bargaining models on an actor table, a CSV
    path or a DataFrame with the columns ``Actor, Capability, Position, Salience`` (any order,
    case-insensitive; KTAB's and Scholz et al.'s convention). The issue id is the file's stem
    (``actors`` for a DataFrame); problems name their row and column.

    >>> t = pd.DataFrame({"Actor": ["A", "B"], "Capability": [1, 2], "Position": [0, 100],
    ...                   "Salience": [0.5, 0.5]})
    >>> orbit.forecast_actors(t, model="compromise").data[0]["forecast"]
    66.66666666666667
    """
    if isinstance(actors, pd.DataFrame):
        name, text = "actors.csv", actors.to_csv(index=False)
    else:
        name = os.fspath(actors)
        try:
            with open(name, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise OrbitError(f"error: cannot read `{name}`: {e}") from None
    return _result(
        _orbit.forecast_actors(
            name, text, salience_percent, status_quo, model, variant, rounds, stop, runs, seed,
            perturb_capability, perturb_position, perturb_salience,
        )
    )


def load(path: str | os.PathLike[str] | None = None) -> "World":
    """Loads a scenario file (TOML), or the built-in Union State scenario when ``path`` is
    None. Raises :class:`ScenarioError` with every problem located.

    >>> orbit.load().id
    'union-state'
    """
    try:
        return World(_orbit.load(None if path is None else os.fspath(path)))
    except _orbit.NativeScenarioError as e:
        raise _scenario_error(e) from None


def load_text(name: str, text: str) -> "World":
    """Loads a scenario from TOML text; ``name`` is the file name diagnostics show."""
    try:
        return World(_orbit.load_text(name, text))
    except _orbit.NativeScenarioError as e:
        raise _scenario_error(e) from None


class World:
    """A validated scenario. Methods mirror the CLI commands of the same name."""

    def __init__(self, native: _orbit.World):
        self._native = native

    def __reduce__(self):
        return (load_text, (self._native.name, self._native.text))

    def __repr__(self) -> str:
        return repr(self._native)

    @property
    def id(self) -> str:
        """The scenario's id."""
        return self._native.id

    @property
    def name(self) -> str:
        """The file the scenario came from."""
        return self._native.name

    @property
    def text(self) -> str:
        """The scenario's TOML text."""
        return self._native.text

    def validate(self) -> Result:
        """``orbit validate``: the entry counts (a World exists only if it checks).

        >>> orbit.load().validate().frame.set_index("section").loc["issues", "entries"] > 0
        True
        """
        return _result(self._native.validate())

    def forecast(
        self,
        issue: str | None = None,
        *,
        actors: "str | os.PathLike[str] | pd.DataFrame | None" = None,
        salience_percent: bool = False,
        status_quo: float | None = None,
        model: str = "all",
        variant: str = "bdm",
        rounds: int | None = None,
        stop: str | None = None,
        runs: int = 0,
        seed: int = 1,
        perturb_capability: str = "pert:0.2",
        perturb_position: str = "pert:0.05",
        perturb_salience: str = "pert:0.1",
    ) -> Result:
        """``orbit forecast``: bargaining forecasts (EUM and baselines) of the scenario's
        issues, with ``runs`` Monte Carlo draws. Columns: issue, model, quantity, round, actor, value.

        >>> r = orbit.load().forecast("russian_air_base", runs=100, seed=7)
        >>> r.data[0]["monte_carlo"]["runs"]
        100

        ``actors`` forecasts an actor table instead (``orbit forecast --actors``): a CSV path or
        a DataFrame with the columns ``Actor, Capability, Position, Salience`` (KTAB's and
        orbit's convention; ``salience_percent`` for 0-100 saliences, ``status_quo`` for Nash
        bargaining). See :func:`forecast_actors`.
        """
        if actors is not None:
            if issue is not None:
                raise OrbitError("error: give `issue` or `actors`, not both")
            return forecast_actors(
                actors, salience_percent=salience_percent, status_quo=status_quo,
                model=model, variant=variant, rounds=rounds, stop=stop, runs=runs, seed=seed,
                perturb_capability=perturb_capability, perturb_position=perturb_position,
                perturb_salience=perturb_salience,
            )
        for given, name in [(salience_percent, "salience_percent"), (status_quo is not None, "status_quo")]:
            if given:
                raise OrbitError(
                    f"error: `{name}` applies only to an `actors` table\n"
                    "  = hint: a scenario issue has its own status quo and saliences"
                )
        doc, table, notes = self._native.forecast(
            issue, model, variant, rounds, stop, runs, seed,
            perturb_capability, perturb_position, perturb_salience,
        )
        result = _result((doc, table))
        result.notes = list(notes)
        return result

    def run(self, plan: "RunPlan | None" = None) -> "RunResults":
        """``orbit run``: everything ``plan`` asks for (default: :class:`RunPlan` ``()``, the
        CLI's defaults) — every issue's forecasts, the dependence profile, the transit game,
        the simulation and the rolling backtest — as :class:`RunResults`.

        >>> res = orbit.load().run(orbit.RunPlan(runs=20, sim_runs=5))
        >>> res.plan["forecast"]["monte_carlo"]["draws"]
        20
        """
        plan = RunPlan() if plan is None else plan
        doc, tables = self._native.run(plan._native)
        data = json.loads(doc)
        t = json.loads(tables)
        frames = {k: _frame(v["columns"], v["rows"]) for k, v in t.items()}
        return RunResults(
            data=data, plan=data["plan"], notes=data["notes"], forecasts=frames["forecasts"],
            dependence=frames["dependence"], transit=frames["transit"],
            simulation=frames["simulation"], backtest=frames["backtest"],
        )

    def transit(self, epochs: Iterable[int] | None = None, *, supply: float | None = None) -> Result:
        """``orbit transit``: the gas pipelines as a network game per epoch (Shapley, Banzhaf,
        nucleolus, core).

        >>> orbit.load().transit([2005]).frame["year"].unique().tolist()
        [2005]
        """
        return _result(self._native.transit(None if epochs is None else list(epochs), supply))

    def simulate(
        self, start: int = 2015, end: int = 2030, *, runs: int = 1000, seed: int = 1,
        fixed_links: bool = False,
    ) -> Result:
        """``orbit simulate --from START --to END``: the yearly simulation and its Monte Carlo
        fans. Columns: series, year, central, p5, p50, p95.

        >>> f = orbit.load().simulate(2015, 2020, runs=20).frame
        >>> sorted(f["year"].unique())[:2]
        [2015, 2016]
        """
        return _result(self._native.simulate(start, end, runs, seed, fixed_links))

    def backtest(
        self, cutoff: int | None = None, *, rolling: bool = False, gas_price: bool = False,
        runs: int = 1000, seed: int = 1, fixed_links: bool = False,
    ) -> Result:
        """``orbit backtest``: forecasts from what was known at ``cutoff`` scored against what
        happened (``rolling``: every cutoff; ``gas_price``: the gas-price model's table)."""
        return _result(self._native.backtest(cutoff, rolling, gas_price, runs, seed, fixed_links))

    def dependence(
        self, actor: str | None = None, partner: str | None = None, *, year: int | None = None
    ) -> Result:
        """``orbit dependence``: partner shares, HHI, trade dependence and energy subsidy, with
        provenance per figure.

        >>> "measure" in orbit.load().dependence().frame.columns
        True
        """
        return _result(self._native.dependence(actor, partner, year))

    def timeline(
        self, *, actor: Sequence[str] = (), kind: Sequence[str] = (), start: str | None = None,
        end: str | None = None, search: str | None = None, key: bool = False,
    ) -> Result:
        """``orbit timeline``: the dated events (through the SQLite store), filtered.

        >>> orbit.load().timeline(kind=["sanction"]).frame["kind"].unique().tolist()
        ['sanction']
        """
        return _result(
            self._native.timeline(list(actor), list(kind), start, end, search, key)
        )

    def panel(self, *, directed: bool = True) -> Result:
        """``orbit panel``: the scenario's states as a dyad-year panel (peacesciencer
        conventions: COW codes, trade flows, alliances, sanctions, gas prices); missing figures
        stay missing. ``data["notes"]`` lists what was left out.

        >>> p = orbit.load().panel()
        >>> {"ccode1", "ccode2", "year"} <= set(p.frame.columns)
        True
        """
        return _result(self._native.panel(directed))

    def factors(self, start: int = 2015, end: int = 2030, *,
                widths: tuple[float, float, float] | None = None) -> pd.DataFrame:
        """The uncertain inputs a sweep varies: each link's declared range, and each issue
        actor's capability, position and salience within the Monte Carlo's half-widths."""
        rows = json.loads(self._native.factors(start, end, widths))
        return pd.DataFrame(
            [(f["name"], f["low"], f["high"], f["source"]) for f in rows],
            columns=["name", "low", "high", "source"],
        )


def game(
    players: Sequence[str] | None = None,
    values: Mapping[Iterable[str], float] | None = None,
    solution: str = "shapley",
    *,
    network: "str | os.PathLike[str] | Mapping[str, Any] | None" = None,
    method: str = "auto",
    permutations: int = 10_000,
    seed: int = 0,
) -> Result:
    """``orbit game <solution>`` of a TU game: ``values`` maps every non-empty coalition
    (an iterable of player names) to its worth. ``solution``: shapley, banzhaf, core or
    nucleolus.

    >>> v = {("A",): 0, ("B",): 0, ("A", "B"): 1}
    >>> orbit.game(["A", "B"], v).data["shapley"]
    [0.5, 0.5]

    ``network`` (``orbit game --network``) gives a pipeline network instead, as a JSON file's
    path or its dict (``players``, ``nodes``, ``links``): v(S) is the most gas coalition S
    can route through the links its members own.
    """
    if network is not None:
        if players is not None or values is not None:
            raise OrbitError("error: give `players` and `values`, or `network`, not both")
        if isinstance(network, Mapping):
            text = json.dumps(network)
        else:
            path = os.fspath(network)
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError) as e:
                raise OrbitError(f"error: cannot read `{path}`: {e}") from None
        doc, grand = _orbit.network_game(text, solution, method, permutations, seed)
        doc = json.loads(doc)
        return Result(frame=_game_frame(doc["players"], doc, solution, grand), data=doc)
    if players is None or values is None:
        raise OrbitError("error: give a game as `players` and `values`, or as `network`")
    players = list(players)
    index = {p: i for i, p in enumerate(players)}
    if len(index) != len(players):
        raise OrbitError("error: a player is listed twice")
    n = len(players)
    if n > 20:
        raise OrbitError(f"error: too many players: {n} (at most 20)")
    masks: list[float | None] = [None] * (1 << n)
    masks[0] = 0.0
    for coalition, value in values.items():
        names = [coalition] if isinstance(coalition, str) else list(coalition)
        if not names:
            raise OrbitError("error: the empty coalition is worth 0 and is not listed")
        mask = 0
        for name in names:
            if name not in index:
                raise OrbitError(
                    f"error: coalition {names} names unknown player `{name}`\n"
                    f"  = hint: the players are {', '.join(players)}"
                )
            if mask >> index[name] & 1:
                raise OrbitError(f"error: coalition {names} lists `{name}` twice")
            mask |= 1 << index[name]
        if masks[mask] is not None:
            raise OrbitError(f"error: coalition {names} is given twice")
        masks[mask] = float(value)
    missing = [m for m in range(1, 1 << n) if masks[m] is None]
    if missing:
        names = [p for i, p in enumerate(players) if missing[0] >> i & 1]
        raise OrbitError(
            f"error: coalition {names} is missing"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            + f"\n  = hint: give every non-empty coalition of the {n} players exactly once"
        )
    doc = json.loads(_orbit.game(players, masks, solution, method, permutations, seed))
    return Result(frame=_game_frame(players, doc, solution, masks[-1]), data=doc)


def _game_frame(players: list[str], doc: dict[str, Any], solution: str, grand: float) -> pd.DataFrame:
    """The CLI's CSV of one game solution (``share`` is the Shapley value over v(N))."""
    frame = pd.DataFrame({"player": players})
    if solution == "shapley":
        frame["shapley"] = doc["shapley"]
        frame["share"] = [x / grand if grand != 0 else 0.0 for x in doc["shapley"]]
        if "std_errors" in doc:
            frame["std_errors"] = doc["std_errors"]
    elif solution == "banzhaf":
        frame["banzhaf"] = doc["banzhaf"]
        frame["index"] = doc["banzhaf_index"] if doc["banzhaf_index"] is not None else float("nan")
    elif solution == "core":
        frame["point"] = doc["point"]
    else:
        frame["nucleolus"] = doc["nucleolus"]
    return frame


from .sweeps import read_sweep, sweep  # noqa: E402  (needs World above)
