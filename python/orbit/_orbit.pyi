"""Type stubs of the native module `orbit._orbit` (crates/orbit-py). Each World method returns
`(json_document, json_table)`: the CLI's `--format json` output and its CSV table as
`{"columns": [...], "rows": [[...]]}`; the `orbit` package wraps them in `orbit.Result`."""

from typing import Sequence

class OrbitError(ValueError): ...

class NativeScenarioError(OrbitError):
    """args: (message, file, problems as JSON)."""

class World:
    @property
    def name(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def id(self) -> str: ...
    def validate(self) -> tuple[str, str]: ...
    def forecast(
        self,
        issue: str | None = None,
        model: str = "all",
        variant: str = "bdm",
        rounds: int | None = None,
        stop: str | None = None,
        runs: int = 0,
        seed: int = 1,
        perturb_capability: str = "pert:0.2",
        perturb_position: str = "pert:0.05",
        perturb_salience: str = "pert:0.1",
    ) -> tuple[str, str, list[str]]: ...
    def transit(
        self, epochs: Sequence[int] | None = None, supply: float | None = None
    ) -> tuple[str, str]: ...
    def simulate(
        self, start: int = 2015, end: int = 2030, runs: int = 1000, seed: int = 1,
        fixed_links: bool = False,
    ) -> tuple[str, str]: ...
    def backtest(
        self, cutoff: int | None = None, rolling: bool = False, gas_price: bool = False,
        runs: int = 1000, seed: int = 1, fixed_links: bool = False,
    ) -> tuple[str, str]: ...
    def dependence(
        self, actor: str | None = None, partner: str | None = None, year: int | None = None
    ) -> tuple[str, str]: ...
    def timeline(
        self, actor: Sequence[str] = ..., kind: Sequence[str] = ..., start: str | None = None,
        end: str | None = None, search: str | None = None, key: bool = False,
    ) -> tuple[str, str]: ...
    def panel(self, directed: bool = True) -> tuple[str, str]: ...
    def run(self, plan: RunPlan) -> tuple[str, str]:
        """(results JSON, {"forecasts"|"dependence"|"transit"|"simulation"|"backtest": table})."""
    def factors(
        self, start: int = 2015, end: int = 2030,
        widths: tuple[float, float, float] | None = None,
    ) -> str: ...

class RunPlan:
    def __init__(
        self, *, runs: int | None = None, seed: int | None = None, model: str | None = None,
        variant: str | None = None, rounds: int | None = None, stop: str | None = None,
        perturb_capability: str | None = None, perturb_position: str | None = None,
        perturb_salience: str | None = None, simulation: bool = True,
        sim_runs: int | None = None, sim_from: int | None = None, sim_to: int | None = None,
        epochs: Sequence[int] | None = None, cutoffs: Sequence[int] | None = None,
        thesis: bool = True,
    ) -> None: ...
    def resolve(self, world: World) -> str: ...

class Sweep:
    def __init__(
        self, world: World, design: str = "lhs", samples: int = 100, seed: int = 1,
        start: int = 2015, end: int = 2030, series: Sequence[str] = ...,
        years: Sequence[int] = ..., levels: int = 4, scramble: bool = True,
        widths: tuple[float, float, float] | None = None,
    ) -> None: ...
    @property
    def rows(self) -> int: ...
    @property
    def outcome_names(self) -> list[str]: ...
    def factors_json(self) -> str: ...
    def design_json(self) -> str: ...
    def chunk(
        self, start: int, end: int, threads: int | None = None
    ) -> tuple[bytes, list[tuple[int, str]]]: ...
    def evaluate(self, values: Sequence[float]) -> list[float]: ...
    def open_store(
        self, path: str, overwrite: bool = False, meta: Sequence[tuple[str, str]] = ...
    ) -> None: ...
    def write(self, start: int, data: bytes, failures: Sequence[tuple[int, str]]) -> None: ...
    def close_store(self, meta: Sequence[tuple[str, str]] = ...) -> None: ...

def load(path: str | None = None) -> World: ...
def load_text(name: str, text: str) -> World: ...
def game(
    players: Sequence[str], values: Sequence[float], solution: str = "shapley",
    method: str = "auto", permutations: int = 10000, seed: int = 0,
) -> str: ...
def forecast_actors(
    name: str, text: str, salience_percent: bool = False, status_quo: float | None = None,
    model: str = "all", variant: str = "bdm", rounds: int | None = None,
    stop: str | None = None, runs: int = 0, seed: int = 1,
    perturb_capability: str = "pert:0.2", perturb_position: str = "pert:0.05",
    perturb_salience: str = "pert:0.1",
) -> tuple[str, str]: ...
def network_game(
    text: str, solution: str = "shapley", method: str = "auto", permutations: int = 10000,
    seed: int = 0,
) -> tuple[str, float]: ...
def design_rows(
    design: str, samples: int, factors: int, start: int = 0, end: int | None = None,
    seed: int = 0, levels: int = 4, scramble: bool = True,
) -> tuple[int, bytes]: ...
def version() -> str: ...
def rng_name() -> str: ...
