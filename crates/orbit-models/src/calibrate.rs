//! Calibration of the patron–client bargain ([`crate::alliance_bargain`]) on the record known
//! at a cutoff year: nonlinear least squares by Levenberg–Marquardt (Levenberg 1944;
//! Marquardt 1963, *J. SIAM* 11(2)), standard errors from the Gauss–Newton covariance
//! `s²·(JᵀJ)⁻¹` at the optimum, residuals per year.
//!
//! # What is fitted
//!
//! The recorded price the client paid, `p_t` (USD per 1000 m3, the scenario's gas
//! `[[energy]]` records), follows the bargain's target `p*_t = (1 − d*_t)·p_ref,t` with
//! contract stickiness (partial adjustment, [`crate::alliance_bargain::adjust_price`]):
//!
//! ```text
//! (11)  p_t = p*_t + (1 − μ)^k·(p_{t−k} − p*_t) + e_t,   k = years since the last recorded price
//! ```
//!
//! Multi-year contracts (2007–2011, 2012 onward) are why Belarus's price moved less than the
//! European one; `μ = 0` is the persistence baseline, so the fit can tell whether the bargain
//! adds anything to it. The residuals `e_t` are minimised in squares over every year `t` up to
//! the cutoff that has a price, a reference, the covariates and a recorded price at most
//! [`MAX_GAP`] years before.
//!
//! # The reference price and its unit
//!
//! `p_ref,t` is a yearly European series in USD/mmbtu ([`ReferenceSeries`]), converted with
//! [`MMBTU_PER_1000_M3`] = 34.12 mmbtu per 1000 m3: the Energy Institute's *Statistical
//! Review* "approximate conversion factors" (1 bcm of natural gas = 34.12 trillion Btu
//! = 36 PJ, net calorific basis). A gross-basis factor (about 36.9) would raise every
//! reference by 8%; no stored source gives it, so it is not used. The default series is the
//! EI "Average German import price cif (BAFA)", the long-term-contract border price at which
//! Gazprom sold to its largest European buyer, which is what the 2006 contract's "European
//! price" meant, with one definition over 1995–2022 (the World Bank's series switches to TTF
//! in 2015).
//!
//! # No hindsight
//!
//! [`calibrate_world`] cuts the world at the cutoff ([`crate::backtest::cutoff_world`]) and
//! the reference series at the same year before it builds anything, so no datum dated after
//! the cutoff can reach the fit (tested by mutating every later datum). Covariates missing in
//! a year are interpolated linearly between the nearest records known at the cutoff and held
//! constant beyond them; every such fill is listed in the notes.

use std::collections::BTreeMap;

use orbit_scenario::{Commodity, TradeFlow, World};
use serde::Serialize;
use thiserror::Error;

use crate::alliance_bargain::{
    BargainError, BargainInputs, BargainParams, adjust_price, solve, target_price,
};

/// mmbtu per 1000 m3 of natural gas (Energy Institute, net calorific basis).
pub const MMBTU_PER_1000_M3: f64 = 34.12;

/// The default reference series: the EI average German import price.
pub const DEFAULT_REFERENCE_SERIES: &str = "EI Average German import price cif (BAFA)";

/// A recorded price counts as the previous one of a year only up to this many years back.
pub const MAX_GAP: i32 = 3;

/// Errors of the calibration.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum CalibrationError {
    /// A line of the reference CSV cannot be read.
    #[error("reference series, line {line}: {message}")]
    BadReferenceLine { line: usize, message: String },
    /// No row of the reference CSV belongs to the asked series.
    #[error("reference series: no row of series `{0}`")]
    NoReferenceSeries(String),
    /// Fewer usable observations than the fit needs.
    #[error(
        "calibration up to {cutoff}: {observations} usable observations for {parameters} free parameters (need at least {needed})"
    )]
    TooFewObservations {
        cutoff: i32,
        observations: usize,
        parameters: usize,
        needed: usize,
    },
    /// The model is undefined at the start values.
    #[error("calibration up to {0}: the model is undefined at the start values")]
    Undefined(i32),
    /// The bargain rejected a parameter or an input.
    #[error(transparent)]
    Bargain(#[from] BargainError),
}

/// One year of the European reference price.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferencePoint {
    pub year: i32,
    /// USD/mmbtu, as published.
    pub usd_per_mmbtu: f64,
    pub source: String,
}

impl ReferencePoint {
    /// USD per 1000 m3 ([`MMBTU_PER_1000_M3`]).
    pub fn usd_per_1000_m3(&self) -> f64 {
        self.usd_per_mmbtu * MMBTU_PER_1000_M3
    }
}

/// A yearly European reference gas price series.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ReferenceSeries {
    pub name: String,
    pub points: Vec<ReferencePoint>,
}

impl ReferenceSeries {
    /// USD per 1000 m3 in `year`, if recorded.
    pub fn price(&self, year: i32) -> Option<f64> {
        self.points
            .iter()
            .find(|p| p.year == year)
            .map(ReferencePoint::usd_per_1000_m3)
    }

    /// The series as known at the end of `cutoff`.
    pub fn up_to(&self, cutoff: i32) -> Self {
        Self {
            name: self.name.clone(),
            points: self
                .points
                .iter()
                .filter(|p| p.year <= cutoff)
                .cloned()
                .collect(),
        }
    }
}

/// The default benchmark series of the scenario used as the reference (`[[benchmarks]]`).
pub const DEFAULT_BENCHMARK_SERIES: &str = "ei_german_import_cif";

impl ReferenceSeries {
    /// The scenario's `[[benchmarks]]` series `series` as a reference, if it is there in
    /// USD/mmbtu (another unit is an error: the conversion factor is for USD/mmbtu only).
    pub fn from_world(world: &World, series: &str) -> Result<Self, CalibrationError> {
        let mut points = Vec::new();
        let mut name = None;
        for b in world.benchmark_series(series) {
            if b.unit != "USD/mmbtu" {
                return Err(CalibrationError::BadReferenceLine {
                    line: 0,
                    message: format!(
                        "benchmark `{series}` {} is in `{}`, expected `USD/mmbtu`",
                        b.year, b.unit
                    ),
                });
            }
            name.get_or_insert_with(|| b.name.clone());
            points.push(ReferencePoint {
                year: b.year,
                usd_per_mmbtu: b.value,
                source: b.source.clone(),
            });
        }
        let name = name.ok_or_else(|| CalibrationError::NoReferenceSeries(series.to_string()))?;
        points.sort_by_key(|p| p.year);
        Ok(Self { name, points })
    }
}

/// Splits one CSV line into fields, with `"..."` quoting (`""` inside quotes is a quote).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Reads the rows of `series` (matched as a prefix of the `series` column) from a CSV with the
/// columns `year,series,value,unit,source` (the layout of `european_gas_price_yearly.csv`).
/// Values must be finite, positive and in USD/mmbtu; a year given twice is an error.
pub fn parse_reference_csv(text: &str, series: &str) -> Result<ReferenceSeries, CalibrationError> {
    let bad = |line: usize, message: String| CalibrationError::BadReferenceLine { line, message };
    let mut lines = text.lines().enumerate();
    let header = lines
        .next()
        .map(|(_, l)| csv_fields(l.trim_end_matches('\r')))
        .ok_or_else(|| bad(1, "the file is empty".into()))?;
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| bad(1, format!("no `{name}` column")))
    };
    let (cy, cs, cv, cu) = (
        column("year")?,
        column("series")?,
        column("value")?,
        column("unit")?,
    );
    let csrc = header.iter().position(|h| h.trim() == "source");
    let mut points: Vec<ReferencePoint> = Vec::new();
    let mut name = None;
    for (i, line) in lines {
        let n = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let f = csv_fields(line);
        let get = |c: usize| {
            f.get(c).map(|s| s.trim()).ok_or_else(|| {
                bad(
                    n,
                    format!("{} fields, expected at least {}", f.len(), c + 1),
                )
            })
        };
        let this_series = get(cs)?;
        if !this_series.starts_with(series) {
            continue;
        }
        let year: i32 = get(cy)?.parse().map_err(|_| {
            bad(
                n,
                format!("year `{}` is not an integer", get(cy).unwrap_or("")),
            )
        })?;
        let value: f64 = get(cv)?.parse().map_err(|_| {
            bad(
                n,
                format!("value `{}` is not a number", get(cv).unwrap_or("")),
            )
        })?;
        if !(value.is_finite() && value > 0.0) {
            return Err(bad(n, format!("value {value} must be finite and positive")));
        }
        let unit = get(cu)?;
        if unit != "USD/mmbtu" {
            return Err(bad(n, format!("unit `{unit}`, expected `USD/mmbtu`")));
        }
        if points.iter().any(|p| p.year == year) {
            return Err(bad(n, format!("year {year} is given twice")));
        }
        name.get_or_insert_with(|| this_series.to_string());
        points.push(ReferencePoint {
            year,
            usd_per_mmbtu: value,
            source: csrc
                .and_then(|c| f.get(c))
                .map_or_else(|| this_series.to_string(), |s| s.trim().to_string()),
        });
    }
    let name = name.ok_or_else(|| CalibrationError::NoReferenceSeries(series.to_string()))?;
    points.sort_by_key(|p| p.year);
    Ok(ReferenceSeries { name, points })
}

/// One year of the panel the bargain is fitted on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelYear {
    pub year: i32,
    /// The recorded price the client paid (USD per 1000 m3).
    pub price: Option<f64>,
    /// The reference price (USD per 1000 m3).
    pub reference: Option<f64>,
    /// The covariates, `None` if one could not be formed.
    pub inputs: Option<BargainInputs>,
    /// The patron's share of the client's exports, imports, and the EU's share of its trade.
    pub patron_exports_share: Option<f64>,
    pub patron_imports_share: Option<f64>,
    pub eu_trade_share: Option<f64>,
}

/// The share of `partner` in the focus actor's trade in `year`, from the dependence profile
/// ([`crate::dependence::profile`]: a share a source states, else one derived from recorded
/// values and totals, with its provenance): the turnover share where there is one, else the
/// mean of the export and import shares, else the one known. With `flow` given, only that
/// flow's share.
pub fn recorded_trade_share(
    profile: &crate::dependence::DependenceProfile,
    partner: &str,
    flow: Option<TradeFlow>,
    year: i32,
) -> Option<f64> {
    let y = profile.years.iter().find(|y| y.year == year)?;
    let share = |f: TradeFlow| y.share(f, partner).map(|s| s.share);
    match flow {
        Some(f) => share(f),
        None => share(TradeFlow::Turnover).or_else(|| {
            match (share(TradeFlow::Exports), share(TradeFlow::Imports)) {
                (Some(x), Some(m)) => Some(0.5 * (x + m)),
                (x, m) => x.or(m),
            }
        }),
    }
}

/// Fills the years of `years` missing from `known` by linear interpolation between the nearest
/// known years, constant beyond them; records each fill in `notes`.
fn fill(
    name: &str,
    known: &BTreeMap<i32, f64>,
    years: &[i32],
    notes: &mut Vec<String>,
) -> BTreeMap<i32, f64> {
    let mut out = BTreeMap::new();
    let mut filled = Vec::new();
    for &y in years {
        if let Some(&v) = known.get(&y) {
            out.insert(y, v);
            continue;
        }
        let before = known.range(..y).next_back();
        let after = known.range(y + 1..).next();
        let v = match (before, after) {
            (Some((&y0, &v0)), Some((&y1, &v1))) => {
                v0 + (v1 - v0) * f64::from(y - y0) / f64::from(y1 - y0)
            }
            (Some((_, &v)), None) | (None, Some((_, &v))) => v,
            (None, None) => continue,
        };
        filled.push(y);
        out.insert(y, v);
    }
    if !filled.is_empty() {
        notes.push(format!(
            "{name}: not recorded in {}; interpolated linearly between the nearest recorded years (constant beyond them)",
            year_list(&filled)
        ));
    }
    out
}

/// "2001-2003, 2007" for a sorted list of years.
fn year_list(years: &[i32]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            years[i].to_string()
        } else {
            format!("{}-{}", years[i], years[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// The yearly panel of `world` as given (cut it first for a backtest), over the scenario's
/// years and the reference series' years, with notes on every fill and every gap.
///
/// `reference_lag` is the lag in years of the reference price the year's contract refers to
/// ([`CalibrationSpec::reference_lag`]).
pub fn panel(
    world: &World,
    reference: &ReferenceSeries,
    reference_lag: i32,
) -> (Vec<PanelYear>, Vec<String>) {
    let mut notes = Vec::new();
    let focus = world.meta.focus;
    let patron = world.meta.patron;
    let first = world.meta.years.first;
    let last = world.meta.years.last;
    let years: Vec<i32> = (first..=last).collect();
    let record = |f: &dyn Fn(i32) -> Option<f64>| -> BTreeMap<i32, f64> {
        years.iter().filter_map(|&y| Some((y, f(y)?))).collect()
    };
    let profile = crate::dependence::profile(world, focus, patron);
    let eu_known = record(&|y| recorded_trade_share(&profile, "EU", None, y));
    let eu = if eu_known.is_empty() {
        // A covariate never recorded is left out of the model: its term is 0 in every year,
        // which leaves `c_ε` and `o_ε` unidentified (held at their start values).
        notes.push(
            "the EU's share of the focus actor's trade is never recorded: the west-access terms (c_eps, o_eps) are left out (west_access = 0 in every year)"
                .into(),
        );
        years.iter().map(|&y| (y, 0.0)).collect()
    } else {
        fill(
            "EU share of the focus actor's trade",
            &eu_known,
            &years,
            &mut notes,
        )
    };
    let eu_id = world.actor_id("EU");
    let mut transit = BTreeMap::new();
    let mut transit_notes = Vec::new();
    for &y in &years {
        let shares = crate::simulation::transit_shares(world, y, &mut transit_notes);
        if !shares.is_empty() {
            transit.insert(
                y,
                shares.get(&focus).copied().unwrap_or(0.0).clamp(0.0, 1.0),
            );
        }
    }
    let missing_transit: Vec<i32> = years
        .iter()
        .copied()
        .filter(|y| !transit.contains_key(y))
        .collect();
    if !missing_transit.is_empty() {
        notes.push(format!(
            "no transit game in {}: those years have no covariates",
            year_list(&missing_transit)
        ));
    }
    let mut out = Vec::new();
    for &y in &years {
        let inputs = match (transit.get(&y), eu.get(&y)) {
            (Some(&tau), Some(&eps)) => Some(BargainInputs {
                year: y,
                transit: tau,
                patron_conflict: world
                    .sanctions
                    .iter()
                    .filter(|s| {
                        s.target == patron && s.kind != orbit_scenario::SanctionKind::Suspension
                    })
                    .filter(|s| s.start.year <= y && s.end.is_none_or(|e| e.year > y))
                    .count() as f64,
                west_access: eps.clamp(0.0, 1.0),
                sanctions: eu_id.map_or(0.0, |eu| {
                    crate::simulation::sanctions_in_force(world, eu, focus, y) as f64
                }),
            }),
            _ => None,
        };
        out.push(PanelYear {
            year: y,
            price: crate::simulation::observed_price(world, Commodity::Gas, focus, y),
            reference: reference.price(y - reference_lag),
            inputs,
            patron_exports_share: recorded_trade_share(
                &profile,
                world.code(patron),
                Some(TradeFlow::Exports),
                y,
            ),
            patron_imports_share: recorded_trade_share(
                &profile,
                world.code(patron),
                Some(TradeFlow::Imports),
                y,
            ),
            eu_trade_share: eu_known.get(&y).copied(),
        });
    }
    (out, notes)
}

/// A parameter the calibration can fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Parameter {
    Beta,
    V0,
    VTau,
    VKappa,
    CEps,
    OEps,
    OSigma,
    /// The partial-adjustment speed `μ ∈ [0, 1]` of (11).
    Mu,
}

impl Parameter {
    /// The name as in the equations.
    pub fn name(self) -> &'static str {
        match self {
            Self::Beta => "beta",
            Self::V0 => "v0",
            Self::VTau => "v_tau",
            Self::VKappa => "v_kappa",
            Self::CEps => "c_eps",
            Self::OEps => "o_eps",
            Self::OSigma => "o_sigma",
            Self::Mu => "mu",
        }
    }

    /// The parameter's range: `β` and `μ` in `[0, 1]`, the rest non-negative.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Self::Beta | Self::Mu => (0.0, 1.0),
            _ => (0.0, f64::INFINITY),
        }
    }
}

/// The model's parameters: the bargain's and the adjustment speed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelParams {
    pub bargain: BargainParams,
    pub mu: f64,
}

impl Default for ModelParams {
    fn default() -> Self {
        Self {
            bargain: BargainParams::default(),
            mu: 0.5,
        }
    }
}

impl ModelParams {
    pub fn get(&self, p: Parameter) -> f64 {
        let b = &self.bargain;
        match p {
            Parameter::Beta => b.beta,
            Parameter::V0 => b.v0,
            Parameter::VTau => b.v_tau,
            Parameter::VKappa => b.v_kappa,
            Parameter::CEps => b.c_eps,
            Parameter::OEps => b.o_eps,
            Parameter::OSigma => b.o_sigma,
            Parameter::Mu => self.mu,
        }
    }

    pub fn set(&mut self, p: Parameter, value: f64) {
        let b = &mut self.bargain;
        match p {
            Parameter::Beta => b.beta = value,
            Parameter::V0 => b.v0 = value,
            Parameter::VTau => b.v_tau = value,
            Parameter::VKappa => b.v_kappa = value,
            Parameter::CEps => b.c_eps = value,
            Parameter::OEps => b.o_eps = value,
            Parameter::OSigma => b.o_sigma = value,
            Parameter::Mu => self.mu = value,
        }
    }
}

/// The lower-triangular Cholesky factor of a symmetric matrix, `None` if it is not positive
/// definite. Draws from `N(θ̂, Σ)` multiply it by standard normals.
pub fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if !(d.is_finite() && d > 0.0) {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// The factor that draws each parameter independently from its own variance (the diagonal of
/// `a`, negative entries read as 0): the fallback when `a` has no Cholesky factor.
pub fn diagonal_factor(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = a.len();
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| if i == j { a[i][i].max(0.0).sqrt() } else { 0.0 })
                .collect()
        })
        .collect()
}

/// What to fit: the start values (also the values of the parameters held fixed) and the free
/// parameters. A free parameter whose covariate does not vary in the sample is held at its
/// start value with a note (it is not identified).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationSpec {
    pub start: ModelParams,
    pub free: Vec<Parameter>,
    /// The year `t`'s target uses the reference price of `t − reference_lag`. Default 0: the
    /// annual European border price is itself an average of oil-indexed formulas with 6–9
    /// month lags, so the same year's average already carries most of the lag. 1 is the
    /// alternative of a yearly price agreed at the turn of the year on the previous year's
    /// prices; `docs/backtest.md` reports both (neither was chosen on the backtest).
    pub reference_lag: i32,
}

impl Default for CalibrationSpec {
    /// Fits `v0, v_τ, v_κ, c_ε, μ`. `β` is held at 1/2: with quasi-linear payoffs the price
    /// identifies only `(1 + β)·v²`, not `β` and the scale of `v` apart. The outside-option
    /// parameters `o_ε, o_σ` are held at 0: they move the price only where the option binds,
    /// which a price record alone cannot tell from a change in need.
    fn default() -> Self {
        Self {
            start: ModelParams::default(),
            free: vec![
                Parameter::V0,
                Parameter::VTau,
                Parameter::VKappa,
                Parameter::CEps,
                Parameter::Mu,
            ],
            reference_lag: 0,
        }
    }
}

/// One observation of the fit (11).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    pub year: i32,
    pub price: f64,
    pub reference: f64,
    pub previous_year: i32,
    pub previous_price: f64,
    pub inputs: BargainInputs,
}

/// A fitted parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FittedParameter {
    pub name: &'static str,
    pub value: f64,
    /// `None` for a parameter held fixed, or when `JᵀJ` is singular.
    pub std_error: Option<f64>,
    pub free: bool,
}

/// A residual of the fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Residual {
    pub year: i32,
    pub recorded: f64,
    pub fitted: f64,
    pub residual: f64,
    /// The bargain's target `p*_t` of the year.
    pub target: f64,
}

/// The calibration at one cutoff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub cutoff: i32,
    pub reference_series: String,
    pub mmbtu_per_1000_m3: f64,
    pub params: ModelParams,
    pub parameters: Vec<FittedParameter>,
    /// Covariance of the free parameters (in the order of `free`), `s²·(JᵀJ)⁻¹`.
    pub covariance: Option<Vec<Vec<f64>>>,
    pub free: Vec<Parameter>,
    pub residuals: Vec<Residual>,
    /// Root mean squared residual, USD per 1000 m3.
    pub rmse: f64,
    /// Root mean squared error of persistence (`μ = 0`) on the same observations.
    pub persistence_rmse: f64,
    pub iterations: usize,
    pub notes: Vec<String>,
}

impl Calibration {
    /// The residual standard deviation `s = √(RSS / (n − k))` of the fit (`n` observations,
    /// `k` free parameters; 0 when `n ≤ k`): the size of the yearly price shock in the bargain
    /// stage's draws and the thesis fan.
    pub fn residual_sd(&self) -> f64 {
        let k = self.free.len();
        let n = self.residuals.len();
        let rss: f64 = self.residuals.iter().map(|e| e.residual.powi(2)).sum();
        if n > k {
            (rss / (n - k) as f64).sqrt()
        } else {
            0.0
        }
    }
}

/// The observations of (11) with year `<= cutoff` in `panel`.
pub fn observations(panel: &[PanelYear], cutoff: i32, notes: &mut Vec<String>) -> Vec<Observation> {
    let mut out = Vec::new();
    let mut dropped = Vec::new();
    let mut last: Option<(i32, f64)> = None;
    for y in panel.iter().filter(|y| y.year <= cutoff) {
        let Some(price) = y.price else { continue };
        if let Some((py, pp)) = last
            && y.year - py <= MAX_GAP
        {
            match (y.reference, y.inputs) {
                (Some(reference), Some(inputs)) => out.push(Observation {
                    year: y.year,
                    price,
                    reference,
                    previous_year: py,
                    previous_price: pp,
                    inputs,
                }),
                (None, _) => dropped.push(format!("{} (no reference price)", y.year)),
                (_, None) => dropped.push(format!("{} (no covariates)", y.year)),
            }
        }
        last = Some((y.year, price));
    }
    if !dropped.is_empty() {
        notes.push(format!("years left out of the fit: {}", dropped.join(", ")));
    }
    out
}

/// The fitted price of an observation under `params`.
pub fn fitted_price(params: &ModelParams, obs: &Observation) -> Result<f64, BargainError> {
    let target = target_price(&params.bargain, &obs.inputs, obs.reference)?;
    let gap = u32::try_from(obs.year - obs.previous_year).unwrap_or(1);
    Ok(adjust_price(obs.previous_price, target, params.mu, gap))
}

/// Solves `A x = b` by Gauss–Jordan elimination with partial pivoting; `None` if singular.
fn solve_linear(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        let scale = a.iter().map(|r| r[col].abs()).fold(0.0, f64::max);
        if a[pivot][col].abs() <= 1e-12 * scale.max(1e-300) {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in 0..n {
            if row != col {
                let f = a[row][col] / a[col][col];
                if f != 0.0 {
                    for k in col..n {
                        a[row][k] -= f * a[col][k];
                    }
                    b[row] -= f * b[col];
                }
            }
        }
    }
    Some((0..n).map(|i| b[i] / a[i][i]).collect())
}

/// The inverse of a small symmetric matrix, `None` if singular.
fn invert(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut cols = Vec::with_capacity(n);
    for j in 0..n {
        let e: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i == j))).collect();
        cols.push(solve_linear(a.to_vec(), e)?);
    }
    Some(
        (0..n)
            .map(|i| (0..n).map(|j| cols[j][i]).collect())
            .collect(),
    )
}

/// The outcome of [`levenberg_marquardt`].
#[derive(Debug, Clone, PartialEq)]
pub struct LeastSquaresFit {
    pub x: Vec<f64>,
    pub residuals: Vec<f64>,
    /// `JᵀJ` at the optimum.
    pub jtj: Vec<Vec<f64>>,
    pub iterations: usize,
}

/// Minimises `Σ r_i(x)²` over the box `bounds` by Levenberg–Marquardt with Marquardt's
/// diagonal scaling, forward-difference Jacobians, and steps projected onto the box. The
/// residual function returns `None` where the model is undefined (treated as an infinite
/// cost). Deterministic: no randomness, a fixed iteration limit.
pub fn levenberg_marquardt(
    residuals: &dyn Fn(&[f64]) -> Option<Vec<f64>>,
    start: &[f64],
    bounds: &[(f64, f64)],
    max_iterations: usize,
) -> Option<LeastSquaresFit> {
    let cost = |r: &[f64]| r.iter().map(|e| e * e).sum::<f64>();
    let project = |x: &mut [f64]| {
        for (v, &(lo, hi)) in x.iter_mut().zip(bounds) {
            *v = v.clamp(lo, hi);
        }
    };
    let mut x = start.to_vec();
    project(&mut x);
    let mut r = residuals(&x)?;
    let mut c = cost(&r);
    let n = x.len();
    let jacobian = |x: &[f64], r: &[f64]| -> Option<Vec<Vec<f64>>> {
        let mut cols = Vec::with_capacity(n);
        for j in 0..n {
            let h = 1e-6 * x[j].abs().max(1e-3);
            let mut xh = x.to_vec();
            // Step inward at an upper bound so the probe stays feasible.
            let step = if xh[j] + h > bounds[j].1 { -h } else { h };
            xh[j] += step;
            let rh = residuals(&xh)?;
            cols.push(
                rh.iter()
                    .zip(r)
                    .map(|(a, b)| (a - b) / step)
                    .collect::<Vec<f64>>(),
            );
        }
        Some(cols)
    };
    let jtj_of = |cols: &[Vec<f64>]| -> Vec<Vec<f64>> {
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|k| cols[i].iter().zip(&cols[k]).map(|(a, b)| a * b).sum())
                    .collect()
            })
            .collect()
    };
    let mut lambda = 1e-3;
    let mut iterations = 0;
    let mut cols = jacobian(&x, &r)?;
    while iterations < max_iterations {
        iterations += 1;
        let jtj = jtj_of(&cols);
        let g: Vec<f64> = (0..n)
            .map(|i| -cols[i].iter().zip(&r).map(|(a, b)| a * b).sum::<f64>())
            .collect();
        let mut improved = false;
        for _ in 0..30 {
            let mut a = jtj.clone();
            for (i, row) in a.iter_mut().enumerate() {
                row[i] += lambda * jtj[i][i].max(1e-12);
            }
            let Some(delta) = solve_linear(a, g.clone()) else {
                lambda *= 10.0;
                continue;
            };
            let mut trial: Vec<f64> = x.iter().zip(&delta).map(|(a, b)| a + b).collect();
            project(&mut trial);
            if let Some(rt) = residuals(&trial) {
                let ct = cost(&rt);
                if ct.is_finite() && ct < c {
                    let rel = (c - ct) / c.max(1e-300);
                    let moved = trial
                        .iter()
                        .zip(&x)
                        .map(|(a, b)| (a - b).abs())
                        .fold(0.0, f64::max);
                    x = trial;
                    r = rt;
                    c = ct;
                    lambda = (lambda / 10.0).max(1e-12);
                    improved = true;
                    if rel < 1e-10 || moved < 1e-10 {
                        cols = jacobian(&x, &r)?;
                        return Some(LeastSquaresFit {
                            x,
                            residuals: r,
                            jtj: jtj_of(&cols),
                            iterations,
                        });
                    }
                    break;
                }
            }
            lambda *= 10.0;
        }
        if !improved {
            break;
        }
        cols = jacobian(&x, &r)?;
    }
    Some(LeastSquaresFit {
        jtj: jtj_of(&cols),
        x,
        residuals: r,
        iterations,
    })
}

/// Whether the covariate a parameter multiplies varies over the observations.
fn identified(p: Parameter, obs: &[Observation]) -> bool {
    let varies = |f: fn(&BargainInputs) -> f64| {
        let first = obs.first().map(|o| f(&o.inputs));
        obs.iter().any(|o| Some(f(&o.inputs)) != first)
    };
    match p {
        Parameter::VTau => varies(|x| x.transit),
        Parameter::VKappa => varies(|x| x.patron_conflict),
        Parameter::CEps | Parameter::OEps => varies(|x| x.west_access),
        Parameter::OSigma => varies(|x| x.sanctions),
        _ => true,
    }
}

/// Fits the free parameters of `spec` to `observations` (all assumed dated `<= cutoff`).
pub fn fit(
    observations: &[Observation],
    cutoff: i32,
    spec: &CalibrationSpec,
    reference_series: &str,
    mut notes: Vec<String>,
) -> Result<Calibration, CalibrationError> {
    spec.start.bargain.check()?;
    let mut free: Vec<Parameter> = Vec::new();
    for &p in &spec.free {
        if free.contains(&p) {
            continue;
        }
        if identified(p, observations) {
            free.push(p);
        } else {
            notes.push(format!(
                "`{}` is held at {}: its covariate does not vary in the observations up to {cutoff}",
                p.name(),
                spec.start.get(p)
            ));
        }
    }
    let needed = free.len() + 2;
    if observations.len() < needed {
        return Err(CalibrationError::TooFewObservations {
            cutoff,
            observations: observations.len(),
            parameters: free.len(),
            needed,
        });
    }
    let with = |x: &[f64]| {
        let mut m = spec.start;
        for (&p, &v) in free.iter().zip(x) {
            m.set(p, v);
        }
        m
    };
    let residual_fn = |x: &[f64]| -> Option<Vec<f64>> {
        let m = with(x);
        observations
            .iter()
            .map(|o| fitted_price(&m, o).ok().map(|f| o.price - f))
            .collect()
    };
    let start: Vec<f64> = free.iter().map(|&p| spec.start.get(p)).collect();
    let bounds: Vec<(f64, f64)> = free.iter().map(|p| p.bounds()).collect();
    let result = levenberg_marquardt(&residual_fn, &start, &bounds, 200)
        .ok_or(CalibrationError::Undefined(cutoff))?;
    let params = with(&result.x);
    let rss: f64 = result.residuals.iter().map(|e| e * e).sum();
    let dof = (observations.len() - free.len()) as f64;
    let covariance = invert(&result.jtj).map(|inv| {
        inv.into_iter()
            .map(|row| row.into_iter().map(|v| v * rss / dof).collect::<Vec<f64>>())
            .collect::<Vec<_>>()
    });
    if covariance.is_none() {
        notes.push("JᵀJ is singular at the optimum: no standard errors".into());
    }
    let all = [
        Parameter::Beta,
        Parameter::V0,
        Parameter::VTau,
        Parameter::VKappa,
        Parameter::CEps,
        Parameter::OEps,
        Parameter::OSigma,
        Parameter::Mu,
    ];
    let parameters = all
        .iter()
        .map(|&p| {
            let idx = free.iter().position(|&q| q == p);
            FittedParameter {
                name: p.name(),
                value: params.get(p),
                std_error: idx.and_then(|i| {
                    covariance
                        .as_ref()
                        .map(|c| c[i][i].max(0.0).sqrt())
                        .filter(|s| s.is_finite())
                }),
                free: idx.is_some(),
            }
        })
        .collect();
    let mut residuals = Vec::with_capacity(observations.len());
    for o in observations {
        let fitted = fitted_price(&params, o)?;
        residuals.push(Residual {
            year: o.year,
            recorded: o.price,
            fitted,
            residual: o.price - fitted,
            target: target_price(&params.bargain, &o.inputs, o.reference)?,
        });
    }
    let n = observations.len() as f64;
    let persistence_rmse = (observations
        .iter()
        .map(|o| (o.price - o.previous_price).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    Ok(Calibration {
        cutoff,
        reference_series: reference_series.to_string(),
        mmbtu_per_1000_m3: MMBTU_PER_1000_M3,
        params,
        parameters,
        covariance,
        free,
        residuals,
        rmse: (rss / n).sqrt(),
        persistence_rmse,
        iterations: result.iterations,
        notes,
    })
}

/// Calibrates on `world` and `reference` as known at the end of `cutoff`: both are cut at the
/// cutoff before anything is computed, so no later datum can change the result.
pub fn calibrate_world(
    world: &World,
    reference: &ReferenceSeries,
    cutoff: i32,
    spec: &CalibrationSpec,
) -> Result<(Calibration, Vec<PanelYear>), CalibrationError> {
    let (past, _) = crate::backtest::cutoff_world(world, cutoff);
    let reference = reference.up_to(cutoff);
    let (panel, mut notes) = panel(&past, &reference, spec.reference_lag);
    let obs = observations(&panel, cutoff, &mut notes);
    let calibration = fit(&obs, cutoff, spec, &reference.name, notes)?;
    Ok((calibration, panel))
}

/// The discount `d*` of each panel year under `params` (for the trade-share link and reports).
pub fn discounts(params: &ModelParams, panel: &[PanelYear]) -> BTreeMap<i32, f64> {
    panel
        .iter()
        .filter_map(|y| {
            let x = y.inputs?;
            Some((y.year, solve(&params.bargain, &x).ok()?.discount))
        })
        .collect()
}
