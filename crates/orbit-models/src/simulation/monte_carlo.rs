//! The seeded, parallel Monte Carlo over a [`Simulator`]: draws per run and yearly fans.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Uniform};
use rayon::prelude::*;
use serde::Serialize;

use super::{BargainDraw, SimulationError, Simulator, Trajectory};
use crate::bargaining::BargainingInput;
use crate::sensitivity::{PerturbationSpec, perturb, quantile};
use crate::series::SeriesId;

/// Settings of a simulation Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SimulationSettings {
    pub runs: usize,
    pub seed: u64,
    /// Draw each link's parameter uniformly in its `range` (else keep it as stated).
    pub vary_links: bool,
    /// How the issues' starting capabilities, positions and saliences are perturbed.
    pub perturbation: PerturbationSpec,
}

impl Default for SimulationSettings {
    fn default() -> Self {
        SimulationSettings {
            runs: 1000,
            seed: 1,
            vary_links: true,
            perturbation: PerturbationSpec::default(),
        }
    }
}

/// The 5th, 50th and 95th percentiles of one series, per year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fan {
    /// What the series is (match on this, not on `name`).
    #[serde(skip)]
    pub id: SeriesId,
    /// `id`'s canonical name ([`SeriesId::name`]): an indicator's variable name, or
    /// `eum.<issue>` / `compromise.<issue>`.
    pub name: String,
    pub p5: Vec<f64>,
    pub p50: Vec<f64>,
    pub p95: Vec<f64>,
}

/// The result of [`monte_carlo`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationResult {
    pub years: Vec<i32>,
    pub runs: usize,
    pub seed: u64,
    pub rng: &'static str,
    /// The run with the stated parameters and inputs.
    pub central: Trajectory,
    pub indicator_names: Vec<String>,
    pub issue_ids: Vec<String>,
    /// Indicators first, then `eum.<issue>`, then `compromise.<issue>`.
    pub fans: Vec<Fan>,
    /// Per run, per year, per issue: the EUM forecast (for scoring event probabilities).
    #[serde(skip)]
    pub eum_runs: Vec<Vec<Vec<f64>>>,
    pub notes: Vec<String>,
}

impl SimulationResult {
    /// The central run's value of fan `series` (an index into [`SimulationResult::fans`]:
    /// indicators, then EUM forecasts, then compromise forecasts) in year index `y`; `None`
    /// for an index that is not a series or a year of the result.
    pub fn central_value(&self, series: usize, y: usize) -> Option<f64> {
        let n_ind = self.indicator_names.len();
        let n_iss = self.issue_ids.len();
        if series < n_ind {
            self.central.indicators.get(y)?.get(series).copied()
        } else if series < n_ind + n_iss {
            self.central.eum.get(y)?.get(series - n_ind).copied()
        } else {
            self.central
                .compromise
                .get(y)?
                .get(series - n_ind - n_iss)
                .copied()
        }
    }
}

/// The draws of run `run`: link parameters and issue inputs, from `ChaCha8Rng` seeded with
/// `seed` on stream `run` (links first, every declared link in order, kept or not, then
/// issues in order); the parameters returned are the kept links', as in `Simulator::link_ids`.
pub fn draw_run(
    sim: &Simulator,
    settings: &SimulationSettings,
    run: u64,
) -> (Vec<f64>, Vec<BargainingInput>) {
    let (parameters, issues, _) = draw_run_with_bargain(sim, settings, run);
    (parameters, issues)
}

/// [`draw_run`] and, on the same stream after the issues, the bargain stage's draw (if the
/// simulator has the stage): its parameters from the calibration's truncated `N(θ̂, Σ)`, then
/// per year a price shock and a reference step ([`BargainStage::draw`](super::BargainStage::draw)).
pub fn draw_run_with_bargain(
    sim: &Simulator,
    settings: &SimulationSettings,
    run: u64,
) -> (Vec<f64>, Vec<BargainingInput>, Option<BargainDraw>) {
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    rng.set_stream(run);
    // One draw per declared link, kept or not, so that the stream does not depend on which
    // links had the data to run.
    let declared: Vec<f64> = sim
        .declared_links
        .iter()
        .map(|&(p, (lo, hi))| {
            if settings.vary_links && lo < hi {
                Uniform::new_inclusive(lo, hi).map_or(p, |d| d.sample(&mut rng))
            } else {
                p
            }
        })
        .collect();
    let parameters = sim.kept_links.iter().map(|&i| declared[i]).collect();
    let issues = sim
        .issue_inputs
        .iter()
        .map(|input| perturb(input, &settings.perturbation, &mut rng))
        .collect();
    let bargain = sim
        .bargain
        .as_ref()
        .map(|stage| stage.draw(sim.from, sim.to, &mut rng));
    (parameters, issues, bargain)
}

/// Runs `settings.runs` trajectories in parallel and summarises them as yearly fans; `on_run`
/// is called after each run (for a progress bar). Run `k` depends on `(seed, k)` only.
pub fn monte_carlo(
    sim: &Simulator,
    settings: &SimulationSettings,
    on_run: &(dyn Fn() + Sync),
) -> Result<SimulationResult, SimulationError> {
    let central = sim.run_central()?;
    let runs: Vec<Trajectory> = (0..settings.runs as u64)
        .into_par_iter()
        .map(|k| {
            let (parameters, issues, bargain) = draw_run_with_bargain(sim, settings, k);
            let t = sim.run_with(&parameters, &issues, bargain.as_ref());
            on_run();
            t
        })
        .collect::<Result<_, _>>()?;
    let years = central.years.clone();
    let mut fans = Vec::new();
    let fan = |id: SeriesId, name: String, get: &dyn Fn(&Trajectory, usize) -> f64| {
        let mut p5 = Vec::new();
        let mut p50 = Vec::new();
        let mut p95 = Vec::new();
        for y in 0..years.len() {
            let mut values: Vec<f64> = runs.iter().map(|t| get(t, y)).collect();
            values.sort_by(f64::total_cmp);
            p5.push(quantile(&values, 0.05));
            p50.push(quantile(&values, 0.50));
            p95.push(quantile(&values, 0.95));
        }
        Fan {
            id,
            name,
            p5,
            p50,
            p95,
        }
    };
    for series in crate::series::simulated(sim) {
        let column = series.column;
        fans.push(fan(series.id, series.name, &|t, y| column.value(t, y)));
    }
    let eum_runs = runs.into_iter().map(|t| t.eum).collect();
    Ok(SimulationResult {
        years,
        runs: settings.runs,
        seed: settings.seed,
        rng: crate::sensitivity::RNG_NAME,
        central,
        indicator_names: sim.indicator_names.clone(),
        issue_ids: sim.issue_ids.clone(),
        fans,
        eum_runs,
        notes: sim.notes.clone(),
    })
}
