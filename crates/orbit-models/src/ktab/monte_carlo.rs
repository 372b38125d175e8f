//! Monte Carlo over KTAB SMP runs: seeds and perturbed inputs.
//!
//! Draw `k` uses its own `ChaCha8Rng` seeded with the caller's seed and set to stream `k`, as the
//! EUM's sensitivity analysis does ([`crate::sensitivity`]); the perturbation is drawn from it
//! first, then the 64-bit seed of KTAB's PRNG for that draw's SMP run (used by Stochastic
//! transitions). The numbers therefore depend on `(seed, k)` alone, never on the thread count.

use orbit_scenario::ktab::SmpParameters;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Pert, Uniform};
use rayon::prelude::*;
use serde::Serialize;

use super::smp::{SmpError, SmpInput, run_smp};
use crate::sensitivity::{Perturbation, quantile};

/// The RNG algorithm of the draws.
pub const RNG_NAME: &str = "ChaCha8Rng (rand_chacha 0.10), seed_from_u64(seed), stream = draw index; KTAB PRNG seed = next_u64() after the perturbation";

/// How each input is perturbed, on KTAB's internal [0, 1] scale: capability relatively
/// (`c·(1+d)`, kept ≥ 0.1 % of the original so votes stay positive), positions absolutely
/// (`x + d`, clamped to [0, 1]), saliences absolutely (`s + d`, clamped to [0, 1], then scaled
/// down if an actor's total exceeds 1 and left as given if it would reach 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SmpPerturbation {
    pub capability: Perturbation,
    pub position: Perturbation,
    pub salience: Perturbation,
}

impl Default for SmpPerturbation {
    /// ±20 % capability, ±5 points of 100 for positions, ±5 points of 100 for saliences, PERT.
    fn default() -> Self {
        Self {
            capability: Perturbation::Pert { half_width: 0.2 },
            position: Perturbation::Pert { half_width: 0.05 },
            salience: Perturbation::Pert { half_width: 0.05 },
        }
    }
}

fn draw(p: &Perturbation, rng: &mut ChaCha8Rng) -> f64 {
    match *p {
        Perturbation::Normal { sd } if sd > 0.0 => {
            Normal::new(0.0, sd).map_or(0.0, |d| d.sample(rng))
        }
        Perturbation::Uniform { half_width } if half_width > 0.0 => {
            Uniform::new_inclusive(-half_width, half_width).map_or(0.0, |d| d.sample(rng))
        }
        Perturbation::Pert { half_width } if half_width > 0.0 => Pert::new(-half_width, half_width)
            .with_mode(0.0)
            .map_or(0.0, |d| d.sample(rng)),
        _ => 0.0,
    }
}

/// One perturbed copy of `input`.
pub fn perturb(input: &SmpInput, spec: &SmpPerturbation, rng: &mut ChaCha8Rng) -> SmpInput {
    let mut out = input.clone();
    for i in 0..out.actors.len() {
        let c = input.capability[i];
        out.capability[i] = (c * (1.0 + draw(&spec.capability, rng))).max(c * 1e-3);
        for x in &mut out.position[i] {
            *x = (*x + draw(&spec.position, rng)).clamp(0.0, 1.0);
        }
        let drawn: Vec<f64> = out.salience[i]
            .iter()
            .map(|s| (s + draw(&spec.salience, rng)).clamp(0.0, 1.0))
            .collect();
        let total: f64 = drawn.iter().sum();
        if total > 1.0 {
            out.salience[i] = drawn.iter().map(|s| s / total).collect();
        } else if total > 0.0 {
            out.salience[i] = drawn;
        }
    }
    out
}

/// Summary of one actor's final coordinate on one dimension over the successful draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinalPositionSummary {
    pub actor: String,
    pub dimension: String,
    /// On the input's 0–100 scale.
    pub mean: f64,
    pub sd: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// A draw KTAB's model refused, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedDraw {
    pub draw: usize,
    pub error: String,
}

/// The result of [`smp_monte_carlo`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpMonteCarlo {
    pub draws: usize,
    pub seed: u64,
    pub rng: &'static str,
    pub perturbation: SmpPerturbation,
    pub succeeded: usize,
    /// Every refused draw (none is silently dropped).
    pub failed: Vec<FailedDraw>,
    pub turns_mean: f64,
    pub turns_min: usize,
    pub turns_max: usize,
    pub final_positions: Vec<FinalPositionSummary>,
}

/// The turn count and final positions of one draw, or KTAB's refusal.
type DrawOutcome = Result<(usize, Vec<Vec<f64>>), SmpError>;

/// Runs `draws` perturbed copies of `input` through [`run_smp`] in parallel (rayon).
pub fn smp_monte_carlo(
    input: &SmpInput,
    params: &SmpParameters,
    draws: usize,
    seed: u64,
    spec: &SmpPerturbation,
) -> Result<SmpMonteCarlo, SmpError> {
    // The unperturbed input must be runnable; a refusal there is the user's to fix.
    let results: Vec<DrawOutcome> = (0..draws)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(k as u64);
            let drawn = perturb(input, spec, &mut rng);
            let ktab_seed: u64 = rng.random();
            run_smp(&drawn, params, ktab_seed).map(|run| {
                let last = run.positions.last().cloned().unwrap_or_default();
                (run.turns(), last)
            })
        })
        .collect();
    let mut failed = Vec::new();
    let mut ok = Vec::new();
    for (k, r) in results.into_iter().enumerate() {
        match r {
            Ok(v) => ok.push(v),
            Err(e) => failed.push(FailedDraw {
                draw: k,
                error: e.to_string(),
            }),
        }
    }
    let n = input.actors.len();
    let dims = input.dimensions.len();
    let mut final_positions = Vec::with_capacity(n * dims);
    for i in 0..n {
        for d in 0..dims {
            let mut values: Vec<f64> = ok.iter().map(|(_, x)| 100.0 * x[i][d]).collect();
            let count = values.len() as f64;
            let mean = values.iter().sum::<f64>() / count;
            let sd = if values.len() > 1 {
                (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1.0)).sqrt()
            } else {
                0.0
            };
            values.sort_by(f64::total_cmp);
            final_positions.push(FinalPositionSummary {
                actor: input.actors[i].clone(),
                dimension: input.dimensions[d].clone(),
                mean,
                sd,
                p5: quantile(&values, 0.05),
                p50: quantile(&values, 0.5),
                p95: quantile(&values, 0.95),
            });
        }
    }
    let turns: Vec<usize> = ok.iter().map(|(t, _)| *t).collect();
    Ok(SmpMonteCarlo {
        draws,
        seed,
        rng: RNG_NAME,
        perturbation: *spec,
        succeeded: ok.len(),
        failed,
        turns_mean: turns.iter().sum::<usize>() as f64 / turns.len().max(1) as f64,
        turns_min: turns.iter().copied().min().unwrap_or(0),
        turns_max: turns.iter().copied().max().unwrap_or(0),
        final_positions,
    })
}
