//! The scenario's multi-dimensional issues (`[[spatial_issues]]`) run through KTAB's Spatial
//! Model of Politics ([`orbit_models::ktab`]): one run with KTAB's default parameters seeded
//! with the plan's seed, and, when the plan draws Monte Carlo, as many perturbed runs as the
//! EUM's forecasts draw ([`smp_monte_carlo`], seeded per draw so the thread count changes
//! nothing). Positions are converted to KTAB's [0, 1] per dimension and back, so every number
//! here is on its dimension's own scale.

use orbit_models::ktab::monte_carlo::{SmpMonteCarlo, SmpPerturbation, smp_monte_carlo};
use orbit_models::ktab::{SmpInput, SmpRun, StopReason, run_smp};
use orbit_scenario::World;
use orbit_scenario::ktab::{KtabScenario, SmpParameters};
use orbit_scenario::spatial::{Dimension, SpatialIssue};
use serde::Serialize;

use crate::{DEFAULT_SEED, RunPlan};

/// The most Monte Carlo draws a run gives a spatial issue. The EUM's forecasts draw 1,000 by
/// default; one SMP run bargains every pair of actors on every turn for up to 100 turns, so a
/// run caps the SMP's draws here and says so in its notes (`orbit smp --runs N` draws any number).
pub const SMP_MAX_DRAWS: usize = 200;

/// One dimension of an SMP result: its scale, unit and, for a scenario issue, its sourced
/// status quo (a KTAB file has none: `None`, not 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpDimension {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub scale_min: f64,
    pub scale_max: f64,
    pub min_label: String,
    pub max_label: String,
    pub status_quo: Option<f64>,
    pub status_quo_source: Option<String>,
}

impl SmpDimension {
    fn from_scenario(d: &Dimension) -> Self {
        SmpDimension {
            id: d.id.clone(),
            name: d.name.clone(),
            unit: d.unit.clone(),
            scale_min: d.scale_min,
            scale_max: d.scale_max,
            min_label: d.min_label.clone(),
            max_label: d.max_label.clone(),
            status_quo: Some(d.status_quo),
            status_quo_source: Some(d.source.clone()),
        }
    }

    /// A dimension of a KTAB file: KTAB's 0-100 presentation scale.
    fn ktab(id: &str) -> Self {
        SmpDimension {
            id: id.to_string(),
            name: id.to_string(),
            unit: "position, KTAB 0-100 scale".to_string(),
            scale_min: 0.0,
            scale_max: 100.0,
            min_label: "0".to_string(),
            max_label: "100".to_string(),
            status_quo: None,
            status_quo_source: None,
        }
    }
}

/// One spatial issue's SMP run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpIssueResult {
    pub issue: String,
    pub name: String,
    /// When the positions were held (`YYYY-MM`).
    pub as_of: String,
    /// Actor codes, in the scenario's order of positions.
    pub actors: Vec<String>,
    /// Each dimension with its scale, unit and status quo.
    pub dimensions: Vec<SmpDimension>,
    /// KTAB's nine parameters (its defaults).
    pub parameters: SmpParameters,
    /// The seed of KTAB's PRNG for the base run.
    pub seed: u64,
    /// The number of turns T (the history has T + 1 states).
    pub turns: usize,
    pub stop: StopReason,
    /// `history[t][i][d]`: actor `i`'s position on dimension `d` after turn `t` (turn 0 is the
    /// input), on the dimension's scale.
    pub history: Vec<Vec<Vec<f64>>>,
    /// Monte Carlo over perturbed inputs, with final positions on each dimension's scale;
    /// `None` when the plan draws no Monte Carlo.
    pub monte_carlo: Option<SmpMonteCarlo>,
}

/// One row of a history as `orbit smp` and `orbit run` write it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpHistoryRow<'a> {
    pub turn: usize,
    pub actor: &'a str,
    pub dimension: &'a str,
    pub position: f64,
}

impl SmpIssueResult {
    /// The final positions, `final_positions()[i][d]`.
    pub fn final_positions(&self) -> &[Vec<f64>] {
        self.history.last().map_or(&[], Vec::as_slice)
    }

    /// The history as `turn,actor,dimension,position` rows, turn by turn, actor by actor.
    pub fn history_rows(&self) -> Vec<SmpHistoryRow<'_>> {
        let mut rows = Vec::new();
        for (t, state) in self.history.iter().enumerate() {
            for (i, actor) in self.actors.iter().enumerate() {
                for (d, dim) in self.dimensions.iter().enumerate() {
                    rows.push(SmpHistoryRow {
                        turn: t,
                        actor,
                        dimension: &dim.id,
                        position: state[i][d],
                    });
                }
            }
        }
        rows
    }
}

/// The SMP's input for `issue` ([`SmpInput::from_spatial_issue`]).
pub fn smp_input(world: &World, issue: &SpatialIssue) -> SmpInput {
    SmpInput::from_spatial_issue(world, issue)
}

/// Runs every spatial issue of `world`; an issue KTAB's model refuses is left out with a note.
pub fn run_spatial_issues(
    world: &World,
    plan: &RunPlan,
    notes: &mut Vec<String>,
) -> Vec<SmpIssueResult> {
    let seed = plan
        .forecast
        .monte_carlo
        .as_ref()
        .map_or(DEFAULT_SEED, |mc| mc.seed);
    let asked = plan.forecast.monte_carlo.as_ref().map_or(0, |mc| mc.draws);
    let draws = asked.min(SMP_MAX_DRAWS);
    if asked > draws && !world.spatial_issues.is_empty() {
        notes.push(format!(
            "spatial issues: {draws} Monte Carlo draws each, not the forecasts' {asked} (a run caps KTAB SMP draws at {SMP_MAX_DRAWS}; `orbit smp --runs N` draws more)"
        ));
    }
    let params = SmpParameters::default();
    let mut out = Vec::with_capacity(world.spatial_issues.len());
    for issue in &world.spatial_issues {
        let input = smp_input(world, issue);
        let run = match run_smp(&input, &params, seed) {
            Ok(run) => run,
            Err(e) => {
                notes.push(format!(
                    "spatial issue `{}` is left out: KTAB's SMP refused it: {e}",
                    issue.id
                ));
                continue;
            }
        };
        let monte_carlo = if draws == 0 {
            None
        } else {
            match smp_monte_carlo(&input, &params, draws, seed, &SmpPerturbation::default()) {
                Ok(mut mc) => {
                    if !mc.failed.is_empty() {
                        notes.push(format!(
                            "spatial issue `{}`: {} of {} Monte Carlo draws were refused by KTAB's SMP and are left out (listed in its results)",
                            issue.id,
                            mc.failed.len(),
                            draws
                        ));
                    }
                    for summary in &mut mc.final_positions {
                        if let Some(d) = issue.dimensions.iter().find(|d| d.id == summary.dimension)
                        {
                            // The summary is on KTAB's 0-100 presentation scale.
                            let to_scale = |v: f64| d.from_unit(v / 100.0);
                            summary.mean = to_scale(summary.mean);
                            summary.sd *= (d.scale_max - d.scale_min) / 100.0;
                            summary.p5 = to_scale(summary.p5);
                            summary.p50 = to_scale(summary.p50);
                            summary.p95 = to_scale(summary.p95);
                        }
                    }
                    Some(mc)
                }
                Err(e) => {
                    notes.push(format!(
                        "spatial issue `{}`: its Monte Carlo is left out: {e}",
                        issue.id
                    ));
                    None
                }
            }
        };
        let history = run
            .positions
            .iter()
            .map(|state| {
                state
                    .iter()
                    .map(|x| {
                        x.iter()
                            .zip(&issue.dimensions)
                            .map(|(u, d)| d.from_unit(*u))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        out.push(SmpIssueResult {
            issue: issue.id.clone(),
            name: issue.name.clone(),
            as_of: issue.as_of.to_string(),
            actors: input.actors.clone(),
            dimensions: issue
                .dimensions
                .iter()
                .map(SmpDimension::from_scenario)
                .collect(),
            parameters: params,
            seed,
            turns: run.turns(),
            stop: run.stop,
            history,
            monte_carlo,
        });
    }
    out
}

/// The result of running a KTAB file: `run` of `SmpInput::from_scenario(scenario)` with
/// `params` and `seed`, its positions on KTAB's 0-100 scale (as `orbit smp` prints them).
pub fn ktab_result(
    scenario: &KtabScenario,
    params: SmpParameters,
    seed: u64,
    run: &SmpRun,
) -> SmpIssueResult {
    SmpIssueResult {
        issue: crate_file_stem(&scenario.name),
        name: scenario.name.clone(),
        as_of: String::new(),
        actors: scenario.actors.iter().map(|a| a.name.clone()).collect(),
        dimensions: scenario
            .dimensions
            .iter()
            .map(|d| SmpDimension::ktab(d))
            .collect(),
        parameters: params,
        seed,
        turns: run.turns(),
        stop: run.stop,
        history: run
            .positions
            .iter()
            .map(|state| {
                state
                    .iter()
                    .map(|x| x.iter().map(|u| 100.0 * u).collect())
                    .collect()
            })
            .collect(),
        monte_carlo: None,
    }
}

/// An id from a KTAB scenario name: letters, digits, `-` and `_`, the rest `_`.
fn crate_file_stem(name: &str) -> String {
    let stem: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "ktab".to_string()
    } else {
        stem
    }
}
