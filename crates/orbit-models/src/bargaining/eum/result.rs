//! What a run of the EUM returns, and its JSON form.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use super::options::Variant;

/// The kind of an accepted offer, from the receiver's point of view (E13; BDM 1994;
/// Scholz et al. 2011, "offers").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OfferKind {
    /// Both expect to gain and the proposer more: the receiver loses and moves to the proposer.
    Confrontation,
    /// The receiver expects to lose less than the proposer gains: it moves part of the way.
    Compromise,
    /// The receiver expects to lose more than the proposer gains: it moves all the way.
    Capitulation,
}

/// An accepted offer: the receiver `to` moves because of the proposer `from`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    /// The round (1-based) in which the move happens.
    pub round: usize,
    /// The proposer `j`.
    pub from: String,
    /// The receiver `i`, who moves.
    pub to: String,
    /// Index of the proposer in the input.
    #[serde(skip)]
    pub from_index: usize,
    /// Index of the receiver in the input.
    #[serde(skip)]
    pub to_index: usize,
    /// The kind of offer.
    pub kind: OfferKind,
    /// `E^i[U_ij]`: the receiver's expected utility of challenging the proposer (E10).
    pub eu_self: f64,
    /// `E^i[U_ji]`: the receiver's estimate of the proposer's expected utility of challenging it.
    pub eu_counterpart: f64,
    /// The receiver's position before the move.
    pub old_position: f64,
    /// The receiver's position after the move.
    pub new_position: f64,
}

/// The state after one round (round 0 holds the initial positions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    /// 0 for the initial positions, then 1, 2, ...
    pub round: usize,
    /// Positions in input actor order.
    pub positions: Vec<f64>,
    /// Compromise model (B1) of these positions: `Σ c s x / Σ c s`.
    pub mean: f64,
    /// Median voter (B3, E2) of these positions.
    pub median: f64,
}

/// Why the iteration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum StopReason {
    /// [`StopRule::FixedRounds`] completed.
    RoundsCompleted,
    /// [`StopRule::RelativeChange`]: the movement ratio fell below the threshold.
    Converged {
        /// The ratio of the last round.
        ratio: f64,
    },
    /// A round moved nobody ([`StopRule::RelativeChange`]).
    FixedPoint,
    /// [`StopRule::RepeatedState`]: the last round repeats `first_round`.
    Repeated {
        /// The earlier round with the same positions.
        first_round: usize,
        /// Length of the cycle (1 = fixed point).
        period: usize,
    },
    /// `max_rounds` reached without meeting the criterion.
    MaxRounds,
}

/// The run of the EUM on one issue.
///
/// Serialised (by hand, see the `Serialize` impl) as
/// `{"model": "eum", "variant", "forecast", "stop", "rounds": [{"round", "positions": {name:
/// x, ...}, "mean", "median"}], "offers": [...]}` with the positions of each round as a JSON
/// object **in input actor order**: deterministic, so the JSON is stable, and in the order of
/// the table the analyst supplied (a `BTreeMap` would sort the actors alphabetically instead).
#[derive(Debug, Clone, PartialEq)]
pub struct EumResult {
    /// Which variant ran.
    pub variant: Variant,
    /// The forecast: the median voter (E2) of the last round.
    pub forecast: f64,
    /// Actor names in input order (the order of every `positions` vector).
    pub actors: Vec<String>,
    /// Round 0 (initial positions) and every round played.
    pub rounds: Vec<Round>,
    /// Accepted offers, by round then receiver in input order (empty unless
    /// [`EumOptions::record_offers`]).
    pub offers: Vec<Offer>,
    /// Why the run stopped.
    pub stop: StopReason,
}

impl EumResult {
    /// The positions of `round` as a name → position map (`None` if no such round).
    pub fn position_map(&self, round: usize) -> Option<std::collections::BTreeMap<&str, f64>> {
        let r = self.rounds.get(round)?;
        Some(
            self.actors
                .iter()
                .map(String::as_str)
                .zip(r.positions.iter().copied())
                .collect(),
        )
    }

    /// The positions after the last round, in input order.
    pub fn final_positions(&self) -> &[f64] {
        self.rounds
            .last()
            .map(|r| r.positions.as_slice())
            .unwrap_or(&[])
    }
}

struct NamedPositions<'a>(&'a [String], &'a [f64]);

impl Serialize for NamedPositions<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.1.len()))?;
        for (name, x) in self.0.iter().zip(self.1) {
            map.serialize_entry(name, x)?;
        }
        map.end()
    }
}

struct RoundView<'a>(&'a [String], &'a Round);

impl Serialize for RoundView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Round", 4)?;
        s.serialize_field("round", &self.1.round)?;
        s.serialize_field("positions", &NamedPositions(self.0, &self.1.positions))?;
        s.serialize_field("mean", &self.1.mean)?;
        s.serialize_field("median", &self.1.median)?;
        s.end()
    }
}

struct RoundsView<'a>(&'a [String], &'a [Round]);

impl Serialize for RoundsView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.1.iter().map(|r| RoundView(self.0, r)))
    }
}

impl Serialize for EumResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("EumResult", 6)?;
        s.serialize_field("model", "eum")?;
        s.serialize_field("variant", &self.variant)?;
        s.serialize_field("forecast", &self.forecast)?;
        s.serialize_field("stop", &self.stop)?;
        s.serialize_field("rounds", &RoundsView(&self.actors, &self.rounds))?;
        s.serialize_field("offers", &self.offers)?;
        s.end()
    }
}
