//! The expected utility model (EUM) of Bueno de Mesquita (1985, 1994, 1997) as reconstructed by
//! Scholz, Calbert & Smith (2011), in two variants (see [`Variant`]).
//!
//! Equation labels (E1)–(E12) refer to `docs/models/eum.md`, which also lists how each label
//! maps onto BDM (1994) and Scholz et al. (2011).
//!
//! # Computation
//!
//! A round needs the probability of success `P_ij` for every ordered pair of actors (E3), and
//! `P_ij` sums a vote over every actor `k`: O(n³) if done naively. We avoid that with one
//! observation: the *sign* of `v_k(i, j)` (E1) does not depend on the voter's risk exponent
//! `r_k`, because `|x_k − x|^{r_k}` is increasing in the distance. With actors sorted by
//! position, the voters preferring the lower of two positions are exactly those below the
//! midpoint, a prefix of the sorted list. A table of prefix sums over voters,
//! `tab[a][t] = Σ_{k<t} c_k s_k (|x_k − x_a| / Δ)^{r_k}`, then gives both numerators of `P_ij`
//! as differences of two entries after a binary search for the midpoint. The table is one flat
//! (n+1)×n scratch buffer reused between rounds; the all-pairs denominator of the Scholz
//! variant is computed once per table in O(n²) by merging the two sorted runs of each voter's
//! distances. A round is therefore O(n² log n) time and O(n²) scratch memory; only the
//! positions of each round (O(n) each) and the accepted offers (at most n per round) are kept.
//!
//! Rows of the table, the risk pass and the offer pass are independent per actor and run on
//! rayon above [`PARALLEL_MIN`] actors; every reduction is done sequentially in a fixed order,
//! so the results do not depend on the number of threads.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use super::baselines::{median_voter_of, sorted_order, weighted_mean};
use super::input::{BargainingError, BargainingInput, validate};

/// Below this many actors everything runs on the calling thread (rayon's hand-off costs more
/// than the work).
pub const PARALLEL_MIN: usize = 64;

/// Which EUM to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// The model as BDM (1994) and Scholz et al. (2011) describe it, with the reference
    /// implementation's bugs fixed: pairwise probability of success (E3), capitulation,
    /// least-move offer selection, position range recomputed each round, and a choice of stop
    /// rules. Actors are processed in name order, so results do not depend on input order.
    #[default]
    Bdm,
    /// Reproduces the run of Scholz et al.'s reference code (as replicated by jmckib) exactly,
    /// quirks included: all-pairs probability denominator (E3'), its compromise-selection key,
    /// no capitulation, position range fixed from the initial data, `Q = 1`, simultaneous
    /// moves, actors processed in input order. Use with [`StopRule::FixedRounds`].
    Scholz2011,
}

/// When to stop iterating rounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopRule {
    /// Exactly this many rounds (Scholz et al. 2011 run 10).
    FixedRounds(usize),
    /// KTAB's rule (SMP, `smp.cpp`): after round `t ≥ 2`, stop when the movement of round `t`
    /// divided by the movement of round 1 is below `threshold`; movement is
    /// `Σ_i |x_i(t) − x_i(t−1)| / Δ₀` (Δ₀ the initial range) and the ratio is
    /// `move_t / (move_1 + 10⁻⁴)`. Also stops as soon as a round moves nobody (a fixed point:
    /// the dynamics are deterministic), and after `max_rounds` rounds at the latest.
    RelativeChange {
        /// KTAB uses 0.02.
        threshold: f64,
        /// Upper bound on the number of rounds (KTAB: 100).
        max_rounds: usize,
    },
    /// Stop when the position vector repeats one of an earlier round exactly (a fixed point or
    /// a cycle), or after `max_rounds` rounds.
    RepeatedState {
        /// Upper bound on the number of rounds.
        max_rounds: usize,
    },
}

/// Options of [`run_eum`]. `Default` is the `bdm` variant with KTAB's stop rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EumOptions {
    /// Which variant.
    pub variant: Variant,
    /// When to stop.
    pub stop: StopRule,
    /// Keep every accepted offer in the result.
    pub record_offers: bool,
    /// `Q` (E9): probability that nothing changes if `i` does not challenge `j`. `bdm` only;
    /// `scholz2011` always uses `Q = 1`. In `[0, 1]`, default 1.
    pub status_quo_prob: f64,
    /// `T` (E9): probability that, absent a challenge, the status quo moves in `i`'s favour.
    /// `bdm` only and only matters when `Q < 1`. In `[0, 1]`, default 0.5.
    pub improvement_prob: f64,
}

impl Default for EumOptions {
    fn default() -> Self {
        Self {
            variant: Variant::Bdm,
            stop: StopRule::RelativeChange {
                threshold: 0.02,
                max_rounds: 100,
            },
            record_offers: true,
            status_quo_prob: 1.0,
            improvement_prob: 0.5,
        }
    }
}

impl EumOptions {
    /// The reference run of Scholz et al. (2011): `scholz2011` variant, 10 fixed rounds.
    pub fn scholz2011() -> Self {
        Self {
            variant: Variant::Scholz2011,
            stop: StopRule::FixedRounds(10),
            ..Self::default()
        }
    }

    /// Check the option values.
    pub fn validate(&self) -> Result<(), BargainingError> {
        let unit = |option: &'static str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(BargainingError::InvalidOption {
                    option,
                    reason: format!("{value} is not in [0, 1]"),
                })
            }
        };
        unit("status_quo_prob", self.status_quo_prob)?;
        unit("improvement_prob", self.improvement_prob)?;
        if let StopRule::RelativeChange { threshold, .. } = self.stop
            && !(threshold.is_finite() && threshold >= 0.0)
        {
            return Err(BargainingError::InvalidOption {
                option: "stop.threshold",
                reason: format!("{threshold} is not a finite number ≥ 0"),
            });
        }
        Ok(())
    }
}

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

/// Run the expected utility model on `input`.
///
/// Each round (BDM 1994; Scholz et al. 2011, the model's steps; `docs/models/eum.md` §2):
/// 1. compute each actor's risk exponent `r_i` (E11–E12) from the security levels `S_i` with
///    every exponent set to 1;
/// 2. with those exponents, every receiver `i` evaluates, for every `j` at another position,
///    its own expected utility of challenging `j` and its estimate of `j`'s expected utility of
///    challenging it (E10, both with `i`'s exponent);
/// 3. each receiver classifies the offers (confrontation, compromise, capitulation) and
///    accepts one; all accepted moves happen at once.
///
/// Round 0 of the result holds the initial positions; the forecast is the median voter (E2)
/// of the last round. Validates `input` and `options` first; never panics.
pub fn run_eum(
    input: &BargainingInput,
    options: &EumOptions,
) -> Result<EumResult, BargainingError> {
    validate(input)?;
    options.validate()?;
    let n = input.actors.len();
    let variant = options.variant;

    // Canonical processing order: input order for the reference run (its tie-breaks follow
    // the CSV order), name order for `bdm` (permutation invariance).
    let mut perm: Vec<usize> = (0..n).collect();
    if variant == Variant::Bdm {
        perm.sort_by(|&a, &b| input.actors[a].name.cmp(&input.actors[b].name));
    }
    let salience: Vec<f64> = perm.iter().map(|&p| input.actors[p].salience).collect();
    let weight: Vec<f64> = perm
        .iter()
        .map(|&p| input.actors[p].capability * input.actors[p].salience)
        .collect();
    let mut x: Vec<f64> = perm.iter().map(|&p| input.actors[p].position).collect();
    let initial_range = range_of(&x);

    let mut engine = Engine {
        n,
        variant,
        q: match variant {
            Variant::Scholz2011 => 1.0,
            Variant::Bdm => options.status_quo_prob,
        },
        t: options.improvement_prob,
        weight: &weight,
        salience: &salience,
        order: Vec::with_capacity(n),
        xs: vec![0.0; n],
        ws: vec![0.0; n],
        ss: vec![0.0; n],
        rs: vec![1.0; n],
        table: Vec::new(),
    };

    let to_input_order = |xc: &[f64]| -> Vec<f64> {
        let mut out = vec![0.0; n];
        for (c, &p) in perm.iter().enumerate() {
            out[p] = xc[c];
        }
        out
    };
    let record = |round: usize, xc: &[f64]| -> Round {
        Round {
            round,
            positions: to_input_order(xc),
            mean: weighted_mean(xc, &weight),
            median: median_voter_of(xc, &weight),
        }
    };

    let mut rounds = vec![record(0, &x)];
    let mut offers = Vec::new();
    let (max_rounds, mut seen) = match options.stop {
        StopRule::FixedRounds(m) => (m, None),
        StopRule::RelativeChange { max_rounds, .. } => (max_rounds, None),
        StopRule::RepeatedState { max_rounds } => {
            let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
            seen.entry(state_hash(&x)).or_default().push(0);
            (max_rounds, Some(seen))
        }
    };
    let mut first_move = f64::NAN;
    let mut stop = match options.stop {
        StopRule::FixedRounds(_) => StopReason::RoundsCompleted,
        _ => StopReason::MaxRounds,
    };

    for t in 1..=max_rounds {
        let range = match variant {
            Variant::Scholz2011 => initial_range,
            Variant::Bdm => range_of(&x),
        };
        let median = rounds[t - 1].median;
        let moves = engine.round(&x, range, median);
        let mut next = x.clone();
        let mut round_offers = Vec::new();
        for mv in &moves {
            next[mv.receiver] = mv.new_position;
            if options.record_offers {
                round_offers.push(Offer {
                    round: t,
                    from: input.actors[perm[mv.proposer]].name.clone(),
                    to: input.actors[perm[mv.receiver]].name.clone(),
                    from_index: perm[mv.proposer],
                    to_index: perm[mv.receiver],
                    kind: mv.kind,
                    eu_self: mv.eu_self,
                    eu_counterpart: mv.eu_counterpart,
                    old_position: x[mv.receiver],
                    new_position: mv.new_position,
                });
            }
        }
        round_offers.sort_by_key(|o| o.to_index);
        offers.extend(round_offers);
        let movement: f64 =
            x.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum::<f64>() / initial_range;
        x = next;
        rounds.push(record(t, &x));

        match options.stop {
            StopRule::FixedRounds(_) => {}
            StopRule::RelativeChange { threshold, .. } => {
                if t == 1 {
                    first_move = movement;
                }
                if movement == 0.0 {
                    stop = StopReason::FixedPoint;
                    break;
                }
                let ratio = movement / (first_move + 1e-4);
                if t >= 2 && ratio < threshold {
                    stop = StopReason::Converged { ratio };
                    break;
                }
            }
            StopRule::RepeatedState { .. } => {
                let seen = seen.get_or_insert_with(HashMap::new);
                let hash = state_hash(&x);
                let earlier = seen.get(&hash).and_then(|list| {
                    list.iter().copied().find(|&s| {
                        // Rounds store input order; compare in that order.
                        rounds[s].positions == rounds[t].positions
                    })
                });
                if let Some(first_round) = earlier {
                    stop = StopReason::Repeated {
                        first_round,
                        period: t - first_round,
                    };
                    break;
                }
                seen.entry(hash).or_default().push(t);
            }
        }
    }

    let forecast = rounds.last().map_or(f64::NAN, |r| r.median);
    Ok(EumResult {
        variant,
        forecast,
        actors: input.names(),
        rounds,
        offers,
        stop,
    })
}

fn range_of(x: &[f64]) -> f64 {
    let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    hi - lo
}

fn state_hash(x: &[f64]) -> u64 {
    let mut h = DefaultHasher::new();
    for v in x {
        // + 0.0 maps −0 to +0 so equal positions hash equally.
        (v + 0.0).to_bits().hash(&mut h);
    }
    h.finish()
}

/// A move decided in one round, in canonical indices.
#[derive(Debug, Clone, Copy)]
struct Move {
    receiver: usize,
    proposer: usize,
    kind: OfferKind,
    eu_self: f64,
    eu_counterpart: f64,
    new_position: f64,
}

/// An offer as seen by its receiver, in rank indices, while choosing the best one.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    proposer: usize,
    kind: OfferKind,
    eu_self: f64,
    eu_counterpart: f64,
    new_position: f64,
    key: f64,
}

/// `base^r`, exact for `r = 1` (where `powf` would also be exact, but slower).
#[inline]
fn pow_r(base: f64, r: f64) -> f64 {
    if r == 1.0 { base } else { base.powf(r) }
}

/// Utility of success `U^s` (E5): `2 − 4 (0.5 − 0.5 d)^r` with `d = |x_i − x_j| / Δ`.
/// BDM (1994); Scholz et al. (2011), with the perceiver's exponent `r`.
#[inline]
fn u_success(dist: f64, range: f64, r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5 - 0.5 * dist / range, r)
}

/// Utility of failure `U^f` (E6): `2 − 4 (0.5 + 0.5 d)^r`. BDM (1994); Scholz et al. (2011).
#[inline]
fn u_failure(dist: f64, range: f64, r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5 + 0.5 * dist / range, r)
}

/// Utility of the status quo `U^sq` (E7): `2 − 4 · 0.5^r`. BDM (1994); Scholz et al. (2011).
#[inline]
fn u_status_quo(r: f64) -> f64 {
    2.0 - 4.0 * pow_r(0.5, r)
}

/// Utilities of the status quo improving / worsening for the challenger, `U^b` and `U^w` (E8):
/// `2 − 4 (0.5 ∓ 0.25 (d_iμ + d_ij))^r`. BDM (1994); Scholz et al. (2011); only used when `Q < 1`.
#[inline]
fn u_better_worse(dist_mu: f64, dist: f64, range: f64, r: f64) -> (f64, f64) {
    let spread = 0.25 * (dist_mu / range + dist / range);
    (
        2.0 - 4.0 * pow_r(0.5 - spread, r),
        2.0 - 4.0 * pow_r(0.5 + spread, r),
    )
}

/// Per-run scratch state. Indices named `i, j, k` inside are *ranks* (actors sorted by
/// position, ties by canonical index) unless said otherwise.
struct Engine<'a> {
    n: usize,
    variant: Variant,
    q: f64,
    t: f64,
    /// `c · s` in canonical order.
    weight: &'a [f64],
    /// `s` in canonical order.
    salience: &'a [f64],
    /// rank → canonical index.
    order: Vec<usize>,
    /// Positions, weights, saliences and risk exponents in rank order.
    xs: Vec<f64>,
    ws: Vec<f64>,
    ss: Vec<f64>,
    rs: Vec<f64>,
    /// `tab[a·(n+1) + t] = Σ_{k<t} w_k (|x_k − x_a| / Δ)^{r_k}` (ranks), see the module docs.
    table: Vec<f64>,
}

/// Read-only view of one round's table, shared across threads.
struct Tables<'e> {
    n: usize,
    variant: Variant,
    xs: &'e [f64],
    table: &'e [f64],
    /// Scholz's all-pairs denominator (E3'); unused by `bdm`.
    all_pairs: f64,
}

impl Tables<'_> {
    /// Probabilities of success `(P_ij, P_ji)` for ranks `i ≠ j` (E3 / E3').
    ///
    /// Numerators: `N(i→j) = Σ_k max(0, v_k(i, j))` with `v_k` the vote of (E1) under the
    /// voters' current exponents. `bdm` (BDM 1994, probability of success):
    /// `P_ij = N(i→j) / (N(i→j) + N(j→i))`, ½ if no voter distinguishes the two. `scholz2011`
    /// (Scholz's code): `P_ij = N(i→j) / Σ_k Σ_a Σ_b |v_k(a, b)|`, the denominator summed over
    /// all pairs of actors. Both are 0 for two actors at the same position (never used there).
    ///
    /// `cursor` must come from [`MidCursor::new`] for `i` and be used for increasing `j`.
    #[inline]
    fn probs(&self, i: usize, j: usize, cursor: &mut MidCursor) -> (f64, f64) {
        let (xi, xj) = (self.xs[i], self.xs[j]);
        if xi == xj || xi.is_nan() || xj.is_nan() {
            return (0.0, 0.0);
        }
        let (lo, hi) = if xi < xj { (i, j) } else { (j, i) };
        let n = self.n;
        let mid = 0.5 * self.xs[lo] + 0.5 * self.xs[hi];
        // Voters strictly below the midpoint prefer `lo`, strictly above prefer `hi`; voters at
        // the midpoint are indifferent and cast no vote.
        let (below, not_above) = cursor.advance(self.xs, mid);
        let row_lo = &self.table[lo * (n + 1)..(lo + 1) * (n + 1)];
        let row_hi = &self.table[hi * (n + 1)..(hi + 1) * (n + 1)];
        let n_lo = (row_hi[below] - row_lo[below]).max(0.0);
        let n_hi = ((row_lo[n] - row_lo[not_above]) - (row_hi[n] - row_hi[not_above])).max(0.0);
        let (p_lo, p_hi) = match self.variant {
            Variant::Scholz2011 => {
                if self.all_pairs > 0.0 {
                    (n_lo / self.all_pairs, n_hi / self.all_pairs)
                } else {
                    (0.0, 0.0)
                }
            }
            Variant::Bdm => {
                let total = n_lo + n_hi;
                if total > 0.0 {
                    (n_lo / total, n_hi / total)
                } else {
                    (0.5, 0.5)
                }
            }
        };
        if xi < xj { (p_lo, p_hi) } else { (p_hi, p_lo) }
    }
}

/// Scholz's all-pairs denominator `Σ_k Σ_a Σ_b |v_k(a, b)|` (E3'; Scholz et al. 2011 reference
/// code, `probability` in jmckib's replication) from the raw vote table
/// (`table[a·(n+1) + k + 1] = w_k g_k(x_a)`, ranks).
///
/// For one voter, `Σ_a Σ_b |v(a) − v(b)| = 2 Σ_t v_(t) (2t − n + 1)` over its values sorted
/// ascending; in rank order they form two non-decreasing runs (from the voter's own rank
/// leftwards and rightwards, since `g_k` grows with the distance), so a merge sorts them in
/// O(n). Columns are copied out in blocks of [`VOTER_BLOCK`] voters to read the row-major table
/// one cache line at a time. Per-voter sums are added in rank order (thread-count independent).
fn all_pairs_denominator(table: &[f64], n: usize) -> f64 {
    let blocks = n.div_ceil(VOTER_BLOCK);
    let per_block = map_ranks(blocks, |block| {
        let k0 = block * VOTER_BLOCK;
        let width = VOTER_BLOCK.min(n - k0);
        let mut column = vec![0.0; width * n];
        for a in 0..n {
            let row = &table[a * (n + 1) + k0 + 1..a * (n + 1) + k0 + 1 + width];
            for (b, v) in row.iter().enumerate() {
                column[b * n + a] = *v;
            }
        }
        let mut sums = [0.0; VOTER_BLOCK];
        for b in 0..width {
            sums[b] = sorted_abs_diff_sum(&column[b * n..(b + 1) * n], k0 + b);
        }
        sums
    });
    let mut total = 0.0;
    for (block, sums) in per_block.iter().enumerate() {
        let width = VOTER_BLOCK.min(n - block * VOTER_BLOCK);
        for s in &sums[..width] {
            total += s;
        }
    }
    total
}

/// Voters per block in [`all_pairs_denominator`] (two cache lines of `f64`).
const VOTER_BLOCK: usize = 16;

/// `Σ_a Σ_b |v_a − v_b|` for values that are non-increasing up to index `k` and
/// non-decreasing from `k` on (see [`all_pairs_denominator`]).
fn sorted_abs_diff_sum(values: &[f64], k: usize) -> f64 {
    let n = values.len();
    let mut left = k; // next from the left run is values[left − 1]
    let mut right = k; // next from the right run is values[right]
    let next_left = |left: usize| {
        if left > 0 {
            values[left - 1]
        } else {
            f64::INFINITY
        }
    };
    let next_right = |right: usize| {
        if right < n {
            values[right]
        } else {
            f64::INFINITY
        }
    };
    let (mut vl, mut vr) = (next_left(left), next_right(right));
    let mut sum = 0.0;
    for t in 0..n {
        let v = if vl < vr {
            left -= 1;
            let v = vl;
            vl = next_left(left);
            v
        } else {
            right += 1;
            let v = vr;
            vr = next_right(right);
            v
        };
        sum += v * (2.0 * t as f64 - n as f64 + 1.0);
    }
    2.0 * sum
}

/// Counts of voters below / not above the midpoint `(x_i + x_j)/2`, for a fixed `i` and `j`
/// running through the ranks in increasing order: the midpoint never decreases, so both counts
/// only move forward and a whole row costs O(n) instead of O(n log n).
#[derive(Debug, Clone, Copy, Default)]
struct MidCursor {
    below: usize,
    not_above: usize,
}

impl MidCursor {
    fn new() -> Self {
        Self::default()
    }

    #[inline]
    fn advance(&mut self, xs: &[f64], mid: f64) -> (usize, usize) {
        let n = xs.len();
        while self.below < n && xs[self.below] < mid {
            self.below += 1;
        }
        self.not_above = self.not_above.max(self.below);
        while self.not_above < n && xs[self.not_above] <= mid {
            self.not_above += 1;
        }
        (self.below, self.not_above)
    }
}

fn map_ranks<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    if n < PARALLEL_MIN {
        (0..n).map(f).collect()
    } else {
        (0..n).into_par_iter().map(f).collect()
    }
}

impl Engine<'_> {
    /// Sort the actors by position and fill the rank-ordered arrays.
    fn sort(&mut self, x: &[f64]) {
        self.order = sorted_order(x);
        for (rank, &c) in self.order.iter().enumerate() {
            self.xs[rank] = x[c];
            self.ws[rank] = self.weight[c];
            self.ss[rank] = self.salience[c];
        }
    }

    /// Fill the prefix-sum table of the votes (E1) with exponents `rs` (or 1 for every voter
    /// when `unit_risk`) and return Scholz's all-pairs denominator (E3'; 0 for `bdm`, which
    /// does not need it). Votes as in BDM (1994) and Scholz et al. (2011); see the module docs.
    fn build_table(&mut self, range: f64, unit_risk: bool) -> f64 {
        let n = self.n;
        self.table.resize((n + 1) * n, 0.0);
        let xs = &self.xs;
        let ws = &self.ws;
        let rs = &self.rs;
        let exponent = |k: usize| if unit_risk { 1.0 } else { rs[k] };
        // 1. Raw votes: row a, column k + 1 holds w_k (|x_k − x_a| / Δ)^{r_k}.
        // Candidates at the same position have identical rows; only the first of each group is
        // computed here (the rest are copied below), which matters on integer-valued scales.
        let fill = |(a, row): (usize, &mut [f64])| {
            let xa = xs[a];
            if a > 0 && xs[a - 1] == xa {
                return;
            }
            row[0] = 0.0;
            for k in 0..n {
                row[k + 1] = ws[k] * pow_r((xs[k] - xa).abs() / range, exponent(k));
            }
        };
        if n < PARALLEL_MIN {
            self.table.chunks_mut(n + 1).enumerate().for_each(fill);
        } else {
            self.table.par_chunks_mut(n + 1).enumerate().for_each(fill);
        }
        for a in 1..n {
            if xs[a - 1] == xs[a] {
                self.table
                    .copy_within((a - 1) * (n + 1)..a * (n + 1), a * (n + 1));
            }
        }
        // 2. Scholz's all-pairs denominator from the raw columns (one voter per column).
        let all_pairs = if self.variant == Variant::Scholz2011 {
            all_pairs_denominator(&self.table, n)
        } else {
            0.0
        };
        // 3. Prefix sums along each row, in place.
        let prefix = |row: &mut [f64]| {
            let mut acc = 0.0;
            for v in &mut row[1..] {
                acc += *v;
                *v = acc;
            }
        };
        if n < PARALLEL_MIN {
            self.table.chunks_mut(n + 1).for_each(prefix);
        } else {
            self.table.par_chunks_mut(n + 1).for_each(prefix);
        }
        all_pairs
    }

    /// Expected utility (E9–E10) of `challenger` challenging `target`, as perceived with
    /// exponent `r`, given `P = P(challenger beats target)`, the target's salience and the
    /// challenger's distance to the median `dist_mu`:
    ///
    /// `EU = s_t [P U^s + (1 − P) U^f] + (1 − s_t) U^s − {Q U^sq + (1 − Q)[T U^b + (1 − T) U^w]}`.
    ///
    /// BDM (1994; 1997, expected utility of a challenge); Scholz et al. (2011), with the perceiving
    /// actor's exponent in every utility.
    #[inline]
    #[allow(clippy::too_many_arguments)] // the symbols of the equation, kept apart for clarity
    fn expected_utility(
        &self,
        prob_success: f64,
        target_salience: f64,
        u_success: f64,
        u_failure: f64,
        u_sq: f64,
        dist_mu: f64,
        dist: f64,
        range: f64,
        r: f64,
    ) -> f64 {
        let eu_resist =
            target_salience * (prob_success * u_success + (1.0 - prob_success) * u_failure);
        let eu_not_resist = (1.0 - target_salience) * u_success;
        let eu_status_quo = if self.q == 1.0 {
            self.q * u_sq
        } else {
            let (u_better, u_worse) = u_better_worse(dist_mu, dist, range, r);
            self.q * u_sq + (1.0 - self.q) * (self.t * u_better + (1.0 - self.t) * u_worse)
        };
        eu_resist + eu_not_resist - eu_status_quo
    }

    /// One round (BDM 1994; Scholz et al. 2011; `docs/models/eum.md` §2): risk (E11–E12),
    /// then offers (E10, E13), moves applied simultaneously. Returns the accepted moves in
    /// canonical indices.
    fn round(&mut self, x: &[f64], range: f64, median: f64) -> Vec<Move> {
        let n = self.n;
        // All positions equal (or a NaN range): nobody can challenge anybody.
        if range.is_nan() || range <= 0.0 {
            return Vec::new();
        }
        self.sort(x);

        // (E11–E12) Risk: every exponent 1, security S_i = Σ_{j≠i} E^i[U_ji], normalised
        // across actors (Scholz et al. 2011, "risk"; jmckib `risk_acceptance`).
        self.rs.iter_mut().for_each(|r| *r = 1.0);
        let all_pairs = self.build_table(range, true);
        let security = {
            let tables = Tables {
                n,
                variant: self.variant,
                xs: &self.xs,
                table: &self.table,
                all_pairs,
            };
            let this = &*self;
            map_ranks(n, |i| {
                let usq = u_status_quo(1.0);
                let mut cursor = MidCursor::new();
                let mut sum = 0.0;
                // The term depends on x_j only (challengers at one position are adjacent).
                let (mut cached_x, mut term) = (f64::NAN, 0.0);
                for j in 0..n {
                    if j == i {
                        continue;
                    }
                    if this.xs[j] == cached_x {
                        sum += term;
                        continue;
                    }
                    cached_x = this.xs[j];
                    let dist = (this.xs[j] - this.xs[i]).abs();
                    let (p_ji, _) = tables.probs(j, i, &mut cursor);
                    term = this.expected_utility(
                        p_ji,
                        this.ss[i],
                        u_success(dist, range, 1.0),
                        u_failure(dist, range, 1.0),
                        usq,
                        (this.xs[j] - median).abs(),
                        dist,
                        range,
                        1.0,
                    );
                    sum += term;
                }
                sum
            })
        };
        let s_max = security.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let s_min = security.iter().copied().fold(f64::INFINITY, f64::min);
        for (r, s) in self.rs.iter_mut().zip(&security) {
            let big_r = if s_max > s_min {
                (2.0 * s - s_max - s_min) / (s_max - s_min)
            } else {
                0.0
            };
            *r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0);
        }

        // Offers under the new exponents.
        let all_pairs = self.build_table(range, false);
        let tables = Tables {
            n,
            variant: self.variant,
            xs: &self.xs,
            table: &self.table,
            all_pairs,
        };
        let this = &*self;
        let best = map_ranks(n, |i| this.best_offer(&tables, i, range, median));
        best.into_iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.map(|c| Move {
                    receiver: self.order[i],
                    proposer: self.order[c.proposer],
                    kind: c.kind,
                    eu_self: c.eu_self,
                    eu_counterpart: c.eu_counterpart,
                    new_position: c.new_position,
                })
            })
            .collect()
    }

    /// The offer receiver `i` (rank) accepts, if any (E13; BDM 1994; Scholz et al. 2011,
    /// "offers"); everything from `i`'s perspective with its exponent `r_i`.
    ///
    /// Classification with `a = E^i[U_ij]`, `b = E^i[U_ji]`: `b > a > 0` confrontation (move to
    /// `x_j`); `b > 0 > a`, `b > |a|` compromise (move to `x_i + (x_j − x_i)|a/b|`);
    /// `b > 0 > a`, `b < |a|` capitulation (move to `x_j`; never fires in `scholz2011`, whose
    /// reference code tests `b < |b|`).
    ///
    /// Choice: `scholz2011` takes a confrontation if any (nearest), else the compromise with the
    /// smallest `(|a| x_i + |b| x_j)/(|a| + |b|)`, ties to the first proposer in input order.
    /// `bdm` takes the offer that moves `i` least, ties by kind (confrontation, compromise,
    /// capitulation) and then by proposer name.
    fn best_offer(
        &self,
        tables: &Tables<'_>,
        i: usize,
        range: f64,
        median: f64,
    ) -> Option<Candidate> {
        let n = self.n;
        let r = self.rs[i];
        let usq = u_status_quo(r);
        let xi = self.xs[i];
        let dist_mu_i = (xi - median).abs();
        let mut best: Option<Candidate> = None;
        let mut cursor = MidCursor::new();
        // Everything but the target's salience depends on x_j only; proposers at the same
        // position are adjacent in rank order, so the values of the last position are reused
        // (bit-identical to recomputing them).
        let mut cached_x = f64::NAN;
        let (mut us, mut uf, mut p_ij, mut eu_ji) = (0.0, 0.0, 0.0, 0.0);
        for j in 0..n {
            let xj = self.xs[j];
            if j == i || xj == xi {
                continue;
            }
            let dist = (xi - xj).abs();
            if xj != cached_x {
                cached_x = xj;
                us = u_success(dist, range, r);
                uf = u_failure(dist, range, r);
                let (p, p_ji) = tables.probs(i, j, &mut cursor);
                p_ij = p;
                eu_ji = self.expected_utility(
                    p_ji,
                    self.ss[i],
                    us,
                    uf,
                    usq,
                    (xj - median).abs(),
                    dist,
                    range,
                    r,
                );
            }
            let eu_ij =
                self.expected_utility(p_ij, self.ss[j], us, uf, usq, dist_mu_i, dist, range, r);
            let (kind, new_position) = if eu_ji > eu_ij && eu_ij > 0.0 {
                (OfferKind::Confrontation, xj)
            } else if eu_ji > 0.0 && 0.0 > eu_ij && eu_ji > eu_ij.abs() {
                // Clamped to [x_i, x_j] against a last-bit overshoot of the rounded sum (the
                // exact value always lies between them; never triggers on the EC data).
                let position = xi + (xj - xi) * (eu_ij / eu_ji).abs();
                (
                    OfferKind::Compromise,
                    position.max(xi.min(xj)).min(xi.max(xj)),
                )
            } else if self.variant == Variant::Bdm
                && eu_ji > 0.0
                && 0.0 > eu_ij
                && eu_ji < eu_ij.abs()
            {
                (OfferKind::Capitulation, xj)
            } else {
                continue;
            };
            let key = match (self.variant, kind) {
                (Variant::Scholz2011, OfferKind::Compromise) => {
                    (eu_ij.abs() * xi + eu_ji.abs() * xj) / (eu_ij.abs() + eu_ji.abs())
                }
                _ => (xi - new_position).abs(),
            };
            let candidate = Candidate {
                proposer: j,
                kind,
                eu_self: eu_ij,
                eu_counterpart: eu_ji,
                new_position,
                key,
            };
            if best.is_none_or(|b| self.better(&candidate, &b)) {
                best = Some(candidate);
            }
        }
        best
    }

    /// Strict preference between two offers to the same receiver, (E13) selection rule of
    /// Scholz et al.'s code or BDM's least move (see [`Self::best_offer`]).
    fn better(&self, a: &Candidate, b: &Candidate) -> bool {
        let kind_rank = |k: OfferKind| match k {
            OfferKind::Confrontation => 0u8,
            OfferKind::Compromise => 1,
            OfferKind::Capitulation => 2,
        };
        // Canonical index of the proposer: input order (scholz) or name order (bdm).
        let (pa, pb) = (self.order[a.proposer], self.order[b.proposer]);
        let ordering = match self.variant {
            Variant::Scholz2011 => kind_rank(a.kind)
                .cmp(&kind_rank(b.kind))
                .then(a.key.total_cmp(&b.key))
                .then(pa.cmp(&pb)),
            Variant::Bdm => a
                .key
                .total_cmp(&b.key)
                .then(kind_rank(a.kind).cmp(&kind_rank(b.kind)))
                .then(pa.cmp(&pb)),
        };
        ordering.is_lt()
    }
}
