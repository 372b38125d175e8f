//! [`run`]: everything `orbit run`, the dashboard and the report compute, in one function.

use orbit_models::backtest::{Backtest, backtest_with_progress};
use orbit_models::bargaining::BargainingError;
use orbit_models::dependence::{DependenceProfile, FigureCheck, figure_checks, profile};
use orbit_models::forecast::{IssueForecast, forecast_issue, input_from_issue};
use orbit_models::simulation::{SimulationError, SimulationResult, Simulator, monte_carlo};
use orbit_models::transit::{TransitOptions, TransitReport, epoch, epochs};
use orbit_scenario::{Hint, World};
use rayon::prelude::*;
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
///
/// The stages are independent of one another (each reads only `world` and `plan`; the thesis
/// section joins the rolling backtests' issue scores at the end), so they run concurrently on
/// rayon's pool: the serial parts of one (a calibration, the transit LPs, the disputes) overlap
/// the Monte Carlo of another. Each stage keeps its own notes, appended in the order the stages
/// are listed; an error is the first in that order, as when they ran one after another.
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
    // One progress stage for everything that ticks: the forecasts' draws and the runs of the
    // simulation and of each backtest, which now overlap.
    let draws = plan.forecast.monte_carlo.map_or(0, |mc| mc.draws) as u64;
    let sim_runs = plan.simulation.as_ref().map_or(0, |s| {
        s.settings.runs as u64 * (1 + plan.backtest_cutoffs.len() as u64)
    });
    progress.stage(
        "forecasts, simulation and backtests",
        draws * latest.issues.len() as u64 + sim_runs,
    );
    let tick = || progress.tick();
    let (((forecasts, simulated), (transit, mut thesis)), (smp, disputes)) = rayon::join(
        || {
            rayon::join(
                || {
                    rayon::join(
                        || forecast_all(&latest, plan, &tick),
                        || simulate_and_backtest(world, &latest, plan, &tick),
                    )
                },
                || {
                    rayon::join(
                        || {
                            let mut notes = Vec::new();
                            (transit(world, &plan.transit_epochs, &mut notes), notes)
                        },
                        || {
                            let mut notes = Vec::new();
                            let section = plan.thesis.as_ref().and_then(|t| {
                                crate::thesis::section_without_issues(world, t, &mut notes)
                            });
                            (section, notes)
                        },
                    )
                },
            )
        },
        || {
            rayon::join(
                || {
                    let mut notes = Vec::new();
                    (
                        crate::smp::run_spatial_issues(world, plan, &mut notes),
                        notes,
                    )
                },
                || {
                    let mut notes = Vec::new();
                    let settings = crate::disputes::settings(plan);
                    (
                        crate::disputes::section(world, &settings, &mut notes),
                        notes,
                    )
                },
            )
        },
    );
    let forecasts = forecasts?;
    let (simulation, backtests) = simulated?;
    let dependence = profile(world, world.meta.focus, world.meta.patron);
    let figure_checks = figure_checks(world, &dependence);
    let (transit, transit_notes) = transit;
    notes.extend(transit_notes);
    if let Some(section) = thesis.0.as_mut() {
        crate::thesis::add_issue_scores(section, &backtests);
    }
    notes.extend(thesis.1);
    let (smp, smp_notes) = smp;
    notes.extend(smp_notes);
    let (disputes, dispute_notes) = disputes;
    notes.extend(dispute_notes);
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
        thesis: thesis.0,
        notes,
    })
}

/// Every issue's forecasts on the latest codings, in scenario order.
fn forecast_all(
    latest: &World,
    plan: &RunPlan,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<IssueForecast>, PipelineError> {
    let mut forecasts = Vec::with_capacity(latest.issues.len());
    for issue in &latest.issues {
        let input = input_from_issue(latest, issue);
        let forecast = forecast_issue(&issue.id, Some(&issue.name), &input, &plan.forecast, tick)
            .map_err(|error| PipelineError::Forecast {
            issue: issue.id.clone(),
            error,
        })?;
        forecasts.push(forecast);
    }
    Ok(forecasts)
}

/// The simulation of the present (on the latest codings) and the rolling backtests (each on
/// its cutoff world), concurrently; the backtests in the plan's cutoff order.
fn simulate_and_backtest(
    world: &World,
    latest: &World,
    plan: &RunPlan,
    tick: &(dyn Fn() + Sync),
) -> Result<(Option<SimulationResult>, Vec<Backtest>), PipelineError> {
    let Some(sim_plan) = &plan.simulation else {
        return Ok((None, Vec::new()));
    };
    let error = |error| PipelineError::Simulation {
        from: sim_plan.from,
        to: sim_plan.to,
        error,
    };
    let (simulation, backtests) = rayon::join(
        || {
            let sim = Simulator::new(latest, sim_plan.from, sim_plan.to).map_err(error)?;
            monte_carlo(&sim, &sim_plan.settings, tick).map_err(error)
        },
        || {
            plan.backtest_cutoffs
                .par_iter()
                .map(|&cutoff| {
                    backtest_with_progress(world, cutoff, &sim_plan.settings, tick)
                        .map_err(|error| PipelineError::Backtest { cutoff, error })
                })
                .collect::<Vec<_>>()
        },
    );
    let simulation = simulation?;
    let backtests = backtests.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok((Some(simulation), backtests))
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
