//! Multi-dimensional issues (`[[spatial_issues]]`): one contested question bargained over
//! several dimensions at once, each with its own scale, unit and status quo, as KTAB's Spatial
//! Model of Politics takes them (`examples/smp/libsrc/smp.cpp`: one capability per actor, one
//! position and one salience per actor and dimension, saliences summing to at most 1).
//!
//! The format is documented in `docs/scenario.md` ("Spatial issues") and
//! `docs/models/ktab-smp.md`. Raw structs mirror the TOML; [`SpatialIssue`] is the checked form
//! (see `validate/spatial.rs`), with every per-dimension value in the issue's dimension order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::raw::{SNum, SStr};
use crate::world::{ActorId, PartialDate};

/// One `[[spatial_issues]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpatialIssue {
    pub id: SStr,
    pub name: SStr,
    pub description: SStr,
    /// When the positions below were held, e.g. `2021-08`.
    pub as_of: SStr,
    pub dimensions: Vec<Spanned<RawDimension>>,
    pub positions: Vec<Spanned<RawSpatialPosition>>,
    #[serde(default)]
    pub note: Option<SStr>,
    pub source: SStr,
}

/// One `[[spatial_issues.dimensions]]` entry: an axis of the issue.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDimension {
    /// The key positions and saliences use for this dimension.
    pub id: SStr,
    pub name: SStr,
    /// What a point on the scale measures, shown on chart axes.
    pub unit: SStr,
    pub scale_min: SNum,
    pub scale_max: SNum,
    pub min_label: SStr,
    pub max_label: SStr,
    /// The position on this dimension at `as_of` if nobody agrees on anything.
    pub status_quo: SNum,
    /// A citation for the status quo.
    pub source: SStr,
}

/// One `[[spatial_issues.positions]]` entry: an actor's stance on every dimension.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpatialPosition {
    pub actor: SStr,
    /// KTAB's `sCap`: the actor's resources on the whole issue, positive.
    pub capability: SNum,
    /// Dimension id → position on that dimension's scale, e.g. `{ scope = 90, permanence = 100 }`.
    pub position: Spanned<BTreeMap<String, SNum>>,
    /// Dimension id → share of attention in [0, 1]; an actor's saliences sum to at most 1.
    pub salience: Spanned<BTreeMap<String, SNum>>,
    #[serde(default)]
    pub source: Option<SStr>,
    /// The analyst's reasoning where no source states the numbers.
    #[serde(default)]
    pub rationale: Option<SStr>,
    /// Date of the latest fact the coding rests on; never after the issue's `as_of`.
    #[serde(default)]
    pub source_date: Option<SStr>,
}

/// One axis of a [`SpatialIssue`]. `scale_min < scale_max`; the status quo lies in the scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub scale_min: f64,
    pub scale_max: f64,
    pub min_label: String,
    pub max_label: String,
    pub status_quo: f64,
    pub source: String,
}

impl Dimension {
    /// `x` on this dimension's scale mapped to KTAB's internal [0, 1].
    pub fn to_unit(&self, x: f64) -> f64 {
        (x - self.scale_min) / (self.scale_max - self.scale_min)
    }

    /// A [0, 1] value mapped back to this dimension's scale.
    pub fn from_unit(&self, u: f64) -> f64 {
        self.scale_min + u * (self.scale_max - self.scale_min)
    }
}

/// An actor's checked stance: `position[d]` on dimension `d`'s scale, `salience[d]` in [0, 1]
/// with Σ_d ≤ 1, `capability` in (0, 1e8].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpatialPosition {
    pub actor: ActorId,
    pub capability: f64,
    pub position: Vec<f64>,
    pub salience: Vec<f64>,
    pub source: Option<String>,
    pub rationale: Option<String>,
    pub source_date: Option<PartialDate>,
}

/// A checked multi-dimensional issue: at least one dimension, 3 to 250 actors (KTAB's limits,
/// `smp/smpread.cpp`), each actor at most once and with a value on every dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpatialIssue {
    pub id: String,
    pub name: String,
    pub description: String,
    pub as_of: PartialDate,
    pub dimensions: Vec<Dimension>,
    pub positions: Vec<SpatialPosition>,
    pub note: Option<String>,
    pub source: String,
}
