//! Monte Carlo sensitivity of bargaining forecasts to their inputs.
//!
//! Each draw perturbs every actor's capability, position and salience, runs the models, and
//! records the forecasts. The summary gives each model's forecast distribution (mean, sd,
//! 5/50/95 percentiles, histogram) and each input's influence as Spearman's rank correlation
//! with the forecast (the standard global-sensitivity screen of Saltelli et al. 2008,
//! *Global Sensitivity Analysis: The Primer*, §1.2.3).
//!
//! Reproducibility: draw `k` uses its own `ChaCha8Rng` seeded with the caller's seed and set
//! to stream `k` (`rand_chacha`'s `set_stream`), so the numbers depend on `(seed, k)` alone,
//! never on the thread that ran the draw or the thread count.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Pert, Uniform};
use rayon::prelude::*;
use serde::Serialize;

use crate::bargaining::{BargainingError, BargainingInput, validate};
use crate::forecast::Model;

/// The RNG algorithm, recorded in every result so a run can be reproduced elsewhere.
pub const RNG_NAME: &str =
    "ChaCha8Rng (rand_chacha 0.10), seed_from_u64(seed), stream = draw index";

/// The distribution of one input's perturbation, centred on zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Perturbation {
    /// Inputs are kept as given.
    None,
    /// Gaussian with standard deviation `sd`.
    Normal { sd: f64 },
    /// Uniform on `[-half_width, half_width]`.
    Uniform { half_width: f64 },
    /// PERT (a scaled Beta with mode 0, Vose 2008) on `[-half_width, half_width]`: the
    /// analyst's "most likely as given, at most ± half_width".
    Pert { half_width: f64 },
}

impl Perturbation {
    /// Parses `none`, `normal:0.1`, `uniform:0.2` or `pert:0.2`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (kind, width) = match text.split_once(':') {
            Some((k, w)) => (k, Some(w)),
            None => (text, None),
        };
        let width = match width {
            None if kind == "none" => return Ok(Perturbation::None),
            None => return Err(format!("`{text}` needs a width, e.g. `{kind}:0.1`")),
            Some(w) => w
                .parse::<f64>()
                .ok()
                .filter(|w| w.is_finite() && *w >= 0.0)
                .ok_or_else(|| format!("the width in `{text}` is not a non-negative number"))?,
        };
        match kind {
            "normal" => Ok(Perturbation::Normal { sd: width }),
            "uniform" => Ok(Perturbation::Uniform { half_width: width }),
            "pert" => Ok(Perturbation::Pert { half_width: width }),
            _ => Err(format!(
                "unknown distribution `{kind}`: use none, normal:SD, uniform:HALF_WIDTH or pert:HALF_WIDTH"
            )),
        }
    }

    fn draw(&self, rng: &mut ChaCha8Rng) -> f64 {
        match *self {
            Perturbation::None => 0.0,
            Perturbation::Normal { sd } if sd > 0.0 => {
                Normal::new(0.0, sd).map_or(0.0, |d| d.sample(rng))
            }
            Perturbation::Uniform { half_width } if half_width > 0.0 => {
                Uniform::new_inclusive(-half_width, half_width).map_or(0.0, |d| d.sample(rng))
            }
            Perturbation::Pert { half_width } if half_width > 0.0 => {
                Pert::new(-half_width, half_width)
                    .with_mode(0.0)
                    .map_or(0.0, |d| d.sample(rng))
            }
            _ => 0.0,
        }
    }
}

/// How each input is perturbed. Capability is perturbed relatively (`c·(1+d)`), position in
/// units of the range (`x + d·range`), salience absolutely (`s + d`); results are
/// clamped to `c ≥ 0`, the issue scale, and `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PerturbationSpec {
    pub capability: Perturbation,
    pub position: Perturbation,
    pub salience: Perturbation,
}

impl Default for PerturbationSpec {
    /// ±20 % capability, ±5 % of the scale for positions, ±0.1 salience, all PERT: coding
    /// error of the size expert-survey data sets report (Thomson et al. 2006, ch. 2).
    fn default() -> Self {
        PerturbationSpec {
            capability: Perturbation::Pert { half_width: 0.2 },
            position: Perturbation::Pert { half_width: 0.05 },
            salience: Perturbation::Pert { half_width: 0.1 },
        }
    }
}

/// Draws one perturbed copy of `input`.
pub fn perturb(
    input: &BargainingInput,
    spec: &PerturbationSpec,
    rng: &mut ChaCha8Rng,
) -> BargainingInput {
    let (lo, hi) = input.scale.unwrap_or_else(|| input.position_range());
    let range = hi - lo;
    let mut out = input.clone();
    for actor in &mut out.actors {
        actor.capability = (actor.capability * (1.0 + spec.capability.draw(rng))).max(0.0);
        actor.position = (actor.position + spec.position.draw(rng) * range).clamp(lo, hi);
        actor.salience = (actor.salience + spec.salience.draw(rng)).clamp(0.0, 1.0);
    }
    out
}

/// Settings of a Monte Carlo run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonteCarloSettings {
    pub draws: usize,
    pub seed: u64,
    pub perturbation: PerturbationSpec,
    pub histogram_bins: usize,
}

impl Default for MonteCarloSettings {
    fn default() -> Self {
        MonteCarloSettings {
            draws: 1000,
            seed: 1,
            perturbation: PerturbationSpec::default(),
            histogram_bins: 20,
        }
    }
}

/// Equal-width histogram of forecasts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// `bins + 1` edges, from the lowest to the highest value seen.
    pub edges: Vec<f64>,
    pub counts: Vec<usize>,
}

/// Spearman correlation of one input with one model's forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Influence {
    pub actor: String,
    /// `capability`, `position` or `salience`.
    pub input: &'static str,
    /// `None` when the input or the forecast did not vary.
    pub spearman: Option<f64>,
}

/// One model's forecast distribution over the draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDistribution {
    pub model: Model,
    /// Draws in which the model gave a forecast (a perturbed input can become degenerate,
    /// e.g. all positions equal; such draws are counted in `failed`).
    pub draws: usize,
    pub failed: usize,
    pub mean: f64,
    pub sd: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub histogram: Histogram,
    /// Sorted by decreasing |ρ|.
    pub influence: Vec<Influence>,
}

/// The result of [`monte_carlo`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonteCarloResult {
    pub draws: usize,
    pub seed: u64,
    pub rng: &'static str,
    pub perturbation: PerturbationSpec,
    pub models: Vec<ModelDistribution>,
}

/// Runs `settings.draws` perturbed copies of `input` through `evaluate`, which returns one
/// forecast per model in `models` (or an error for a degenerate draw), in parallel.
/// `on_draw` is called once per finished draw (for a progress bar).
pub fn monte_carlo<F>(
    input: &BargainingInput,
    model_list: &[Model],
    settings: &MonteCarloSettings,
    evaluate: F,
    on_draw: &(dyn Fn() + Sync),
) -> Result<MonteCarloResult, BargainingError>
where
    F: Fn(&BargainingInput) -> Result<Vec<f64>, BargainingError> + Sync,
{
    validate(input)?;
    let draws: Vec<(Vec<f64>, Option<Vec<f64>>)> = (0..settings.draws)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
            rng.set_stream(k as u64);
            let drawn = perturb(input, &settings.perturbation, &mut rng);
            let inputs = drawn
                .actors
                .iter()
                .flat_map(|a| [a.capability, a.position, a.salience])
                .collect();
            let forecasts = evaluate(&drawn)
                .ok()
                .filter(|f| f.len() == model_list.len());
            on_draw();
            (inputs, forecasts)
        })
        .collect();
    // The ranks of each input column over all draws, shared by every model whose forecast no
    // draw lacks (ranking the 3 × actors columns per model was a fixed cost of every summary).
    let all_ranks: Vec<Vec<f64>> = (0..3 * input.actors.len())
        .into_par_iter()
        .map(|c| ranks(&draws.iter().map(|(i, _)| i[c]).collect::<Vec<_>>()))
        .collect();
    let models = model_list
        .par_iter()
        .enumerate()
        .map(|(m, &model)| summarise(model, m, input, &draws, &all_ranks, settings.histogram_bins))
        .collect();
    Ok(MonteCarloResult {
        draws: settings.draws,
        seed: settings.seed,
        rng: RNG_NAME,
        perturbation: settings.perturbation,
        models,
    })
}

fn summarise(
    name: Model,
    model: usize,
    input: &BargainingInput,
    draws: &[(Vec<f64>, Option<Vec<f64>>)],
    all_ranks: &[Vec<f64>],
    bins: usize,
) -> ModelDistribution {
    let ok: Vec<(&Vec<f64>, f64)> = draws
        .iter()
        .filter_map(|(i, f)| Some((i, f.as_ref()?[model])))
        .filter(|(_, f)| f.is_finite())
        .collect();
    let values: Vec<f64> = ok.iter().map(|(_, f)| *f).collect();
    let mut sorted = values.clone();
    sorted.sort_by(f64::total_cmp);
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = if values.len() > 1 {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    let forecast_ranks = ranks(&values);
    let mut influence: Vec<Influence> = input
        .actors
        .iter()
        .enumerate()
        .flat_map(|(a, actor)| {
            ["capability", "position", "salience"]
                .into_iter()
                .enumerate()
                .map(move |(f, field)| (a, actor, f, field))
        })
        .map(|(a, actor, f, field)| {
            let c = 3 * a + f;
            let spearman = if ok.len() == draws.len() {
                pearson(&all_ranks[c], &forecast_ranks)
            } else {
                let column: Vec<f64> = ok.iter().map(|(i, _)| i[c]).collect();
                pearson(&ranks(&column), &forecast_ranks)
            };
            Influence {
                actor: actor.name.clone(),
                input: field,
                spearman,
            }
        })
        .collect();
    influence.sort_by(|a, b| {
        let key = |i: &Influence| i.spearman.map_or(-1.0, f64::abs);
        key(b).total_cmp(&key(a))
    });
    ModelDistribution {
        model: name,
        draws: values.len(),
        failed: draws.len() - values.len(),
        mean,
        sd,
        p5: quantile(&sorted, 0.05),
        p50: quantile(&sorted, 0.50),
        p95: quantile(&sorted, 0.95),
        histogram: histogram(&sorted, bins.max(1)),
        influence,
    }
}

/// Sample quantile with linear interpolation between order statistics (Hyndman & Fan 1996,
/// definition 7, the default of R and numpy). `NaN` for an empty sample.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Ranks from 1, ties sharing their average rank (as Spearman's ρ requires).
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let average = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = average;
        }
        i = j + 1;
    }
    out
}

/// Pearson correlation; `None` when either side is constant or there are fewer than 3 points.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 3 {
        return None;
    }
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

fn histogram(sorted: &[f64], bins: usize) -> Histogram {
    let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else {
        return Histogram {
            edges: Vec::new(),
            counts: Vec::new(),
        };
    };
    let width = if hi > lo {
        (hi - lo) / bins as f64
    } else {
        1.0
    };
    let edges = (0..=bins).map(|b| lo + b as f64 * width).collect();
    let mut counts = vec![0; bins];
    for v in sorted {
        let b = (((v - lo) / width) as usize).min(bins - 1);
        counts[b] += 1;
    }
    Histogram { edges, counts }
}
