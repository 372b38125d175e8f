//! The scenario's multi-dimensional issues (`[[spatial_issues]]`) run through KTAB's Spatial
//! Model of Politics ([`orbit_models::ktab`]): one run with KTAB's default parameters seeded
//! with the plan's seed, and, when the plan draws Monte Carlo, as many perturbed runs as the
//! EUM's forecasts draw ([`smp_monte_carlo`], seeded per draw so the thread count changes
//! nothing). Positions are converted to KTAB's [0, 1] per dimension and back, so every number
//! here is on its dimension's own scale.

use orbit_models::ktab::monte_carlo::{SmpMonteCarlo, SmpPerturbation, smp_monte_carlo};
use orbit_models::ktab::{SmpInput, StopReason, run_smp};
use orbit_scenario::World;
use orbit_scenario::ktab::SmpParameters;
use orbit_scenario::spatial::{Dimension, SpatialIssue};
use serde::Serialize;

use crate::{DEFAULT_SEED, RunPlan};

/// The most Monte Carlo draws a run gives a spatial issue. The EUM's forecasts draw 1,000 by
/// default; one SMP run bargains every pair of actors on every turn for up to 100 turns, so a
/// run caps the SMP's draws here and says so in its notes (`orbit smp --runs N` draws any number).
pub const SMP_MAX_DRAWS: usize = 200;

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
    pub dimensions: Vec<Dimension>,
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

/// The SMP's input for `issue`: capabilities as given, positions mapped to [0, 1] per
/// dimension, saliences as given (already shares in [0, 1]).
pub fn smp_input(world: &World, issue: &SpatialIssue) -> SmpInput {
    SmpInput {
        actors: issue
            .positions
            .iter()
            .map(|p| world.code(p.actor).to_string())
            .collect(),
        dimensions: issue.dimensions.iter().map(|d| d.id.clone()).collect(),
        capability: issue.positions.iter().map(|p| p.capability).collect(),
        position: issue
            .positions
            .iter()
            .map(|p| {
                p.position
                    .iter()
                    .zip(&issue.dimensions)
                    .map(|(x, d)| d.to_unit(*x))
                    .collect()
            })
            .collect(),
        salience: issue.positions.iter().map(|p| p.salience.clone()).collect(),
        accommodation: None,
    }
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
            dimensions: issue.dimensions.clone(),
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
