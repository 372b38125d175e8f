//! The transit game's Shapley shares per epoch in the shape the transit page's table reads
//! ([`TransitShares`]); the charts of the game are Vega-Lite specs
//! ([`crate::vega::shapley_epochs`], [`crate::vega::transit_network`]).

use serde::{Deserialize, Serialize};

/// The transit game's result in a form the chart can draw: players, and per epoch the
/// pipeline links between them and each player's Shapley share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitShares {
    pub players: Vec<TransitPlayer>,
    pub epochs: Vec<TransitEpoch>,
    /// Where the network data and the game come from, for the chart's source line.
    pub source: String,
}

/// A player of the transit game (a country or a firm).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitPlayer {
    /// The actor code, which also picks its colour.
    pub code: String,
    /// Map position as `[longitude °E, latitude °N]`. When any player lacks one, all are
    /// placed on a circle instead.
    pub position: Option<[f64; 2]>,
}

/// One epoch of the network (e.g. `1997-2005`: Yamal–Europe, before Nord Stream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitEpoch {
    pub label: String,
    /// Shapley share of each player, in [`TransitShares::players`] order (summing to 1 over
    /// the epoch's players); `None` for a player that is not in this epoch's game (missing, not
    /// a share of 0).
    pub shares: Vec<Option<f64>>,
    /// Pipeline links `[from, to]` as indices into [`TransitShares::players`].
    pub links: Vec<[usize; 2]>,
}
