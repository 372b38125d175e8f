"""An EMA Workbench adapter: the scenario's declared uncertainties as an EMA ``Model``.

>>> import orbit, orbit.ema
>>> from ema_workbench import perform_experiments
>>> model = orbit.ema.model(orbit.load(), outcomes=["eum.russian_air_base@2017"], end=2017)
>>> experiments, outcomes = perform_experiments(model, scenarios=4)   # doctest: +SKIP

Every factor of :meth:`orbit.World.factors` becomes a ``RealParameter`` over its range, every
requested outcome a ``ScalarOutcome``; the model function runs orbit's yearly simulation.
"""

from __future__ import annotations

from typing import Sequence

from . import _orbit
from ._orbit import OrbitError

__all__ = ["model"]


class _Function:
    """The picklable model function: builds the native sweep once per process."""

    def __init__(self, spec: dict, names: list[str], outcomes: list[str]):
        self.spec = spec
        self.names = names
        self.outcomes = outcomes
        self._native = None

    def __getstate__(self):
        return {"spec": self.spec, "names": self.names, "outcomes": self.outcomes}

    def __setstate__(self, state):
        self.__dict__.update(state, _native=None)

    def __call__(self, **values):
        if self._native is None:
            from .sweeps import _native_sweep

            self._native = _native_sweep(self.spec)
        x = [float(values[n]) for n in self.names]
        try:
            y = self._native.evaluate(x)
        except OrbitError:
            y = [float("nan")] * len(self.outcomes)
        return dict(zip(self.outcomes, y))


def model(world, outcomes: Sequence[str], *, name: str = "orbit", start: int = 2015,
          end: int = 2030, widths: tuple[float, float, float] | None = None):
    """An ``ema_workbench.Model`` whose uncertainties are the scenario's declared ranges and
    whose outcomes are ``outcomes`` (``<series>@<year>`` names, as in :func:`orbit.sweep`)."""
    from ema_workbench import Model, RealParameter, ScalarOutcome

    from .sweeps import _spec

    outcomes = list(outcomes)
    if not outcomes:
        raise OrbitError("error: name at least one outcome, e.g. `eum.<issue>@<year>`")
    series, years = [], []
    for o in outcomes:
        s, _, y = o.rpartition("@")
        if not s or not y.isdigit():
            raise OrbitError(f"error: outcome `{o}` is not `<series>@<year>`")
        if s not in series:
            series.append(s)
        if int(y) not in years:
            years.append(int(y))
    spec = _spec(world, "mc", 1, 0, start, end, series, years, 4, True, widths)
    from .sweeps import _native_sweep

    native = _native_sweep(spec)
    recorded = list(native.outcome_names)
    index = []
    for o in outcomes:
        if o not in recorded:
            raise OrbitError(f"error: unknown outcome `{o}`")
        index.append(o)
    import json

    factors = json.loads(native.factors_json())
    names = [f["name"] for f in factors]
    function = _Function(spec, names, recorded)
    m = Model(name, function=function)
    m.uncertainties = [RealParameter(f["name"], f["low"], f["high"]) for f in factors]
    m.outcomes = [ScalarOutcome(o) for o in index]
    return m
