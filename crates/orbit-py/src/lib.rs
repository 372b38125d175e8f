//! `orbit._orbit`: the native half of the Python package `orbit` (see `python/`).
//!
//! Every call mirrors an `orbit` CLI command and hands back the same JSON document the CLI
//! prints with `--format json`, plus the rows of its `--format csv` table (full precision), so
//! the Python side only parses and wraps them in pandas. Model runs release the GIL.
//!
//! Nothing here computes a model number: it selects inputs, calls the library crates and
//! serialises their results, as the CLI does.

mod convert;
mod plan;
mod sweep;

use std::path::PathBuf;

use orbit_models::simulation::{SimulationSettings, monte_carlo};
use orbit_scenario::ScenarioError as LoadError;
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::Value;

create_exception!(
    _orbit,
    OrbitError,
    PyValueError,
    "An input orbit cannot use (unknown issue, bad option, a model that cannot run)."
);
create_exception!(
    _orbit,
    NativeScenarioError,
    OrbitError,
    "A scenario that does not check: args are (message, file, problems as JSON)."
);

/// Most Monte Carlo draws one call accepts, as in the CLI.
const MAX_RUNS: usize = 1_000_000;

pub(crate) fn orbit_error(message: impl std::fmt::Display) -> PyErr {
    OrbitError::new_err(message.to_string())
}

fn scenario_error(e: LoadError) -> PyErr {
    match e {
        LoadError::Invalid(d) => {
            let problems = serde_json::to_string(&d.problems).unwrap_or_else(|_| "[]".into());
            NativeScenarioError::new_err((d.to_string(), d.file.clone(), problems))
        }
        other => NativeScenarioError::new_err((
            format!("error: {other}"),
            String::new(),
            "[]".to_string(),
        )),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(orbit_error)
}

/// A validated scenario and the text it came from (so that it can be sent to worker
/// processes and rebuilt there).
#[pyclass(module = "orbit._orbit", frozen)]
#[derive(Debug)]
pub struct World {
    pub(crate) world: orbit_scenario::World,
    name: String,
    text: String,
}

fn load_text_inner(name: &str, text: &str) -> Result<orbit_scenario::World, LoadError> {
    orbit_scenario::load_str(name, text)
}

/// Loads a scenario file, or the built-in Union State scenario when `path` is None.
#[pyfunction]
#[pyo3(signature = (path=None))]
fn load(py: Python<'_>, path: Option<PathBuf>) -> PyResult<World> {
    let (name, text) = match &path {
        None => (
            orbit_scenario::BUILTIN_NAME.to_string(),
            orbit_scenario::BUILTIN_TOML.to_string(),
        ),
        Some(p) => {
            let shown = p.display().to_string();
            // load_file gives the size and UTF-8 checks; the text is kept for pickling.
            py.detach(|| orbit_scenario::load_file(p))
                .map_err(scenario_error)?;
            let text = std::fs::read_to_string(p)
                .map_err(|e| orbit_error(format!("cannot read `{shown}`: {e}")))?;
            (shown, text)
        }
    };
    load_text(py, &name, &text)
}

/// Loads a scenario from its TOML text; `name` is shown in diagnostics.
#[pyfunction]
fn load_text(py: Python<'_>, name: &str, text: &str) -> PyResult<World> {
    let world = py
        .detach(|| load_text_inner(name, text))
        .map_err(scenario_error)?;
    Ok(World {
        world,
        name: name.to_string(),
        text: text.to_string(),
    })
}

#[pymethods]
impl World {
    /// The file name the scenario was loaded from (or `<built-in>/union-state.toml`).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The scenario's TOML text.
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }

    /// The scenario's id.
    #[getter]
    fn id(&self) -> &str {
        &self.world.meta.id
    }

    /// Pickling rebuilds the world from its text (for process pools and Ray).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String, String))> {
        let py = slf.py();
        let f = py.import("orbit._orbit")?.getattr("load_text")?;
        let me = slf.get();
        Ok((f, (me.name.clone(), me.text.clone())))
    }

    fn __repr__(&self) -> String {
        format!("<orbit.World {} from {}>", self.world.meta.id, self.name)
    }

    /// `orbit validate --format json`: the verdict and the entry counts.
    fn validate(&self) -> PyResult<(String, String)> {
        let (doc, table) = convert::validate(&self.name, &self.world);
        Ok((to_json(&doc)?, to_json(&table)?))
    }

    /// `orbit forecast --format json` (and its CSV rows), and the notes the CLI prints on
    /// stderr: without `issue`, the codings superseded by a later one of the same question.
    #[pyo3(signature = (issue=None, model="all", variant="bdm", rounds=None, stop=None, runs=0, seed=1, perturb_capability="pert:0.2", perturb_position="pert:0.05", perturb_salience="pert:0.1"))]
    #[allow(clippy::too_many_arguments)]
    fn forecast(
        &self,
        py: Python<'_>,
        issue: Option<&str>,
        model: &str,
        variant: &str,
        rounds: Option<usize>,
        stop: Option<&str>,
        runs: usize,
        seed: u64,
        perturb_capability: &str,
        perturb_position: &str,
        perturb_salience: &str,
    ) -> PyResult<(String, String, Vec<String>)> {
        let options = convert::forecast_options(
            model,
            variant,
            rounds,
            stop,
            runs,
            seed,
            [perturb_capability, perturb_position, perturb_salience],
        )?;
        // Without `issue`, the present: the latest coding of each question (the CLI's rule),
        // the superseded codings named in the notes.
        let latest;
        let mut notes = Vec::new();
        let world = if issue.is_some() {
            &self.world
        } else {
            (latest, notes) = self.world.latest_codings();
            &latest
        };
        let issues: Vec<_> = match issue {
            Some(id) => vec![world.issue(id).ok_or_else(|| {
                orbit_error(format!(
                    "error: unknown issue `{id}`\n  = hint: the scenario's issues are {}",
                    world
                        .issues
                        .iter()
                        .map(|i| i.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?],
            None => world.issues.iter().collect(),
        };
        if issues.is_empty() {
            return Err(orbit_error(format!(
                "error: scenario `{}` has no contested issues to forecast\n  = hint: forecast an actor table with `actors=`",
                world.meta.id
            )));
        }
        let jobs = issues
            .iter()
            .map(|i| {
                (
                    i.id.clone(),
                    Some(i.name.clone()),
                    orbit_models::forecast::input_from_issue(world, i),
                )
            })
            .collect();
        let (doc, table) = forecasts(py, jobs, &options)?;
        Ok((doc, table, notes))
    }

    /// `orbit run --format json`: everything `plan` asks for (forecasts, dependence, transit,
    /// simulation, backtest), as the results' JSON and the long tables of its parts.
    fn run(&self, py: Python<'_>, plan: &plan::RunPlan) -> PyResult<(String, String)> {
        plan::run(py, self, plan)
    }

    /// `orbit transit --format json`.
    #[pyo3(signature = (epochs=None, supply=None))]
    fn transit(
        &self,
        py: Python<'_>,
        epochs: Option<Vec<i32>>,
        supply: Option<f64>,
    ) -> PyResult<(String, String)> {
        let years = epochs.unwrap_or_else(|| orbit_models::transit::DEFAULT_EPOCHS.to_vec());
        let options = orbit_models::transit::TransitOptions { supply };
        let report = py
            .detach(|| orbit_models::transit::epochs(&self.world, &years, &options))
            .map_err(|e| orbit_error(format!("error: {e}")))?;
        Ok((
            to_json(&report)?,
            to_json(&convert::export_table(
                &orbit_pipeline::export::transit_table(&report),
            ))?,
        ))
    }

    /// `orbit simulate --format json`.
    #[pyo3(signature = (start=2015, end=2030, runs=1000, seed=1, fixed_links=false))]
    fn simulate(
        &self,
        py: Python<'_>,
        start: i32,
        end: i32,
        runs: usize,
        seed: u64,
        fixed_links: bool,
    ) -> PyResult<(String, String)> {
        let settings = run_settings(runs, seed, fixed_links)?;
        let result = py
            .detach(|| {
                let sim = orbit_models::backtest::present_simulator(&self.world, start, end)?;
                monte_carlo(&sim, &settings, &|| {})
            })
            .map_err(|e| orbit_error(format!("error: {e}")))?;
        Ok((
            to_json(&result)?,
            to_json(&convert::export_table(
                &orbit_pipeline::export::simulation_table(&result),
            ))?,
        ))
    }

    /// `orbit backtest --format json` (one cutoff, the rolling cutoffs, or the gas price).
    #[pyo3(signature = (cutoff=None, rolling=false, gas_price=false, runs=1000, seed=1, fixed_links=false))]
    // Python keyword arguments, one per CLI flag.
    #[allow(clippy::too_many_arguments)]
    fn backtest(
        &self,
        py: Python<'_>,
        cutoff: Option<i32>,
        rolling: bool,
        gas_price: bool,
        runs: usize,
        seed: u64,
        fixed_links: bool,
    ) -> PyResult<(String, String)> {
        use orbit_models::gas_price::{GasPriceOptions, backtest_prices};
        let world = &self.world;
        if gas_price {
            let gas = py.detach(|| backtest_prices(world, &GasPriceOptions::default()));
            let focus = world.code(world.meta.focus);
            let table = orbit_pipeline::export::gas_price_table(&gas, focus);
            return Ok((to_json(&gas)?, to_json(&convert::export_table(&table))?));
        }
        let settings = run_settings(runs, seed, fixed_links)?;
        let cutoffs = orbit_pipeline::export::backtest_cutoffs(world.meta.years, cutoff, rolling)
            .map_err(|e| orbit_error(plan_error_text(&e, "cutoff")))?;
        let results = py
            .detach(|| {
                cutoffs
                    .iter()
                    .map(|&c| {
                        orbit_models::backtest::backtest(world, c, &settings)
                            .map_err(|e| format!("error: cutoff {c}: {e}"))
                    })
                    .collect::<Result<Vec<_>, String>>()
            })
            .map_err(orbit_error)?;
        Ok((
            to_json(&results)?,
            to_json(&convert::export_table(
                &orbit_pipeline::export::backtest_table(&results),
            ))?,
        ))
    }

    /// `orbit dependence --format json`.
    #[pyo3(signature = (actor=None, partner=None, year=None))]
    fn dependence(
        &self,
        actor: Option<&str>,
        partner: Option<&str>,
        year: Option<i32>,
    ) -> PyResult<(String, String)> {
        let profile = convert::dependence(&self.world, actor, partner, year)?;
        let table = orbit_report::tables::dependence_long(&profile);
        Ok((to_json(&profile)?, to_json(&convert::data_table(&table))?))
    }

    /// `orbit timeline --format json`.
    #[pyo3(signature = (actor=Vec::new(), kind=Vec::new(), start=None, end=None, search=None, key=false))]
    #[allow(clippy::too_many_arguments)]
    fn timeline(
        &self,
        py: Python<'_>,
        actor: Vec<String>,
        kind: Vec<String>,
        start: Option<&str>,
        end: Option<&str>,
        search: Option<String>,
        key: bool,
    ) -> PyResult<(String, String)> {
        let date = |d: Option<&str>, flag: &str| {
            d.map(|d| {
                orbit_scenario::PartialDate::parse(d)
                    .map_err(|e| orbit_error(format!("error: `{flag}`: {e}")))
            })
            .transpose()
        };
        let query = orbit_store::TimelineQuery {
            actors: actor,
            kinds: kind,
            from: date(start, "start")?,
            to: date(end, "end")?,
            search,
            key_only: key,
            limit: None,
        };
        let rows = py
            .detach(|| {
                let store = orbit_store::Store::build_from_world(&self.world)?;
                store.timeline(&query)
            })
            .map_err(|e| {
                let mut message = format!("error: {e}");
                if let Some(hint) = e.hint() {
                    message.push_str(&format!("\n  = hint: {hint}"));
                }
                orbit_error(message)
            })?;
        Ok((to_json(&rows)?, to_json(&convert::timeline_table(&rows))?))
    }

    /// `orbit panel --format json`: the states as a dyad-year panel (peacesciencer
    /// conventions); the table has the CLI CSV's columns.
    #[pyo3(signature = (directed=true))]
    fn panel(&self, py: Python<'_>, directed: bool) -> PyResult<(String, String)> {
        let panel = py.detach(|| orbit_models::panel::dyad_years(&self.world, directed));
        Ok((to_json(&panel)?, to_json(&convert::panel_table(&panel)?)?))
    }

    /// The uncertain inputs a sweep varies, as JSON (name, low, high, target, source).
    #[pyo3(signature = (start=2015, end=2030, widths=None))]
    fn factors(&self, start: i32, end: i32, widths: Option<(f64, f64, f64)>) -> PyResult<String> {
        let sim = orbit_models::backtest::present_simulator(&self.world, start, end)
            .map_err(|e| orbit_error(format!("error: {e}")))?;
        to_json(&orbit_models::design::factors(
            &sim,
            &sweep::widths(widths)?,
        ))
    }
}

/// A plan error as the bindings word it: the keyword argument, the problem, the hints.
pub(crate) fn plan_error_text(e: &orbit_pipeline::PlanError, argument: &str) -> String {
    let mut text = format!("error: `{argument}`: {}", e.problem);
    for hint in &e.hints {
        text.push_str(&format!("\n  = hint: {hint}"));
    }
    text
}

/// One issue to forecast: id, display name, input.
type Job = (
    String,
    Option<String>,
    orbit_models::bargaining::BargainingInput,
);

/// Forecasts every job without the GIL: the CLI's JSON and long rows.
fn forecasts(
    py: Python<'_>,
    jobs: Vec<Job>,
    options: &orbit_models::forecast::ForecastOptions,
) -> PyResult<(String, String)> {
    let results = py
        .detach(|| {
            jobs.iter()
                .map(|(id, name, input)| {
                    orbit_models::forecast::forecast_issue(
                        id,
                        name.as_deref(),
                        input,
                        options,
                        &|| {},
                    )
                    .map_err(|e| format!("error: issue `{id}`: {e}"))
                })
                .collect::<Result<Vec<_>, String>>()
        })
        .map_err(orbit_error)?;
    let doc = convert::forecast_json(&results).map_err(orbit_error)?;
    Ok((to_json(&doc)?, to_json(&convert::forecast_table(&results))?))
}

/// `orbit forecast --actors FILE.csv`: the models on an actor table (header
/// `Actor,Capability,Position,Salience`, KTAB's convention; `salience_percent` for KTAB's
/// 0-100 saliences). `name` is the table's file name (the issue id is its stem) and `text`
/// its CSV.
#[pyfunction]
#[pyo3(signature = (name, text, salience_percent=false, status_quo=None, model="all", variant="bdm", rounds=None, stop=None, runs=0, seed=1, perturb_capability="pert:0.2", perturb_position="pert:0.05", perturb_salience="pert:0.1"))]
#[allow(clippy::too_many_arguments)]
fn forecast_actors(
    py: Python<'_>,
    name: &str,
    text: &str,
    salience_percent: bool,
    status_quo: Option<f64>,
    model: &str,
    variant: &str,
    rounds: Option<usize>,
    stop: Option<&str>,
    runs: usize,
    seed: u64,
    perturb_capability: &str,
    perturb_position: &str,
    perturb_salience: &str,
) -> PyResult<(String, String)> {
    use orbit_models::bargaining::{Actor, BargainingInput};
    let options = convert::forecast_options(
        model,
        variant,
        rounds,
        stop,
        runs,
        seed,
        [perturb_capability, perturb_position, perturb_salience],
    )?;
    let rows = orbit_scenario::actor_table::parse_actor_table(name, text, salience_percent)
        .map_err(orbit_error)?;
    if let Some(q) = status_quo
        && !q.is_finite()
    {
        return Err(orbit_error("error: `status_quo` must be a finite number"));
    }
    let input = BargainingInput {
        actors: rows
            .into_iter()
            .map(|r| Actor::new(r.name, r.capability, r.position, r.salience))
            .collect(),
        status_quo,
        scale: None,
    };
    let id = std::path::Path::new(name)
        .file_stem()
        .map_or("actors".into(), |s| s.to_string_lossy().into_owned());
    forecasts(py, vec![(id, None, input)], &options)
}

/// `orbit game <solution> --network FILE.json`: a solution of the pipeline network game
/// whose coalition values are max-flows; `text` is the network JSON (`players`, `nodes`,
/// `links`). Returns the CLI's JSON document and v(N), the most the grand coalition routes.
#[pyfunction]
#[pyo3(signature = (text, solution="shapley", method="auto", permutations=10_000, seed=0))]
fn network_game(
    py: Python<'_>,
    text: &str,
    solution: &str,
    method: &str,
    permutations: usize,
    seed: u64,
) -> PyResult<(String, f64)> {
    let (doc, grand) = py
        .detach(|| convert::network_game(text, solution, method, permutations, seed))
        .map_err(orbit_error)?;
    Ok((to_json(&doc)?, grand))
}

fn run_settings(runs: usize, seed: u64, fixed_links: bool) -> PyResult<SimulationSettings> {
    if runs > MAX_RUNS {
        return Err(orbit_error(format!(
            "error: `runs={runs}` is above the limit of {MAX_RUNS}"
        )));
    }
    Ok(SimulationSettings {
        runs,
        seed,
        vary_links: !fixed_links,
        ..SimulationSettings::default()
    })
}

/// `orbit game`: a solution of a TU game given as the value of every coalition, indexed by
/// bit mask (`values[mask]`, `values[0] = 0`). `solution` is `shapley`, `banzhaf`, `core` or
/// `nucleolus`; returns the CLI's JSON document.
#[pyfunction]
#[pyo3(signature = (players, values, solution="shapley", method="auto", permutations=10_000, seed=0))]
fn game(
    py: Python<'_>,
    players: Vec<String>,
    values: Vec<f64>,
    solution: &str,
    method: &str,
    permutations: usize,
    seed: u64,
) -> PyResult<String> {
    let doc: Value = py
        .detach(|| convert::game(&players, values, solution, method, permutations, seed))
        .map_err(orbit_error)?;
    to_json(&doc)
}

/// The version of the orbit crates this module was built from.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The RNG behind the designs, as recorded in sweep files.
#[pyfunction]
fn rng_name() -> &'static str {
    orbit_models::design::DESIGN_RNG
}

#[pymodule]
fn _orbit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("OrbitError", py.get_type::<OrbitError>())?;
    m.add("NativeScenarioError", py.get_type::<NativeScenarioError>())?;
    m.add_class::<World>()?;
    m.add_class::<sweep::Sweep>()?;
    m.add_class::<plan::RunPlan>()?;
    m.add_function(wrap_pyfunction!(forecast_actors, m)?)?;
    m.add_function(wrap_pyfunction!(network_game, m)?)?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(load_text, m)?)?;
    m.add_function(wrap_pyfunction!(game, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(rng_name, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::design_rows, m)?)?;
    Ok(())
}
