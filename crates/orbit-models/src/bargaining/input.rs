//! Input data of the bargaining models and its validation.
//!
//! The input is one issue on a one-dimensional scale with `n` actors, each described by the
//! triple of Bueno de Mesquita (1994, table p. 78; Table 1 of Scholz, Calbert & Smith 2011):
//! capability `c_i`, position `x_i` and salience `s_i`. It is deliberately free of scenario
//! types so a caller can build it from a CSV table as easily as from a scenario.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One actor of a bargaining issue (BDM 1994, Table p. 78; Scholz et al. 2011, Table 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// Unique name, used in results and error messages.
    pub name: String,
    /// Capability (clout, power) `c_i ≥ 0`. Only ratios between actors matter.
    pub capability: f64,
    /// Position `x_i` on the issue scale.
    pub position: f64,
    /// Salience `s_i ∈ [0, 1]`. The EUM also reads it as the probability that the actor
    /// resists a challenge (Scholz et al. 2011, expected utility of a challenge).
    pub salience: f64,
}

impl Actor {
    /// Convenience constructor.
    pub fn new(name: impl Into<String>, capability: f64, position: f64, salience: f64) -> Self {
        Self {
            name: name.into(),
            capability,
            position,
            salience,
        }
    }
}

/// One issue to bargain over.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BargainingInput {
    /// The actors, in the order results are reported in.
    pub actors: Vec<Actor>,
    /// The status quo (reference point, disagreement point) of the issue, if known. Only the
    /// Nash bargaining baseline needs it (Thomson et al. 2006, the reference point of DEU).
    pub status_quo: Option<f64>,
    /// The end points `(low, high)` of the issue scale, if known. When given, every position
    /// and the status quo must lie on it.
    pub scale: Option<(f64, f64)>,
}

impl BargainingInput {
    /// An input with the given actors, no status quo and no scale.
    pub fn new(actors: Vec<Actor>) -> Self {
        Self {
            actors,
            status_quo: None,
            scale: None,
        }
    }

    /// Actor names in input order.
    pub fn names(&self) -> Vec<String> {
        self.actors.iter().map(|a| a.name.clone()).collect()
    }

    /// The lowest and highest position held (`(∞, −∞)` without actors).
    pub fn position_range(&self) -> (f64, f64) {
        self.actors
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), a| {
                (lo.min(a.position), hi.max(a.position))
            })
    }
}

/// Everything that can be wrong with a [`BargainingInput`] or with model options.
///
/// Every variant that concerns one actor names it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BargainingError {
    /// Bargaining needs at least two actors.
    #[error("bargaining needs at least two actors, got {count}")]
    TooFewActors {
        /// How many actors were given.
        count: usize,
    },
    /// An actor has an empty name.
    #[error("actor number {index} (counting from 1) has an empty name")]
    EmptyName {
        /// One-based index of the actor.
        index: usize,
    },
    /// Two actors share a name.
    #[error("two actors are named `{actor}`")]
    DuplicateName {
        /// The repeated name.
        actor: String,
    },
    /// A number is NaN or infinite.
    #[error("actor `{actor}` has a {field} that is not a finite number: {value}")]
    NonFinite {
        /// The actor.
        actor: String,
        /// `capability`, `position` or `salience`.
        field: &'static str,
        /// The offending value.
        value: f64,
    },
    /// Capability must not be negative.
    #[error("actor `{actor}` has a negative capability: {value}")]
    NegativeCapability {
        /// The actor.
        actor: String,
        /// The offending value.
        value: f64,
    },
    /// Salience must lie in `[0, 1]`.
    #[error("actor `{actor}` has a salience outside [0, 1]: {value}")]
    SalienceOutOfRange {
        /// The actor.
        actor: String,
        /// The offending value.
        value: f64,
    },
    /// Every actor holds the same position, so there is nothing to bargain over.
    #[error("all actors hold the same position {position} (the first is `{actor}`)")]
    AllPositionsEqual {
        /// The first actor.
        actor: String,
        /// The common position.
        position: f64,
    },
    /// The distance between the two most extreme positions is not a finite number.
    #[error("the distance between `{low_actor}` and `{high_actor}` overflows")]
    RangeOverflow {
        /// The actor with the lowest position.
        low_actor: String,
        /// The actor with the highest position.
        high_actor: String,
    },
    /// The weights `c_i · s_i` sum to zero (or overflow), so no vote can be counted.
    #[error(
        "the weights capability × salience sum to {total}, which is not a positive finite number"
    )]
    BadTotalWeight {
        /// The offending sum.
        total: f64,
    },
    /// The scale is not two finite numbers with `low < high`.
    #[error("the scale ({low}, {high}) is not two finite numbers with low < high")]
    InvalidScale {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
    },
    /// An actor's position lies off the scale.
    #[error("actor `{actor}` holds position {position}, outside the scale ({low}, {high})")]
    PositionOffScale {
        /// The actor.
        actor: String,
        /// Its position.
        position: f64,
        /// Lower end of the scale.
        low: f64,
        /// Upper end of the scale.
        high: f64,
    },
    /// The status quo is NaN, infinite or off the scale.
    #[error("the status quo {value} is not a finite number on the scale")]
    InvalidStatusQuo {
        /// The offending value.
        value: f64,
    },
    /// The Nash bargaining solution needs a status quo (disagreement point).
    #[error("the Nash bargaining solution needs a status quo (disagreement point)")]
    MissingStatusQuo,
    /// A model option is out of range.
    #[error("option `{option}` is invalid: {reason}")]
    InvalidOption {
        /// The option.
        option: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// Check that `input` is a well-posed bargaining problem.
///
/// Catches, in this order: fewer than two actors; empty or duplicate names; NaN or infinite
/// numbers; negative capability; salience outside `[0, 1]`; a scale that is not
/// `low < high`; positions or status quo off the scale; all positions equal; a position range
/// or a total weight `Σ c_i s_i` that is not a positive finite number. The first problem found
/// is returned; errors about one actor name it.
///
/// These are the preconditions of every equation of BDM (1994) and Scholz et al. (2011):
/// `Δ = max x − min x > 0` divides every distance, and `Σ c s > 0` divides the weighted mean.
pub fn validate(input: &BargainingInput) -> Result<(), BargainingError> {
    let actors = &input.actors;
    if actors.len() < 2 {
        return Err(BargainingError::TooFewActors {
            count: actors.len(),
        });
    }
    let mut seen: HashMap<&str, ()> = HashMap::with_capacity(actors.len());
    for (index, actor) in actors.iter().enumerate() {
        if actor.name.is_empty() {
            return Err(BargainingError::EmptyName { index: index + 1 });
        }
        if seen.insert(actor.name.as_str(), ()).is_some() {
            return Err(BargainingError::DuplicateName {
                actor: actor.name.clone(),
            });
        }
    }
    for actor in actors {
        for (field, value) in [
            ("capability", actor.capability),
            ("position", actor.position),
            ("salience", actor.salience),
        ] {
            if !value.is_finite() {
                return Err(BargainingError::NonFinite {
                    actor: actor.name.clone(),
                    field,
                    value,
                });
            }
        }
        if actor.capability < 0.0 {
            return Err(BargainingError::NegativeCapability {
                actor: actor.name.clone(),
                value: actor.capability,
            });
        }
        if !(0.0..=1.0).contains(&actor.salience) {
            return Err(BargainingError::SalienceOutOfRange {
                actor: actor.name.clone(),
                value: actor.salience,
            });
        }
    }
    if let Some((low, high)) = input.scale {
        if !(low.is_finite() && high.is_finite() && low < high) {
            return Err(BargainingError::InvalidScale { low, high });
        }
        for actor in actors {
            if actor.position < low || actor.position > high {
                return Err(BargainingError::PositionOffScale {
                    actor: actor.name.clone(),
                    position: actor.position,
                    low,
                    high,
                });
            }
        }
    }
    if let Some(value) = input.status_quo {
        let on_scale = input
            .scale
            .is_none_or(|(low, high)| (low..=high).contains(&value));
        if !value.is_finite() || !on_scale {
            return Err(BargainingError::InvalidStatusQuo { value });
        }
    }
    let (mut lo, mut hi) = (0, 0);
    for (i, actor) in actors.iter().enumerate() {
        if actor.position < actors[lo].position {
            lo = i;
        }
        if actor.position > actors[hi].position {
            hi = i;
        }
    }
    let range = actors[hi].position - actors[lo].position;
    if range == 0.0 {
        return Err(BargainingError::AllPositionsEqual {
            actor: actors[0].name.clone(),
            position: actors[0].position,
        });
    }
    if !range.is_finite() {
        return Err(BargainingError::RangeOverflow {
            low_actor: actors[lo].name.clone(),
            high_actor: actors[hi].name.clone(),
        });
    }
    // Only ratios of the weights matter; summed at a common power-of-two scale, capabilities
    // up to f64::MAX are fine (see `weights`).
    let mut weights: Vec<f64> = actors.iter().map(|a| a.capability * a.salience).collect();
    scale_weights(&mut weights);
    let total: f64 = weights.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        return Err(BargainingError::BadTotalWeight { total });
    }
    Ok(())
}

/// The weights `c_i · s_i` of `input`'s actors, in input order, brought to a common scale by
/// [`scale_weights`]. Every model reads its weights from here, so capabilities as large as
/// `f64::MAX` or as small as the least normal number give finite sums.
pub(crate) fn weights(input: &BargainingInput) -> Vec<f64> {
    let mut weights: Vec<f64> = input
        .actors
        .iter()
        .map(|a| a.capability * a.salience)
        .collect();
    scale_weights(&mut weights);
    weights
}

/// Multiplies every weight by the power of two that brings the largest into `[1, 2)`, when the
/// largest lies outside `[2^-64, 2^64]`, so that sums of weights (times positions on a finite
/// range) cannot overflow (an actor table `A,1,0,1` / `B,1e308,10,1` gave a compromise of
/// `inf`). Every model uses weights only through ratios, sign tests and comparisons with
/// tolerances proportional to the total weight, and multiplying by a power of two is exact,
/// so a model gives the same bits with or without it; weights in the usual range are left
/// untouched all the same.
pub(crate) fn scale_weights(weights: &mut [f64]) {
    let largest = weights.iter().copied().fold(0.0, f64::max);
    if !(largest.is_finite() && largest > 0.0) {
        return;
    }
    const LIMIT: f64 = 18_446_744_073_709_551_616.0; // 2^64
    if (1.0 / LIMIT..=LIMIT).contains(&largest) {
        return;
    }
    let exponent = largest.log2().floor() as i32;
    // Two exact steps, each factor a normal number even for exponents near ±1023.
    let first = exponent / 2;
    let (a, b) = (2f64.powi(-first), 2f64.powi(first - exponent));
    for w in weights.iter_mut() {
        *w = *w * a * b;
    }
}
