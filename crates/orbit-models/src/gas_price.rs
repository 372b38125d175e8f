//! The gas price the focus actor (Belarus) pays its supplier (Russia/Gazprom) in one year, as
//! an asymmetric Nash bargaining solution whose bargaining weights are the two players'
//! Shapley values in that year's transit network game.
//!
//! # The model
//!
//! The supplier `R` (the scenario's patron) and the focus actor `B` bargain over the price `p`
//! in `[p_low, p_ref]`. With linear utilities `u_R = p − p_low` and `u_B = p_ref − p` and the
//! disagreement point `(0, 0)`, the asymmetric Nash bargaining solution (Nash 1950,
//! *Econometrica* 18(2); Kalai 1977, *Int. J. Game Theory* 6(3), "Nonsymmetric Nash solutions
//! and replications of 2-person bargaining") with weights `w_R`, `w_B` maximises
//! `u_R^{w_R} · u_B^{w_B}`, whose first-order condition gives
//!
//! ```text
//! p* = (w_R · p_ref + w_B · p_low) / (w_R + w_B)
//! ```
//!
//! The weights are the players' Shapley values in the max-flow transit game of the year
//! ([`crate::transit::epoch`]): Hubert & Ikonnikova (2011, *J. Industrial Economics* 59(1))
//! read the Shapley value of that game as bargaining power, and find it matches observed
//! transit and import terms better than the core or nucleolus. Only the ratio of the weights
//! matters, so the Shapley values are used as they are (bcm/yr).
//!
//! # The inputs and where they come from
//!
//! * **`p_ref`, the reference price**: the most recent `reference_price` recorded in a gas
//!   `[[energy]]` record of the focus actor dated on or before the year (the European price
//!   the 31 Dec 2006 contract indexed Belarus's price to). In the built-in scenario only 2006
//!   (USD 230, RFE/RL "world price") and 2019 (USD 203, Gazprom's average European price) are
//!   recorded, so 2007–2018 carry the 2006 figure forward: an explicit assumption, flagged in
//!   the provenance. [`GasPriceOptions::reference`] overrides it. No year before the first
//!   recorded reference gets a prediction.
//! * **`p_low`, the floor**: the lowest price the focus actor is recorded to have paid in a
//!   year *before* the one predicted (the year's own price is the outcome and never an input).
//!   Gazprom's production and transport cost would be the textbook floor, but the scenario has
//!   no sourced figure for it; the lowest recorded price is a price Gazprom did accept, so it
//!   is a floor Gazprom is known to tolerate. [`GasPriceOptions::floor`] overrides it.
//! * **Weights**: the supplier's and the focus actor's Shapley values in the network of
//!   pipelines standing at the end of the year, with the capacities and sources of
//!   [`crate::transit`].
//!
//! The model knows nothing of contracts, debts, asset sales (Beltransgaz) or politics; it is
//! a static, year-by-year reading of transit power.

use orbit_scenario::{Commodity, World};
use serde::Serialize;
use thiserror::Error;

use crate::dependence::Provenance;
use crate::transit::{TransitError, TransitOptions, epoch};

/// Errors of the gas-price model.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum GasPriceError {
    /// No reference price recorded on or before the year, and none given.
    #[error("no reference gas price is recorded on or before {0} and none was given")]
    NoReference(i32),
    /// No price recorded before the year, and no floor given.
    #[error("no gas price of the focus actor is recorded before {0} and no floor was given")]
    NoFloor(i32),
    /// The floor is above the reference price, or one is not finite.
    #[error(
        "the floor {floor} and the reference {reference} must be finite with floor <= reference"
    )]
    BadBounds {
        /// `p_low`.
        floor: f64,
        /// `p_ref`.
        reference: f64,
    },
    /// Neither player has a positive Shapley value in the year's network.
    #[error("neither the supplier nor the focus actor holds transit power in {0}")]
    NoWeights(i32),
    /// The transit game failed.
    #[error(transparent)]
    Transit(#[from] TransitError),
}

/// Options of [`predict`]: overrides of the scenario-derived bounds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct GasPriceOptions {
    /// `p_ref` (USD per 1000 m3) for every year; `None`: the latest recorded reference.
    pub reference: Option<f64>,
    /// `p_low` (USD per 1000 m3) for every year; `None`: the lowest earlier recorded price.
    pub floor: Option<f64>,
}

/// The model's price for one year, with its inputs and their provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GasPricePrediction {
    pub year: i32,
    /// The supplier's code (the scenario's patron).
    pub supplier: String,
    /// The focus actor's code.
    pub focus: String,
    /// `p*`, USD per 1000 m3.
    pub price: f64,
    /// `p_ref`, USD per 1000 m3.
    pub reference: f64,
    /// The year the reference was recorded for (`None` if given as an option).
    pub reference_year: Option<i32>,
    /// `p_low`, USD per 1000 m3.
    pub floor: f64,
    /// The year of the lowest earlier price (`None` if given as an option).
    pub floor_year: Option<i32>,
    /// The supplier's Shapley value, bcm/yr.
    pub supplier_weight: f64,
    /// The focus actor's Shapley value, bcm/yr (0 if it holds no counted pipe).
    pub focus_weight: f64,
    /// `w_B / (w_R + w_B)`: the share of the gap `p_ref − p_low` the focus actor keeps.
    pub focus_share: f64,
    pub reference_provenance: Provenance,
    pub floor_provenance: Provenance,
    pub weights_provenance: Provenance,
}

/// The asymmetric Nash bargaining price `(w_R·p_ref + w_B·p_low)/(w_R + w_B)`.
///
/// Weights must be non-negative with a positive sum; the result lies in `[p_low, p_ref]`.
pub fn nash_price(floor: f64, reference: f64, w_supplier: f64, w_focus: f64) -> f64 {
    (w_supplier * reference + w_focus * floor) / (w_supplier + w_focus)
}

/// The most recent recorded reference gas price of the focus actor on or before `year`.
fn recorded_reference(world: &World, year: i32) -> Option<(i32, f64, String)> {
    world
        .energy
        .iter()
        .filter(|e| e.commodity == Commodity::Gas && e.importer == world.meta.focus)
        .filter(|e| e.year <= year)
        .filter_map(|e| {
            let r = e.reference_price?;
            let source = e
                .reference_source
                .clone()
                .unwrap_or_else(|| e.source.clone());
            Some((e.year, r, source))
        })
        .max_by_key(|r| r.0)
}

/// The lowest gas price the focus actor is recorded to have paid before `year`.
fn recorded_floor(world: &World, year: i32) -> Option<(i32, f64, String)> {
    world
        .energy
        .iter()
        .filter(|e| e.commodity == Commodity::Gas && e.importer == world.meta.focus)
        .filter(|e| e.year < year)
        .filter_map(|e| Some((e.year, e.price?, e.source.clone())))
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
}

/// The model's price for `year` from `world` as given. For a backtest pass the world cut at
/// the year ([`crate::backtest::cutoff_world`]); the year's own recorded price is never used.
pub fn predict(
    world: &World,
    year: i32,
    options: &GasPriceOptions,
) -> Result<GasPricePrediction, GasPriceError> {
    let (reference, reference_year, reference_provenance) = match options.reference {
        Some(r) => (
            r,
            None,
            Provenance::Sourced {
                source: "given as an option (GasPriceOptions::reference)".into(),
            },
        ),
        None => {
            let (y, r, source) =
                recorded_reference(world, year).ok_or(GasPriceError::NoReference(year))?;
            let provenance = if y == year {
                Provenance::Sourced { source }
            } else {
                Provenance::Derived {
                    formula: format!(
                        "assumption: the reference recorded for {y} carried forward to {year} (no later reference on record)"
                    ),
                    sources: vec![source],
                }
            };
            (r, Some(y), provenance)
        }
    };
    let (floor, floor_year, floor_provenance) = match options.floor {
        Some(f) => (
            f,
            None,
            Provenance::Sourced {
                source: "given as an option (GasPriceOptions::floor)".into(),
            },
        ),
        None => {
            let (y, f, source) = recorded_floor(world, year).ok_or(GasPriceError::NoFloor(year))?;
            (
                f,
                Some(y),
                Provenance::Derived {
                    formula: format!(
                        "the lowest price recorded before {year} (paid in {y}): a price the supplier accepted; no sourced production cost in the scenario"
                    ),
                    sources: vec![source],
                },
            )
        }
    };
    if !(floor.is_finite() && reference.is_finite() && floor <= reference) {
        return Err(GasPriceError::BadBounds { floor, reference });
    }
    let game = epoch(world, year, &TransitOptions::default())?;
    let supplier = world.code(world.meta.patron).to_string();
    let focus = world.code(world.meta.focus).to_string();
    let weight = |code: &str| {
        game.results
            .iter()
            .find(|r| r.player == code)
            .map_or(0.0, |r| r.shapley.max(0.0))
    };
    let (w_r, w_b) = (weight(&supplier), weight(&focus));
    if w_r + w_b <= 0.0 {
        return Err(GasPriceError::NoWeights(year));
    }
    let price = nash_price(floor, reference, w_r, w_b).clamp(floor, reference);
    let weights_provenance = Provenance::Derived {
        formula: format!(
            "Shapley values of {supplier} ({w_r:.3} bcm/yr) and {focus} ({w_b:.3} bcm/yr) in the transit game of {year} \
             (Hubert & Ikonnikova 2011: Shapley value as bargaining power); asymmetric Nash bargaining (Nash 1950; Kalai 1977)"
        ),
        sources: match game.provenance {
            Provenance::Derived { sources, .. } => sources,
            Provenance::Sourced { source } => vec![source],
        },
    };
    Ok(GasPricePrediction {
        year,
        supplier,
        focus,
        price,
        reference,
        reference_year,
        floor,
        floor_year,
        supplier_weight: w_r,
        focus_weight: w_b,
        focus_share: w_b / (w_r + w_b),
        reference_provenance,
        floor_provenance,
        weights_provenance,
    })
}

/// One year of the gas-price backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GasPriceRow {
    pub year: i32,
    /// The recorded price (the annual figure where there is one, else the last period given).
    pub recorded: f64,
    /// The model's price from the world cut at the year; `None` with a note when it cannot run.
    pub model: Option<f64>,
    /// Baseline: the last price recorded before the year persists.
    pub persistence: Option<f64>,
    /// Baseline: the year's reference × the last recorded ratio price/reference.
    pub ratio: Option<f64>,
    pub model_error: Option<f64>,
    pub persistence_error: Option<f64>,
    pub ratio_error: Option<f64>,
    /// The full prediction, inputs and provenance.
    pub prediction: Option<GasPricePrediction>,
}

/// The gas-price backtest of the scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GasPriceBacktest {
    pub rows: Vec<GasPriceRow>,
    pub notes: Vec<String>,
}

/// For each year with a recorded gas price of the focus actor, predicts the price from the
/// scenario cut at that year ([`crate::backtest::cutoff_world`]) and scores the absolute error
/// against the recorded price, next to the persistence and reference-ratio baselines.
pub fn backtest_prices(world: &World, options: &GasPriceOptions) -> GasPriceBacktest {
    let focus = world.meta.focus;
    let mut years: Vec<i32> = world
        .energy
        .iter()
        .filter(|e| e.commodity == Commodity::Gas && e.importer == focus && e.price.is_some())
        .map(|e| e.year)
        .collect();
    years.sort_unstable();
    years.dedup();
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for year in years {
        let Some(recorded) = crate::simulation::observed_price(world, Commodity::Gas, focus, year)
        else {
            continue;
        };
        let (past, _) = crate::backtest::cutoff_world(world, year);
        let prediction = match predict(&past, year, options) {
            Ok(p) => Some(p),
            Err(e) => {
                notes.push(format!("{year}: no model price: {e}"));
                None
            }
        };
        let earlier: Vec<i32> = {
            let mut ys: Vec<i32> = past
                .energy
                .iter()
                .filter(|e| e.commodity == Commodity::Gas && e.importer == focus)
                .filter(|e| e.year < year && e.price.is_some())
                .map(|e| e.year)
                .collect();
            ys.sort_unstable();
            ys.dedup();
            ys
        };
        let persistence = earlier
            .last()
            .and_then(|&y| crate::simulation::observed_price(&past, Commodity::Gas, focus, y));
        let last_ratio = earlier.iter().rev().find_map(|&y| {
            let r = past
                .energy
                .iter()
                .filter(|e| e.commodity == Commodity::Gas && e.importer == focus && e.year == y)
                .find_map(|e| e.reference_price)?;
            let p = crate::simulation::observed_price(&past, Commodity::Gas, focus, y)?;
            (r > 0.0).then_some(p / r)
        });
        let year_reference = options
            .reference
            .or_else(|| recorded_reference(&past, year).map(|r| r.1));
        let ratio = last_ratio.zip(year_reference).map(|(q, r)| q * r);
        let model = prediction.as_ref().map(|p| p.price);
        let err = |x: Option<f64>| x.map(|x| (x - recorded).abs());
        rows.push(GasPriceRow {
            year,
            recorded,
            model,
            persistence,
            ratio,
            model_error: err(model),
            persistence_error: err(persistence),
            ratio_error: err(ratio),
            prediction,
        });
    }
    GasPriceBacktest { rows, notes }
}
