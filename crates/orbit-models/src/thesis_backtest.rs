//! The thesis backtest: at every cutoff year the data allow, calibrate the patron–client
//! bargain on the record known then ([`crate::calibrate::calibrate_world`]), forecast 1–5
//! years ahead, and score the forecasts against what was recorded, next to two baselines.
//!
//! # Forecasts
//!
//! At cutoff `T`, with `L ≤ T` the last year with a recorded value `y_L`:
//!
//! * **persistence**: `y_L`;
//! * **drift** (random walk with a trend fitted before the cutoff): `y_L + g·(T + h − L)`,
//!   `g = (y_L − y_F)/(L − F)` the mean yearly change since the first recorded year `F`
//!   (the least-squares drift of a random walk with gaps);
//! * **model**, gas price: the bargain's target `p* = (1 − d*(x_T))·p_ref,T` with the
//!   covariates `x_T` and the reference of the cutoff year held (nothing after `T` is known),
//!   approached by partial adjustment, `p* + (1 − μ)^{T+h−L}·(p_L − p*)` (11);
//! * **model**, trade shares (Hirschman's link: the subsidy binds trade to the patron): the
//!   share adjusts toward `a + b·d*` at its own speed `ρ`,
//!   `s_t = a + b·d*_t + (1 − ρ)^k·(s_{t−k} − a − b·d*_t)`, with `a, b, ρ` fitted by the same
//!   least squares on the shares recorded up to `T` and `d*_t` from the bargain calibrated at
//!   `T`; the forecast holds `d*_T`.
//!
//! Scores per target and horizon over the cutoffs where the model, both baselines and the
//! outcome exist: mean absolute error, the skill `1 − MAE_model/MAE_persistence`, and the
//! count of cutoffs where the model's error is below, equal to or above persistence's.
//! Issue outcomes (and their Brier scores and the compromise baseline) are scored by
//! [`crate::backtest`]; this module scores the quantities the bargain predicts.

use std::collections::BTreeMap;

use orbit_scenario::{Commodity, TradeFlow, World};
use rayon::prelude::*;
use serde::Serialize;

use crate::alliance_bargain::{adjust_price, target_price};
use crate::calibrate::{
    Calibration, CalibrationSpec, MAX_GAP, PanelYear, ReferenceSeries, calibrate_world, cholesky,
    diagonal_factor, discounts, levenberg_marquardt,
};

/// Every cutoff the thesis backtest tries.
pub const THESIS_CUTOFFS: std::ops::RangeInclusive<i32> = 2000..=2021;

/// The forecast horizons, years after the cutoff.
pub const HORIZONS: [i32; 5] = [1, 2, 3, 4, 5];

/// A quantity the backtest scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The gas price the focus actor paid, USD per 1000 m3.
    GasPrice,
    /// The patron's share of the focus actor's exports.
    PatronExportsShare,
    /// The patron's share of the focus actor's imports.
    PatronImportsShare,
    /// The EU's share of the focus actor's trade.
    EuTradeShare,
}

impl Target {
    pub const ALL: [Target; 4] = [
        Target::GasPrice,
        Target::PatronExportsShare,
        Target::PatronImportsShare,
        Target::EuTradeShare,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::GasPrice => "gas price (USD/1000 m3)",
            Self::PatronExportsShare => "patron's share of exports",
            Self::PatronImportsShare => "patron's share of imports",
            Self::EuTradeShare => "EU's share of trade",
        }
    }

    fn of(self, y: &PanelYear) -> Option<f64> {
        match self {
            Self::GasPrice => y.price,
            Self::PatronExportsShare => y.patron_exports_share,
            Self::PatronImportsShare => y.patron_imports_share,
            Self::EuTradeShare => y.eu_trade_share,
        }
    }
}

/// One forecast from one cutoff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastRow {
    pub target: Target,
    pub cutoff: i32,
    pub horizon: i32,
    pub year: i32,
    pub recorded: f64,
    pub model: Option<f64>,
    pub persistence: Option<f64>,
    pub drift: Option<f64>,
    /// Diagnostic, **not a forecast**: the gas-price model given the reference price actually
    /// recorded for the target year (known only after the cutoff), the parameters and the
    /// covariates still those of the cutoff. It separates the bargain's error from the error
    /// of not knowing the European price; it is never scored as a forecast.
    pub model_given_reference: Option<f64>,
    /// The 10% and 90% quantiles of the model's fan ([`price_fan`]) for the year (gas price).
    pub fan_q10: Option<f64>,
    pub fan_q90: Option<f64>,
}

/// The scores of one target at one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonScore {
    pub target: Target,
    pub horizon: i32,
    /// Cutoffs scored (model, both baselines and the outcome all present).
    pub n: usize,
    pub mae_model: Option<f64>,
    pub mae_persistence: Option<f64>,
    pub mae_drift: Option<f64>,
    /// `1 − MAE_model/MAE_persistence`; `None` when persistence is exact or nothing scored.
    pub skill_model: Option<f64>,
    /// The MAE of the diagnostic [`ForecastRow::model_given_reference`] on the same sample
    /// (gas price only; uses the reference recorded after the cutoff, so it is no forecast).
    pub mae_model_given_reference: Option<f64>,
    /// The share of scored outcomes inside the model's 10–90% fan (0.8 if well calibrated).
    pub coverage_80: Option<f64>,
    pub skill_drift: Option<f64>,
    pub better: usize,
    pub ties: usize,
    pub worse: usize,
}

/// A cutoff's calibration, in short.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CutoffFit {
    pub cutoff: i32,
    /// `None` with the reason in `error` when the calibration could not run.
    pub calibration: Option<Calibration>,
    pub error: Option<String>,
}

/// The whole backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThesisBacktest {
    pub rows: Vec<ForecastRow>,
    /// The gas-price fan of every calibrated cutoff.
    pub fans: Vec<PriceFan>,
    pub scores: Vec<HorizonScore>,
    pub fits: Vec<CutoffFit>,
    pub notes: Vec<String>,
}

/// The last recorded value of `target` at or before `cutoff`, and the drift per year since
/// the first recorded one.
fn last_and_drift(
    panel: &[PanelYear],
    target: Target,
    cutoff: i32,
) -> Option<(i32, f64, Option<f64>)> {
    let recorded: Vec<(i32, f64)> = panel
        .iter()
        .filter(|y| y.year <= cutoff)
        .filter_map(|y| Some((y.year, target.of(y)?)))
        .collect();
    let &(l, yl) = recorded.last()?;
    let &(f, yf) = recorded.first()?;
    let drift = (l > f).then(|| (yl - yf) / f64::from(l - f));
    Some((l, yl, drift))
}

/// The fitted trade link `(a, b, ρ)` of `target` on the discounts `d`, or `None` with a reason.
fn fit_trade_link(
    panel: &[PanelYear],
    target: Target,
    d: &BTreeMap<i32, f64>,
    cutoff: i32,
) -> Result<(f64, f64, f64, bool), String> {
    let mut obs: Vec<(f64, f64, i32, f64)> = Vec::new(); // (s_t, s_prev, k, d_t)
    let mut last: Option<(i32, f64)> = None;
    for y in panel.iter().filter(|y| y.year <= cutoff) {
        let Some(s) = target.of(y) else { continue };
        if let (Some((py, ps)), Some(&dt)) = (last, d.get(&y.year))
            && y.year - py <= MAX_GAP
        {
            obs.push((s, ps, y.year - py, dt));
        }
        last = Some((y.year, s));
    }
    if obs.len() < 5 {
        return Err(format!("{} consecutive recorded pairs (need 5)", obs.len()));
    }
    // With a constant discount `b` is not identified: the link reduces to mean reversion
    // toward a level `a` (b = 0), which the caller reports.
    let first = obs[0].3;
    let varies = obs.iter().any(|o| o.3 != first);
    let (a, b, rho) = if varies {
        (0, Some(1), 2)
    } else {
        (0, None, 1)
    };
    let residuals = |x: &[f64]| -> Option<Vec<f64>> {
        let slope = b.map_or(0.0, |i| x[i]);
        Some(
            obs.iter()
                .map(|&(s, ps, k, dt)| {
                    s - adjust_price(ps, x[a] + slope * dt, x[rho], u32::try_from(k).unwrap_or(1))
                })
                .collect(),
        )
    };
    let mean = obs.iter().map(|o| o.0).sum::<f64>() / obs.len() as f64;
    let free = (f64::NEG_INFINITY, f64::INFINITY);
    let (start, bounds): (Vec<f64>, Vec<(f64, f64)>) = if varies {
        (vec![mean, 0.0, 0.5], vec![free, free, (0.0, 1.0)])
    } else {
        (vec![mean, 0.5], vec![free, (0.0, 1.0)])
    };
    let fit = levenberg_marquardt(&residuals, &start, &bounds, 200)
        .ok_or_else(|| "the least squares failed".to_string())?;
    Ok((fit.x[a], b.map_or(0.0, |i| fit.x[i]), fit.x[rho], varies))
}

/// What one cutoff of [`thesis_backtest`] adds: its forecast rows, fan and fit, and the trade
/// links it could not fit or that reduced to mean reversion (gathered into notes in cutoff order).
struct CutoffPart {
    rows: Vec<ForecastRow>,
    fan: Option<PriceFan>,
    fit: CutoffFit,
    link_failures: Vec<(Target, String)>,
    mean_reversion: Vec<Target>,
}

/// Runs the thesis backtest of `world` with the European `reference` series over `cutoffs`.
pub fn thesis_backtest(
    world: &World,
    reference: &ReferenceSeries,
    cutoffs: &[i32],
    spec: &CalibrationSpec,
    fan: &FanSettings,
) -> ThesisBacktest {
    let mut notes = vec![
        "covariates and the reference price are held at their cutoff values: nothing after the cutoff is known".to_string(),
        "issue outcomes, their Brier scores and the compromise baseline are scored by `orbit backtest --rolling`".to_string(),
    ];
    let focus = world.meta.focus;
    let patron = world.code(world.meta.patron).to_string();
    // The outcomes: the full record (only ever compared with, never fitted on).
    let full_profile = crate::dependence::profile(world, focus, world.meta.patron);
    let outcome = |target: Target, year: i32| -> Option<f64> {
        match target {
            Target::GasPrice => {
                crate::simulation::observed_price(world, Commodity::Gas, focus, year)
            }
            _ => {
                let (partner, flow) = match target {
                    Target::PatronExportsShare => (patron.as_str(), Some(TradeFlow::Exports)),
                    Target::PatronImportsShare => (patron.as_str(), Some(TradeFlow::Imports)),
                    _ => ("EU", None),
                };
                crate::calibrate::recorded_trade_share(&full_profile, partner, flow, year)
            }
        }
    };
    // Each cutoff is its own calibration on its own cut world (nothing is shared between
    // cutoffs), so they run in parallel and are gathered in the given order: the same result
    // on any thread count.
    let per_cutoff = |cutoff: i32| -> CutoffPart {
        let mut rows = Vec::new();
        let mut link_failures: Vec<(Target, String)> = Vec::new();
        let mut mean_reversion: Vec<Target> = Vec::new();
        let (calibration, error, panel) = match calibrate_world(world, reference, cutoff, spec) {
            Ok((c, p)) => (Some(c), None, p),
            Err(e) => {
                let (past, _) = crate::backtest::cutoff_world(world, cutoff);
                let (p, _) =
                    crate::calibrate::panel(&past, &reference.up_to(cutoff), spec.reference_lag);
                (None, Some(e.to_string()), p)
            }
        };
        let held_inputs = panel
            .iter()
            .rev()
            .filter(|y| y.year <= cutoff)
            .find_map(|y| y.inputs);
        let held_reference = reference
            .up_to(cutoff)
            .points
            .last()
            .map(|p| p.usd_per_1000_m3());
        let d = calibration.as_ref().map(|c| discounts(&c.params, &panel));
        let cutoff_fan = calibration.as_ref().and_then(|c| {
            price_fan(
                c,
                &panel,
                reference,
                HORIZONS[HORIZONS.len() - 1],
                fan.draws,
                fan.seed,
            )
        });
        for target in Target::ALL {
            let Some((l, yl, drift)) = last_and_drift(&panel, target, cutoff) else {
                continue;
            };
            let model_at = |h: i32| -> Option<f64> {
                let c = calibration.as_ref()?;
                let gap = u32::try_from(cutoff + h - l).ok()?;
                match target {
                    Target::GasPrice => {
                        let p_star =
                            target_price(&c.params.bargain, &held_inputs?, held_reference?).ok()?;
                        Some(adjust_price(yl, p_star, c.params.mu, gap))
                    }
                    _ => None,
                }
            };
            let link = match (target, &d) {
                (Target::GasPrice, _) | (_, None) => None,
                (_, Some(d)) => match fit_trade_link(&panel, target, d, cutoff) {
                    Ok((a, b, rho, varies)) => {
                        if !varies {
                            mean_reversion.push(target);
                        }
                        Some((a, b, rho))
                    }
                    Err(reason) => {
                        link_failures.push((target, format!("{cutoff}: {reason}")));
                        None
                    }
                },
            };
            let held_discount = d
                .as_ref()
                .and_then(|d| d.range(..=cutoff).next_back().map(|(_, &v)| v));
            for h in HORIZONS {
                let year = cutoff + h;
                let Some(recorded) = outcome(target, year) else {
                    continue;
                };
                let model = match target {
                    Target::GasPrice => model_at(h),
                    _ => link.zip(held_discount).and_then(|((a, b, rho), dt)| {
                        let gap = u32::try_from(year - l).ok()?;
                        Some(adjust_price(yl, a + b * dt, rho, gap))
                    }),
                };
                let model_given_reference = match target {
                    Target::GasPrice => calibration.as_ref().and_then(|c| {
                        let r = reference.price(year - spec.reference_lag)?;
                        let p_star = target_price(&c.params.bargain, &held_inputs?, r).ok()?;
                        let gap = u32::try_from(year - l).ok()?;
                        Some(adjust_price(yl, p_star, c.params.mu, gap))
                    }),
                    _ => None,
                };
                let band = match target {
                    Target::GasPrice => cutoff_fan.as_ref().and_then(|f| {
                        let i = f.years.iter().position(|&y| y == year)?;
                        Some((f.q10[i], f.q90[i]))
                    }),
                    _ => None,
                };
                rows.push(ForecastRow {
                    target,
                    cutoff,
                    horizon: h,
                    year,
                    recorded,
                    model,
                    model_given_reference,
                    fan_q10: band.map(|b| b.0),
                    fan_q90: band.map(|b| b.1),
                    persistence: Some(yl),
                    drift: drift.map(|g| yl + g * f64::from(year - l)),
                });
            }
        }
        CutoffPart {
            rows,
            fan: cutoff_fan,
            fit: CutoffFit {
                cutoff,
                calibration,
                error,
            },
            link_failures,
            mean_reversion,
        }
    };
    let parts: Vec<CutoffPart> = cutoffs.par_iter().map(|&c| per_cutoff(c)).collect();
    let mut rows = Vec::new();
    let mut fits = Vec::new();
    let mut fans = Vec::new();
    let mut link_failures: BTreeMap<Target, Vec<String>> = BTreeMap::new();
    let mut mean_reversion: BTreeMap<Target, Vec<i32>> = BTreeMap::new();
    for part in parts {
        let cutoff = part.fit.cutoff;
        rows.extend(part.rows);
        fans.extend(part.fan);
        fits.push(part.fit);
        for (target, failure) in part.link_failures {
            link_failures.entry(target).or_default().push(failure);
        }
        for target in part.mean_reversion {
            mean_reversion.entry(target).or_default().push(cutoff);
        }
    }
    for (target, failures) in link_failures {
        notes.push(format!(
            "{}: no trade link fitted at {}",
            target.label(),
            failures.join("; ")
        ));
    }
    for (target, at) in mean_reversion {
        notes.push(format!(
            "{}: the bargain's discount is constant before the cutoff at {}, so the link reduces to mean reversion toward the pre-cutoff level (no mechanism)",
            target.label(),
            at.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    let scores = score(&rows);
    ThesisBacktest {
        rows,
        fans,
        scores,
        fits,
        notes,
    }
}

/// The per-target, per-horizon scores of `rows`.
pub fn score(rows: &[ForecastRow]) -> Vec<HorizonScore> {
    let mut out = Vec::new();
    for target in Target::ALL {
        for h in HORIZONS {
            let scored: Vec<&ForecastRow> = rows
                .iter()
                .filter(|r| r.target == target && r.horizon == h)
                .filter(|r| r.model.is_some() && r.persistence.is_some() && r.drift.is_some())
                .collect();
            let sample: Vec<(f64, f64, f64)> = scored
                .iter()
                .filter_map(|r| {
                    Some((
                        (r.model? - r.recorded).abs(),
                        (r.persistence? - r.recorded).abs(),
                        (r.drift? - r.recorded).abs(),
                    ))
                })
                .collect();
            let given: Vec<f64> = scored
                .iter()
                .filter_map(|r| Some((r.model_given_reference? - r.recorded).abs()))
                .collect();
            let inside: Vec<bool> = scored
                .iter()
                .filter_map(|r| Some(r.fan_q10? <= r.recorded && r.recorded <= r.fan_q90?))
                .collect();
            let coverage_80 = (!inside.is_empty() && inside.len() == scored.len())
                .then(|| inside.iter().filter(|&&b| b).count() as f64 / inside.len() as f64);
            let mae_model_given_reference = (!given.is_empty() && given.len() == scored.len())
                .then(|| given.iter().sum::<f64>() / given.len() as f64);
            let n = sample.len();
            let mean = |f: fn(&(f64, f64, f64)) -> f64| {
                (n > 0).then(|| sample.iter().map(f).sum::<f64>() / n as f64)
            };
            let (m, p, dr) = (mean(|s| s.0), mean(|s| s.1), mean(|s| s.2));
            let skill = |x: Option<f64>| match (x, p) {
                (Some(x), Some(p)) if p > 0.0 => Some(1.0 - x / p),
                _ => None,
            };
            // Errors within a thousandth of a unit count as ties (rounding in the sources).
            let tol = |s: &(f64, f64, f64)| 1e-3 * s.1.max(1.0);
            out.push(HorizonScore {
                target,
                horizon: h,
                n,
                mae_model: m,
                mae_persistence: p,
                mae_drift: dr,
                skill_model: skill(m),
                mae_model_given_reference,
                coverage_80,
                skill_drift: skill(dr),
                better: sample.iter().filter(|s| s.0 < s.1 - tol(s)).count(),
                ties: sample
                    .iter()
                    .filter(|s| (s.0 - s.1).abs() <= tol(s))
                    .count(),
                worse: sample.iter().filter(|s| s.0 > s.1 + tol(s)).count(),
            });
        }
    }
    out
}

/// Monte Carlo settings of the fans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FanSettings {
    pub draws: usize,
    pub seed: u64,
}

impl Default for FanSettings {
    fn default() -> Self {
        Self {
            draws: 500,
            seed: 1,
        }
    }
}

/// The RNG of the fans, recorded in their output.
pub const FAN_RNG: &str = "ChaCha8Rng (rand_chacha 0.10), seed_from_u64(seed), stream = draw index";

/// A forecast fan of the gas price from one cutoff: quantiles over Monte Carlo paths that
/// draw the parameters from the calibration's sampling distribution and a yearly shock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceFan {
    pub cutoff: i32,
    /// The last year with a recorded price, where every path starts.
    pub start_year: i32,
    pub start_price: f64,
    /// `cutoff + 1 ..= cutoff + horizon`.
    pub years: Vec<i32>,
    pub q10: Vec<f64>,
    pub q50: Vec<f64>,
    pub q90: Vec<f64>,
    pub draws: usize,
    pub seed: u64,
    pub rng: &'static str,
    pub notes: Vec<String>,
}

/// The gas-price fan from `calibration` (made at its cutoff on `panel`, the panel known then):
/// each draw takes the free parameters from `N(θ̂, Σ)` (Σ the calibration's covariance; its
/// diagonal if it is not positive definite; draws clamped to the parameters' ranges) and
/// steps the price yearly by (11) from the last recorded price, adding a shock
/// `N(0, s²)` with `s² = RSS/(n − k)`, the covariates and the reference held at the cutoff.
/// The fan widens with the horizon through both. Deterministic in `(seed, draw)`.
pub fn price_fan(
    calibration: &Calibration,
    panel: &[PanelYear],
    reference: &ReferenceSeries,
    horizon: i32,
    draws: usize,
    seed: u64,
) -> Option<PriceFan> {
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};

    let cutoff = calibration.cutoff;
    let (l, yl, _) = last_and_drift(panel, Target::GasPrice, cutoff)?;
    let inputs = panel
        .iter()
        .rev()
        .filter(|y| y.year <= cutoff)
        .find_map(|y| y.inputs)?;
    let r = reference.up_to(cutoff).points.last()?.usd_per_1000_m3();
    if draws == 0 || horizon < 1 {
        return None;
    }
    let mut notes = Vec::new();
    let k = calibration.free.len();
    let shock_sd = calibration.residual_sd();
    let theta: Vec<f64> = calibration
        .free
        .iter()
        .map(|&p| calibration.params.get(p))
        .collect();
    let factor = calibration.covariance.as_ref().and_then(|c| cholesky(c)).or_else(|| {
        notes.push("the covariance is not positive definite: parameters drawn independently from its diagonal".into());
        calibration.covariance.as_deref().map(diagonal_factor)
    });
    if factor.is_none() {
        notes.push("no covariance: the parameters are held at their fitted values".into());
    }
    let steps = cutoff + horizon - l;
    let mut paths: Vec<Vec<f64>> = vec![Vec::with_capacity(draws); usize::try_from(horizon).ok()?];
    for draw in 0..draws {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(draw as u64);
        let z: Vec<f64> = (0..k).map(|_| StandardNormal.sample(&mut rng)).collect();
        let mut m = calibration.params;
        for (i, &p) in calibration.free.iter().enumerate() {
            let dev: f64 = factor
                .as_ref()
                .map_or(0.0, |f| (0..=i).map(|j| f[i][j] * z[j]).sum());
            let (lo, hi) = p.bounds();
            m.set(p, (theta[i] + dev).clamp(lo, hi));
        }
        let target = target_price(&m.bargain, &inputs, r).ok()?;
        let mut price = yl;
        for step in 1..=steps {
            let e: f64 = StandardNormal.sample(&mut rng);
            price = (adjust_price(price, target, m.mu, 1) + shock_sd * e).max(0.0);
            let year = l + step;
            if year > cutoff {
                paths[usize::try_from(year - cutoff - 1).ok()?].push(price);
            }
        }
    }
    let mut q = (Vec::new(), Vec::new(), Vec::new());
    for p in &mut paths {
        p.sort_by(f64::total_cmp);
        q.0.push(crate::sensitivity::quantile(p, 0.1));
        q.1.push(crate::sensitivity::quantile(p, 0.5));
        q.2.push(crate::sensitivity::quantile(p, 0.9));
    }
    Some(PriceFan {
        cutoff,
        start_year: l,
        start_price: yl,
        years: (cutoff + 1..=cutoff + horizon).collect(),
        q10: q.0,
        q50: q.1,
        q90: q.2,
        draws,
        seed,
        rng: FAN_RNG,
        notes,
    })
}
