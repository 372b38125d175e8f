//! `orbit.RunPlan` and `World.run(plan)`: the typed run plan of `orbit run`
//! ([`orbit_pipeline::RunPlan`]) built from keyword arguments, resolved against the scenario
//! with the command line's defaults and limits ([`orbit_pipeline::resolve`],
//! [`Limits::COMMAND_LINE`]), and its results ([`orbit_pipeline::RunResults`]) as JSON plus
//! the long tables of [`orbit_pipeline::export`].

use orbit_models::sensitivity::{Perturbation, PerturbationSpec};
use orbit_pipeline::{
    Limits, ModelChoice, PlanError, RawForecastOptions, RawRunOptions, StopChoice, UnknownName,
};
use pyo3::prelude::*;
use serde_json::json;

use crate::convert::{Table, data_table, export_table, forecast_table};
use crate::{World, orbit_error, to_json};

/// What `orbit run` computes, as given (checked against a scenario by `World.run` or
/// `RunPlan.resolve`). Names the CLI cannot know about (a model, a stop rule, a perturbation)
/// are checked here.
#[pyclass(module = "orbit._orbit", frozen)]
#[derive(Debug, Clone)]
pub struct RunPlan {
    pub(crate) raw: RawRunOptions,
}

fn unknown(e: UnknownName, argument: &str) -> PyErr {
    orbit_error(format!(
        "error: `{argument}`: {e}\n  = hint: allowed are {}",
        e.allowed_list()
    ))
}

/// A plan error with the keyword argument's name (the HTTP parameter's, which the keyword
/// arguments follow).
pub(crate) fn plan_error(e: &PlanError) -> PyErr {
    orbit_error(crate::plan_error_text(e, e.setting.param()))
}

#[pymethods]
impl RunPlan {
    #[new]
    #[pyo3(signature = (*, runs=None, seed=None, model=None, variant=None, rounds=None, stop=None, perturb_capability=None, perturb_position=None, perturb_salience=None, simulation=true, sim_runs=None, sim_from=None, sim_to=None, epochs=None, cutoffs=None, thesis=true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        runs: Option<usize>,
        seed: Option<u64>,
        model: Option<&str>,
        variant: Option<&str>,
        rounds: Option<usize>,
        stop: Option<&str>,
        perturb_capability: Option<&str>,
        perturb_position: Option<&str>,
        perturb_salience: Option<&str>,
        simulation: bool,
        sim_runs: Option<usize>,
        sim_from: Option<i32>,
        sim_to: Option<i32>,
        epochs: Option<Vec<i32>>,
        cutoffs: Option<Vec<i32>>,
        thesis: bool,
    ) -> PyResult<Self> {
        let perturbation = if perturb_capability.is_none()
            && perturb_position.is_none()
            && perturb_salience.is_none()
        {
            None
        } else {
            let defaults = PerturbationSpec::default();
            let parse = |given: Option<&str>, default: Perturbation, argument: &str| {
                given.map_or(Ok(default), |text| {
                    Perturbation::parse(text)
                        .map_err(|e| orbit_error(format!("error: `{argument}`: {e}")))
                })
            };
            Some(PerturbationSpec {
                capability: parse(
                    perturb_capability,
                    defaults.capability,
                    "perturb_capability",
                )?,
                position: parse(perturb_position, defaults.position, "perturb_position")?,
                salience: parse(perturb_salience, defaults.salience, "perturb_salience")?,
            })
        };
        let forecast = RawForecastOptions {
            model: model
                .map(|m| m.parse::<ModelChoice>().map_err(|e| unknown(e, "model")))
                .transpose()?,
            variant: variant
                .map(|v| orbit_pipeline::parse_variant(v).map_err(|e| unknown(e, "variant")))
                .transpose()?,
            rounds,
            stop: stop
                .map(|s| s.parse::<StopChoice>().map_err(|e| unknown(e, "stop")))
                .transpose()?,
            runs,
            seed,
            perturbation,
        };
        Ok(RunPlan {
            raw: RawRunOptions {
                forecast,
                no_simulation: !simulation,
                simulation_runs: sim_runs,
                simulation_from: sim_from,
                simulation_to: sim_to,
                transit_epochs: epochs,
                backtest_cutoffs: cutoffs,
                // `orbit run --no-thesis`.
                no_thesis: !thesis,
            },
        })
    }

    /// The plan checked against `world` with every default filled in, as the JSON `orbit run
    /// --format json` records under `plan`.
    fn resolve(&self, world: &World) -> PyResult<String> {
        let plan = orbit_pipeline::resolve(&world.world, &self.raw, &Limits::COMMAND_LINE)
            .map_err(|e| plan_error(&e))?;
        to_json(&plan)
    }

    fn __repr__(&self) -> String {
        format!("<orbit.RunPlan {:?}>", self.raw)
    }
}

/// Runs `plan` on `world` without the GIL: the results' JSON, and the long tables of its
/// parts (forecasts, dependence, transit, simulation, backtest) as JSON `{name: table}`.
pub(crate) fn run(py: Python<'_>, world: &World, plan: &RunPlan) -> PyResult<(String, String)> {
    let plan = orbit_pipeline::resolve(&world.world, &plan.raw, &Limits::COMMAND_LINE)
        .map_err(|e| plan_error(&e))?;
    let results = py
        .detach(|| orbit_pipeline::run(&world.world, &plan, &orbit_pipeline::Silent))
        .map_err(|e| {
            let mut text = format!("error: {e}");
            for hint in orbit_scenario::Hint::hints(&e) {
                text.push_str(&format!("\n  = hint: {hint}"));
            }
            orbit_error(text)
        })?;
    let empty = |columns: &[&str]| Table {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: Vec::new(),
    };
    let tables = json!({
        "forecasts": forecast_table(&results.forecasts),
        "dependence": data_table(&orbit_report::tables::dependence_long(&results.dependence)),
        "transit": results.transit.as_ref().map_or_else(
            || empty(&orbit_pipeline::export::TRANSIT_COLUMNS),
            |t| export_table(&orbit_pipeline::export::transit_table(t)),
        ),
        "simulation": results.simulation.as_ref().map_or_else(
            || empty(&orbit_pipeline::export::SIMULATION_COLUMNS),
            |s| export_table(&orbit_pipeline::export::simulation_table(s)),
        ),
        "backtest": export_table(&orbit_pipeline::export::backtest_table(&results.backtest)),
    });
    Ok((to_json(&results)?, to_json(&tables)?))
}
