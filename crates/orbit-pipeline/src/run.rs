//! [`run`]: everything `orbit run`, the dashboard and the report compute, in one function.

use orbit_models::backtest::{Backtest, backtest};
use orbit_models::bargaining::BargainingError;
use orbit_models::dependence::{DependenceProfile, FigureCheck, figure_checks, profile};
use orbit_models::forecast::{IssueForecast, forecast_issue, input_from_issue};
use orbit_models::simulation::{SimulationError, SimulationResult, Simulator, monte_carlo};
use orbit_models::transit::{TransitOptions, TransitReport, epoch, epochs};
use orbit_scenario::{Hint, World};
use serde::Serialize;

use crate::RunPlan;
use crate::disputes::DisputeSection;

/// Progress of a run: stages of known length, ticked from any thread.
pub trait Progress: Sync {
    /// A stage starts with `total` steps (Monte Carlo draws or runs).
    fn stage(&self, _name: &str, _total: u64) {}
    /// One step of the current stage is done.
    fn tick(&self) {}
    /// The run is over.
    fn finish(&self) {}
}

/// No progress reporting.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// Everything a run computed, with its plan.
#[derive(Debug, Clone, Serialize)]
pub struct RunResults {
    pub plan: RunPlan,
    /// Every issue's forecasts, in scenario order.
    pub forecasts: Vec<IssueForecast>,
    /// The focus actor's dependence on its patron, per year.
    pub dependence: DependenceProfile,
    /// The narrative's figures set against the dependence profile.
    pub figure_checks: Vec<FigureCheck>,
    /// The gas pipelines as a network game per epoch, when some epoch has a gas network.
    pub transit: Option<TransitReport>,
    /// The yearly simulation with Monte Carlo fans, when planned.
    pub simulation: Option<SimulationResult>,
    /// Rolling backtests, one per cutoff of the plan.
    pub backtest: Vec<Backtest>,
    /// The scenario's multi-dimensional issues bargained with KTAB's SMP (`crate::smp`).
    pub smp: Vec<crate::smp::SmpIssueResult>,
    /// The gas disputes as escalation games (`crate::disputes`), when the scenario has them.
    pub disputes: Option<DisputeSection>,
    /// The thesis backtest with the issue outcomes per horizon (`crate::thesis`), when planned.
    pub thesis: Option<crate::thesis::ThesisSection>,
    /// What was left out and why (the plan's notes first).
    pub notes: Vec<String>,
}

/// Why a run failed; each variant names the step.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PipelineError {
    #[error("issue `{issue}`: {error}")]
    Forecast {
        issue: String,
        error: BargainingError,
    },
    #[error("simulation {from}-{to}: {error}")]
    Simulation {
        from: i32,
        to: i32,
        error: SimulationError,
    },
    #[error("backtest at cutoff {cutoff}: {error}")]
    Backtest { cutoff: i32, error: SimulationError },
}

impl Hint for PipelineError {
    fn hints(&self) -> Vec<String> {
        match self {
            PipelineError::Forecast { issue, .. } => vec![format!(
                "check the positions of issue `{issue}` with `orbit validate`"
            )],
            PipelineError::Simulation { .. } | PipelineError::Backtest { .. } => {
                vec!["`--no-simulation` runs everything else".to_string()]
            }
        }
    }
}

/// Runs `plan` on `world`: the forecasts of every issue, the dependence profile and the
/// narrative's figure checks, the transit game per epoch, the simulation and the rolling
/// backtest. Deterministic: the same plan gives the same numbers on any thread count.
pub fn run(
    world: &World,
    plan: &RunPlan,
    progress: &dyn Progress,
) -> Result<RunResults, PipelineError> {
    let mut notes = plan.notes.clone();
    // Forecasts and the simulation are of the present: the latest coding of each question
    // (earlier dated snapshots serve the backtest, which picks the one known at each cutoff).
    let (latest, superseded) = orbit_models::backtest::latest_codings(world);
    notes.extend(superseded);
    let draws = plan.forecast.monte_carlo.map_or(0, |mc| mc.draws) as u64;
    let mut forecasts = Vec::with_capacity(latest.issues.len());
    for issue in &latest.issues {
        progress.stage(&issue.id, draws);
        let input = input_from_issue(&latest, issue);
        let forecast = forecast_issue(
            &issue.id,
            Some(&issue.name),
            &input,
            &plan.forecast,
            &|| progress.tick(),
        )
        .map_err(|error| PipelineError::Forecast {
            issue: issue.id.clone(),
            error,
        })?;
        forecasts.push(forecast);
    }
    let dependence = profile(world, world.meta.focus, world.meta.patron);
    let figure_checks = figure_checks(world, &dependence);
    let transit = transit(world, &plan.transit_epochs, &mut notes);
    let mut simulation = None;
    let mut backtests = Vec::new();
    if let Some(sim_plan) = &plan.simulation {
        let error = |error| PipelineError::Simulation {
            from: sim_plan.from,
            to: sim_plan.to,
            error,
        };
        let sim = Simulator::new(&latest, sim_plan.from, sim_plan.to).map_err(error)?;
        progress.stage("simulating", sim_plan.settings.runs as u64);
        simulation =
            Some(monte_carlo(&sim, &sim_plan.settings, &|| progress.tick()).map_err(error)?);
        for &cutoff in &plan.backtest_cutoffs {
            progress.stage(&format!("backtest {cutoff}"), 0);
            backtests.push(
                backtest(world, cutoff, &sim_plan.settings)
                    .map_err(|error| PipelineError::Backtest { cutoff, error })?,
            );
        }
    }
    let thesis = plan.thesis.as_ref().and_then(|t| {
        progress.stage("thesis backtest", 0);
        crate::thesis::section(world, t, &backtests, &mut notes)
    });
    progress.stage("spatial issues (SMP)", 0);
    let smp = crate::smp::run_spatial_issues(world, plan, &mut notes);
    let disputes = crate::disputes::section(world, &crate::disputes::settings(plan), &mut notes);
    progress.finish();
    Ok(RunResults {
        plan: plan.clone(),
        forecasts,
        dependence,
        figure_checks,
        transit,
        simulation,
        backtest: backtests,
        smp,
        disputes,
        thesis,
        notes,
    })
}

/// The transit game at each epoch that has a gas network; the others are noted.
fn transit(world: &World, years: &[i32], notes: &mut Vec<String>) -> Option<TransitReport> {
    let options = TransitOptions::default();
    let mut kept = Vec::new();
    for &year in years {
        match epoch(world, year, &options) {
            Ok(_) => kept.push(year),
            Err(e) => notes.push(format!("transit epoch {year} is left out: {e}")),
        }
    }
    if kept.is_empty() {
        return None;
    }
    match epochs(world, &kept, &options) {
        Ok(report) => Some(report),
        Err(e) => {
            notes.push(format!("the transit game is left out: {e}"));
            None
        }
    }
}
