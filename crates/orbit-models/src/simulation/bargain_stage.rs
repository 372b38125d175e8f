//! The patron–client bargain as a stage of the yearly stepper
//! (`docs/models/simulation.md`, "The bargain stage"; the model is
//! [`crate::alliance_bargain`], its fit [`crate::calibrate`]).
//!
//! [`Simulator::new`](super::Simulator::new) calibrates the bargain on the world it is handed,
//! up to that world's last data year (a backtest hands it the cutoff world, so the no-leak
//! property of the calibration carries over). Each year, after the timeline's shocks and before
//! the links, the stage reads the bargain's covariates from the STATE:
//!
//! * `τ` = `transit_share.<client>` (the transit game of that year, `observe.rs`),
//! * `κ` = Σ `sanctions.<imposer>.<patron>` (Western sanctions in force on the patron),
//! * `ε` = the mean of `trade_share.exports.<client>.EU` and `trade_share.imports.<client>.EU`
//!   (those in the state; the calibration's turnover share where one is recorded is not a state
//!   slot, so the state uses the flows' mean, the calibration's own fallback),
//! * `σ` = `sanctions.EU.<client>`,
//!
//! solves (3)–(10) and sets `alignment.<client>` = `a*` (3). In the years after the last
//! recorded price, the price follows eq. (11) one year at a time,
//!
//! ```text
//! p_t = p*_t + (1 − μ)·(p_{t−1} − p*_t) + e_t,    p*_t = (1 − d*_t)·p_ref,t,    p_t ≥ 0
//! ```
//!
//! with `e_t = 0` in the central run and `e_t ~ N(0, s²)`, `s² = RSS/(n − k)` of the fit, in a
//! Monte Carlo draw. Inside the data's years the recorded prices are followed (history is
//! history): the stage only sets the alignment there.
//!
//! **The reference price after its last observation** (a declared rule): held at its last
//! recorded value in the central run; in a Monte Carlo draw a random walk in logs,
//! `ln p_ref,t = ln p_ref,t−1 + g + h·z_t`, `z_t ~ N(0, 1)`, with the drift `g` and the
//! volatility `h` the mean and standard deviation of the yearly log changes of the reference
//! series up to the data end (Samuelson 1965's geometric random walk for a commodity price; the
//! drift and volatility estimated on the known record only). A recorded year missing inside the
//! series is held at the previous recorded value (noted).
//!
//! **Calibration uncertainty**: a Monte Carlo draw takes the free parameters from
//! `N(θ̂, s²(JᵀJ)⁻¹)` truncated to their bounds (rejection: redrawn until inside, at most
//! [`MAX_REJECTIONS`] times, then clamped), the held parameters at their held values.

use std::collections::BTreeMap;

use orbit_scenario::{Commodity, TradeFlow, Variable, World};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

use crate::alliance_bargain::{BargainInputs, adjust_price, solve};
use crate::calibrate::{
    Calibration, CalibrationSpec, DEFAULT_BENCHMARK_SERIES, ModelParams, ReferenceSeries,
    calibrate_world, cholesky, diagonal_factor,
};

/// A truncated-normal parameter draw is redrawn at most this many times before it is clamped.
pub const MAX_REJECTIONS: usize = 100;

/// What the stage knows: the calibration and the reference series up to the data end, and the
/// state slots it reads and writes.
#[derive(Debug, Clone, Serialize)]
pub struct BargainStage {
    pub calibration: Calibration,
    /// The last year with a recorded price of the client: from the next year on the bargain
    /// sets the price.
    pub last_price_year: i32,
    pub reference_series: String,
    /// The reference's last recorded year and value (USD per 1000 m3).
    pub reference_last: (i32, f64),
    /// Drift `g` and volatility `h` of the reference's log random walk (per year).
    pub reference_drift: f64,
    pub reference_volatility: f64,
    /// The yearly price shock's standard deviation `s` (USD per 1000 m3).
    pub shock_sd: f64,
    /// Each free parameter's bounds (as in `calibration.free`).
    #[serde(skip)]
    bounds: Vec<(f64, f64)>,
    #[serde(skip)]
    reference: BTreeMap<i32, f64>,
    /// Lower Cholesky factor of the covariance (its diagonal's square roots if it is not
    /// positive definite); `None`: no covariance, parameters held at θ̂.
    #[serde(skip)]
    factor: Option<Vec<Vec<f64>>>,
    #[serde(skip)]
    pub(super) slots: StageSlots,
}

/// The state slots the stage reads and writes.
#[derive(Debug, Clone, Default)]
pub(super) struct StageSlots {
    pub(super) price: usize,
    pub(super) alignment: usize,
    pub(super) transit: usize,
    pub(super) patron_sanctions: Vec<usize>,
    pub(super) client_sanctions: Option<usize>,
    pub(super) west_access: Vec<usize>,
}

/// The bargain's inputs of one run: its parameters, the yearly price shocks and the reference
/// price path (both per simulated year `from ..= to`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BargainDraw {
    pub params: ModelParams,
    pub price_shocks: Vec<f64>,
    /// USD per 1000 m3.
    pub reference: Vec<f64>,
}

/// Why the stage could not be built: the missing datum, named.
pub(super) fn requirements(world: &World) -> Result<(), String> {
    let focus = world.code(world.meta.focus);
    if world.meta.focus == world.meta.patron {
        return Err("the scenario's focus is its patron: there is no client".into());
    }
    if !world.energy.iter().any(|e| {
        e.commodity == Commodity::Gas && e.importer == world.meta.focus && e.price.is_some()
    }) {
        return Err(format!(
            "no gas price of `{focus}` is recorded (`[[energy]]`)"
        ));
    }
    if world
        .benchmark_series(DEFAULT_BENCHMARK_SERIES)
        .next()
        .is_none()
    {
        return Err(format!(
            "no reference price: the `[[benchmarks]]` series `{DEFAULT_BENCHMARK_SERIES}` is not in the scenario"
        ));
    }
    Ok(())
}

impl BargainStage {
    /// Calibrates the bargain on `world` up to its last data year and finds the slots; `Err`
    /// with the reason when the scenario lacks what the bargain needs. `slot` returns the state
    /// slot of a variable, if it has one; `alignment` is the slot the stage writes.
    pub(super) fn build(
        world: &World,
        slot: &dyn Fn(&Variable) -> Option<usize>,
        alignment: usize,
        sanction_slots: &[(Variable, usize)],
        notes: &mut Vec<String>,
    ) -> Result<Self, String> {
        requirements(world)?;
        let focus = world.meta.focus;
        let patron = world.meta.patron;
        let data_end = world.meta.years.last;
        let reference = ReferenceSeries::from_world(world, DEFAULT_BENCHMARK_SERIES)
            .map_err(|e| e.to_string())?
            .up_to(data_end);
        let spec = CalibrationSpec::default();
        let (calibration, _) = calibrate_world(world, &reference, data_end, &spec)
            .map_err(|e| format!("the calibration failed: {e}"))?;
        let price = slot(&Variable::Price {
            commodity: Commodity::Gas,
            importer: focus,
        })
        .ok_or("the client's gas price has no state slot")?;
        let transit = slot(&Variable::TransitShare { actor: focus })
            .ok_or("the client's transit share has no state slot")?;
        let last_price_year = (world.meta.years.first..=data_end)
            .rev()
            .find(|&y| crate::simulation::observed_price(world, Commodity::Gas, focus, y).is_some())
            .ok_or("no gas price of the client is recorded inside the scenario's years")?;
        let recorded: BTreeMap<i32, f64> = reference
            .points
            .iter()
            .map(|p| (p.year, p.usd_per_1000_m3()))
            .collect();
        let (&last_year, &last_value) = recorded
            .iter()
            .next_back()
            .ok_or("the reference series has no year up to the data end")?;
        // Fill gaps inside the record by holding the previous value (noted).
        let mut filled = BTreeMap::new();
        let mut gaps = Vec::new();
        let mut held = None;
        for y in *recorded.keys().next().unwrap_or(&last_year)..=last_year {
            if let Some(&v) = recorded.get(&y) {
                held = Some(v);
            } else {
                gaps.push(y.to_string());
            }
            if let Some(v) = held {
                filled.insert(y, v);
            }
        }
        if !gaps.is_empty() {
            notes.push(format!(
                "bargain stage: the reference `{DEFAULT_BENCHMARK_SERIES}` is not recorded in {}: held at the previous recorded value",
                gaps.join(", ")
            ));
        }
        let logs: Vec<f64> = filled
            .values()
            .zip(filled.values().skip(1))
            .filter(|(a, b)| **a > 0.0 && **b > 0.0)
            .map(|(a, b)| (b / a).ln())
            .collect();
        let (drift, volatility) = if logs.len() >= 2 {
            let n = logs.len() as f64;
            let mean = logs.iter().sum::<f64>() / n;
            let var = logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            (mean, var.sqrt())
        } else {
            notes.push(
                "bargain stage: fewer than three reference years: the reference is held at its last value in every draw".into(),
            );
            (0.0, 0.0)
        };
        let shock_sd = calibration.residual_sd();
        let factor = calibration.covariance.as_ref().and_then(|c| {
            cholesky(c).or_else(|| {
                notes.push("bargain stage: the calibration's covariance is not positive definite: parameters drawn independently from its diagonal".into());
                Some(diagonal_factor(c))
            })
        });
        if factor.is_none() {
            notes.push("bargain stage: the calibration has no covariance: every draw holds the parameters at their fitted values".into());
        }
        let eu = world.actor_id("EU");
        let west_access: Vec<usize> = eu
            .into_iter()
            .flat_map(|eu| {
                [TradeFlow::Exports, TradeFlow::Imports].map(|flow| Variable::TradeShare {
                    flow,
                    reporter: focus,
                    partner: eu,
                })
            })
            .filter_map(|v| slot(&v))
            .collect();
        if west_access.is_empty() {
            notes.push(format!(
                "bargain stage: the EU's shares of `{}`'s trade have no state slot: the west-access terms use ε = 0 (the calibration's declared rule for a covariate never recorded)",
                world.code(focus)
            ));
        }
        let patron_sanctions = sanction_slots
            .iter()
            .filter(|(v, _)| matches!(v, Variable::Sanctions { target, .. } if *target == patron))
            .map(|&(_, s)| s)
            .collect();
        let client_sanctions = eu.and_then(|eu| {
            sanction_slots
                .iter()
                .find(|(v, _)| {
                    *v == Variable::Sanctions {
                        imposer: eu,
                        target: focus,
                    }
                })
                .map(|&(_, s)| s)
        });
        let bounds = calibration.free.iter().map(|&p| p.bounds()).collect();
        Ok(BargainStage {
            last_price_year,
            reference_series: reference.name.clone(),
            reference_last: (last_year, last_value),
            reference_drift: drift,
            reference_volatility: volatility,
            shock_sd,
            bounds,
            reference: filled,
            factor,
            slots: StageSlots {
                price,
                alignment,
                transit,
                patron_sanctions,
                client_sanctions,
                west_access,
            },
            calibration,
        })
    }

    /// The note of what the stage did, for the run's notes.
    pub fn describe(&self, client: &str) -> String {
        let c = &self.calibration;
        let years = match (c.residuals.first(), c.residuals.last()) {
            (Some(a), Some(b)) => format!("{}-{}", a.year, b.year),
            _ => "no years".into(),
        };
        let fitted: Vec<String> = c
            .parameters
            .iter()
            .filter(|p| p.free)
            .map(|p| match p.std_error {
                Some(se) => format!("{} = {:.3} ± {:.3}", p.name, p.value, se),
                None => format!("{} = {:.3} (no s.e.)", p.name, p.value),
            })
            .collect();
        let held: Vec<String> = c
            .parameters
            .iter()
            .filter(|p| !p.free)
            .map(|p| format!("{} = {}", p.name, p.value))
            .collect();
        format!(
            "bargain stage: calibrated on `price.gas.{client}` {years} ({} observations, RMSE {:.1} USD/1000 m3 against {:.1} for persistence) with the reference `{}`; fitted {}; held (not identified or not fitted) {}; the bargain sets the price from {} on (eq. 11), the reference after {} is held at {:.1} USD/1000 m3 in the central run and a log random walk (drift {:.4}, volatility {:.4} a year) in Monte Carlo draws; yearly price shock s.d. {:.1}",
            c.residuals.len(),
            c.rmse,
            c.persistence_rmse,
            self.reference_series,
            fitted.join(", "),
            held.join(", "),
            self.last_price_year + 1,
            self.reference_last.0,
            self.reference_last.1,
            self.reference_drift,
            self.reference_volatility,
            self.shock_sd,
        )
    }

    /// The central run's draw: the fitted parameters, no shock, the reference held.
    pub fn central(&self, from: i32, to: i32) -> BargainDraw {
        let years = usize::try_from(to - from + 1).unwrap_or(0);
        BargainDraw {
            params: self.calibration.params,
            price_shocks: vec![0.0; years],
            reference: (from..=to).map(|y| self.reference_at(y)).collect(),
        }
    }

    /// The reference price held after its last record (central rule).
    fn reference_at(&self, year: i32) -> f64 {
        self.reference
            .range(..=year)
            .next_back()
            .or_else(|| self.reference.iter().next())
            .map_or(self.reference_last.1, |(_, &v)| v)
    }

    /// One Monte Carlo draw from `rng`: the free parameters from the truncated `N(θ̂, Σ)`, then
    /// per simulated year a price shock and a reference step (drawn every year, used only after
    /// the data end, so the stream does not depend on the years).
    pub fn draw(&self, from: i32, to: i32, rng: &mut ChaCha8Rng) -> BargainDraw {
        let mut params = self.calibration.params;
        let free = &self.calibration.free;
        let theta: Vec<f64> = free.iter().map(|&p| params.get(p)).collect();
        if let Some(f) = &self.factor {
            let k = free.len();
            let mut x = theta.clone();
            for attempt in 0..=MAX_REJECTIONS {
                let z: Vec<f64> = (0..k).map(|_| StandardNormal.sample(rng)).collect();
                for i in 0..k {
                    x[i] = theta[i] + (0..=i).map(|j| f[i][j] * z[j]).sum::<f64>();
                }
                let inside = x
                    .iter()
                    .zip(&self.bounds)
                    .all(|(v, &(lo, hi))| v.is_finite() && *v >= lo && *v <= hi);
                if inside {
                    break;
                }
                if attempt == MAX_REJECTIONS {
                    for (v, &(lo, hi)) in x.iter_mut().zip(&self.bounds) {
                        *v = if v.is_finite() { v.clamp(lo, hi) } else { lo };
                    }
                }
            }
            for (&p, &v) in free.iter().zip(&x) {
                params.set(p, v);
            }
        }
        let mut price_shocks = Vec::new();
        let mut reference = Vec::new();
        let mut walk = self.reference_last.1;
        for year in from..=to {
            let e: f64 = StandardNormal.sample(rng);
            let z: f64 = StandardNormal.sample(rng);
            price_shocks.push(self.shock_sd * e);
            if year <= self.reference_last.0 {
                reference.push(self.reference_at(year));
            } else {
                walk *= (self.reference_drift + self.reference_volatility * z).exp();
                reference.push(walk);
            }
        }
        BargainDraw {
            params,
            price_shocks,
            reference,
        }
    }

    /// The covariates of the year from the state.
    pub(super) fn inputs(&self, year: i32, state: &[f64]) -> BargainInputs {
        let s = &self.slots;
        let west_access = if s.west_access.is_empty() {
            0.0
        } else {
            s.west_access.iter().map(|&i| state[i]).sum::<f64>() / s.west_access.len() as f64
        };
        BargainInputs {
            year,
            transit: state[s.transit].clamp(0.0, 1.0),
            patron_conflict: s
                .patron_sanctions
                .iter()
                .map(|&i| state[i])
                .sum::<f64>()
                .max(0.0),
            west_access: west_access.clamp(0.0, 1.0),
            sanctions: s.client_sanctions.map_or(0.0, |i| state[i]).max(0.0),
        }
    }

    /// The stage in year `year` (index `k` of the simulated years): sets the alignment and,
    /// after the last recorded price, the price by (11).
    pub(super) fn step(&self, year: i32, k: Option<usize>, state: &mut [f64], draw: &BargainDraw) {
        let inputs = self.inputs(year, state);
        let last = state[self.slots.price];
        let (reference, shock) = match k {
            Some(k) => (draw.reference[k], draw.price_shocks[k]),
            None => (self.reference_at(year), 0.0),
        };
        // Parameters are checked by `run_with` and the covariates clamped above, so the bargain
        // cannot fail; a failure would keep the state as it is.
        let Ok((alignment, price)) = price_step(&draw.params, &inputs, last, reference, shock)
        else {
            return;
        };
        state[self.slots.alignment] = alignment;
        if k.is_some() && year > self.last_price_year {
            state[self.slots.price] = price;
        }
    }
}

/// One year of the stage's rule: the bargain of the year's covariates (3)–(10) gives the
/// alignment `a*` and the target `p* = (1 − d*)·p_ref` (7); the price moves from `last_price`
/// by partial adjustment (11) plus `shock`, floored at 0 (a non-finite result keeps the last
/// price). Returns `(a*, p_t)`.
pub fn price_step(
    params: &ModelParams,
    inputs: &BargainInputs,
    last_price: f64,
    reference: f64,
    shock: f64,
) -> Result<(f64, f64), crate::alliance_bargain::BargainError> {
    let solution = solve(&params.bargain, inputs)?;
    let target = solution.price_ratio() * reference;
    let next = adjust_price(last_price, target, params.mu, 1) + shock;
    let price = if next.is_finite() {
        next.max(0.0)
    } else {
        last_price
    };
    Ok((solution.alignment, price))
}
