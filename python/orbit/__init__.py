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
    "World",
    "game",
    "load",
    "load_text",
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
        """
        return _result(
            self._native.forecast(
                issue, model, variant, rounds, stop, runs, seed,
                perturb_capability, perturb_position, perturb_salience,
            )
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
    players: Sequence[str],
    values: Mapping[Iterable[str], float],
    solution: str = "shapley",
    *,
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
    """
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
    frame = pd.DataFrame({"player": players})
    if solution == "shapley":
        grand = masks[-1]
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
    return Result(frame=frame, data=doc)


from .sweeps import sweep  # noqa: E402  (needs World above)
