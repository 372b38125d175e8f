//! The lean round for small issues (fewer than [`PARALLEL_MIN`] actors), where the general
//! round of [`super::engine`] spends most of its time on work it repeats rather than on the
//! model: it computes each pair's probabilities twice (once from each side), matches on the
//! variant and checks for NaN inside the pair loop, and compares offers through a `Candidate`.
//!
//! Here one round is:
//! 1. per unordered pair of ranks, once: the distance, the midpoint counts and, after each of
//!    the two vote tables (E1) is built, `P_ij` and `P_ji` (E3 / E3');
//! 2. the risk pass (E11–E12) and the offer pass (E13) read those pair values;
//! 3. the variant is the type parameter `V` ([`Rules`]), so the compiler removes the branches
//!    of the other variant from every loop;
//! 4. positions are checked once per round (finite, else the general round takes over);
//! 5. the best offer so far is a handful of plain fields.
//!
//! `scholz2011` ([`Scholz`]) keeps the reference arithmetic: every number is computed with the
//! same operations in the same order as the general round, so both give the same bits (a test
//! checks this). `bdm` ([`Bdm`]) shares one logarithm per pair and raises with
//! `exp(r · ln d)` instead of `powf(d, r)`: `ln d` of a pair serves both of its table entries
//! (the voters' exponents differ) and `ln(0.5 ∓ 0.5 d)` serve both actors' utilities of success
//! and failure (E5–E6); `exp` and `ln` together cost about two thirds of one `powf`, and
//! `powf` was 41% of the run time. Both are the inlined functions of [`super::math`] (within
//! 1 ulp of glibc's, no call). Each power then differs from `powf`'s by an ulp or so. The
//! model's dynamics amplify such differences over rounds: measured against the general round
//! on random issues, at most 3.6e-11 over 12 rounds and 1.1e-6 over a 100-round run (positions
//! on 0–100); on the EC case's central run 1.3e-14. Monte Carlo summaries move within their
//! sampling noise (`docs/performance.md` lists what changed against the previous release).

use std::marker::PhantomData;

use super::Move;
use super::PARALLEL_MIN;
use super::math::{exp, ln};
use super::options::Variant;
use super::result::OfferKind;
use super::utility::{StatusQuo, pow_r, u_failure, u_status_quo, u_success};
use super::votes::all_pairs_denominator;

/// What differs between the variants inside a round; implemented by [`Bdm`] and [`Scholz`].
pub(super) trait Rules {
    /// The variant, for the selection rule and capitulation.
    const VARIANT: Variant;

    /// The bases of a pair at distance `dist` that are later raised to actors' exponents,
    /// `d = dist / Δ` (E1), `0.5 − 0.5 d` (E5) and `0.5 + 0.5 d` (E6), stored as the bases
    /// themselves (`scholz2011`) or as their logarithms (`bdm`).
    fn bases(dist: f64, range: f64) -> (f64, f64, f64);

    /// `b^r` from a base stored by [`Self::bases`].
    fn raise(prepared: f64, r: f64) -> f64;
}

/// `bdm`: shared logarithms, `b^r = exp(r ln b)`.
pub(super) struct Bdm;

/// `scholz2011`: the reference arithmetic, `b^r = powf(b, r)` (exact for `r = 1`).
pub(super) struct Scholz;

impl Rules for Bdm {
    const VARIANT: Variant = Variant::Bdm;

    #[inline]
    fn bases(dist: f64, range: f64) -> (f64, f64, f64) {
        let d = dist / range;
        (ln(d), ln(0.5 - 0.5 * d), ln(0.5 + 0.5 * d))
    }

    #[inline]
    fn raise(prepared: f64, r: f64) -> f64 {
        // ln 0 = −∞ and r > 0 (E12 keeps r in [1/2, 2]), so a zero base stays exactly 0.
        exp(r * prepared)
    }
}

impl Rules for Scholz {
    const VARIANT: Variant = Variant::Scholz2011;

    #[inline]
    fn bases(dist: f64, range: f64) -> (f64, f64, f64) {
        // The expressions of the general round (`u_success`, `u_failure`, the table), so the
        // same bits.
        (
            dist / range,
            0.5 - 0.5 * dist / range,
            0.5 + 0.5 * dist / range,
        )
    }

    #[inline]
    fn raise(prepared: f64, r: f64) -> f64 {
        pow_r(prepared, r)
    }
}

/// What one pair of ranks contributes to a round, as seen from the row's rank `i` against
/// the column's `j` (both orientations are stored, so each receiver reads one contiguous row).
#[derive(Debug, Clone, Copy, Default)]
struct Pair {
    /// `|x_hi − x_lo|`.
    dist: f64,
    /// `|x_hi − x_lo| / Δ`, as [`Rules::bases`] stores it: the base of the pair's votes (E1).
    vote_base: f64,
    /// `0.5 − 0.5 d / Δ` and `0.5 + 0.5 d / Δ`, stored alike: the bases of (E5) and (E6).
    success_base: f64,
    failure_base: f64,
    /// `U^s` and `U^f` (E5–E6) with exponent 1, for the risk pass.
    unit_success: f64,
    unit_failure: f64,
    /// Voters strictly below / not above the midpoint (kept in the `i < j` entry).
    below: usize,
    not_above: usize,
    /// `P(i beats j)` and `P(j beats i)` under the current table (0 for equal positions).
    p_win: f64,
    p_lose: f64,
}

/// Scratch state of the lean round, reused across rounds.
pub(super) struct Lean<'a, V: Rules> {
    n: usize,
    status_quo: StatusQuo,
    /// `c · s` and `s` in canonical order.
    weight: &'a [f64],
    salience: &'a [f64],
    /// rank → canonical index, and positions, weights, saliences, exponents in rank order.
    order: Vec<usize>,
    xs: Vec<f64>,
    ws: Vec<f64>,
    ss: Vec<f64>,
    rs: Vec<f64>,
    /// The prefix-sum vote table, laid out as in [`super::votes::Tables`].
    table: Vec<f64>,
    /// `pairs[i · n + j]` for `i ≠ j`; the diagonal's `vote_base` is `ln 0` (`bdm`), so that the
    /// voter's own entry of the table is 0 without a branch.
    pairs: Vec<Pair>,
    security: Vec<f64>,
    rules: PhantomData<V>,
}

impl<'a, V: Rules> Lean<'a, V> {
    /// Scratch state for `n = weight.len() < PARALLEL_MIN` actors.
    pub(super) fn new(status_quo: StatusQuo, weight: &'a [f64], salience: &'a [f64]) -> Self {
        let n = weight.len();
        debug_assert!(n < PARALLEL_MIN);
        Self {
            n,
            status_quo,
            weight,
            salience,
            order: Vec::with_capacity(n),
            xs: vec![0.0; n],
            ws: vec![0.0; n],
            ss: vec![0.0; n],
            rs: vec![1.0; n],
            table: vec![0.0; (n + 1) * n],
            pairs: vec![Pair::default(); n * n],
            security: vec![0.0; n],
            rules: PhantomData,
        }
    }

    /// One round, as [`super::engine::Engine::round`], the accepted moves into `moves`;
    /// `false` when a position is not finite (cannot happen after validation, but then the
    /// general round decides).
    pub(super) fn round(
        &mut self,
        x: &[f64],
        range: f64,
        median: f64,
        moves: &mut Vec<Move>,
    ) -> bool {
        moves.clear();
        // The one NaN check of the round: with finite positions and a positive finite range,
        // no distance, base or probability below can be NaN.
        if !x.iter().all(|v| v.is_finite()) {
            return false;
        }
        if range.is_nan() || range <= 0.0 {
            return true;
        }
        let n = self.n;
        self.sort(x);
        self.pair_geometry(range);

        // (E11–E12) Risk, with every exponent 1 (no powers at all in this pass).
        let all_pairs = self.build_table(range, true);
        self.pair_probabilities(all_pairs);
        let usq = u_status_quo(1.0);
        assert_eq!(self.pairs.len(), n * n);
        for ((i, row), (security, &s_i)) in self
            .pairs
            .chunks_exact(n)
            .enumerate()
            .zip(self.security.iter_mut().zip(&self.ss))
        {
            let mut sum = 0.0;
            for (j, (pair, &xj)) in row.iter().zip(&self.xs).enumerate() {
                if j == i {
                    continue;
                }
                sum += self.status_quo.expected_utility(
                    pair.p_lose,
                    s_i,
                    pair.unit_success,
                    pair.unit_failure,
                    usq,
                    (xj - median).abs(),
                    pair.dist,
                    range,
                    1.0,
                );
            }
            *security = sum;
        }
        let s_max = self
            .security
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let s_min = self.security.iter().copied().fold(f64::INFINITY, f64::min);
        for (r, s) in self.rs.iter_mut().zip(&self.security) {
            let big_r = if s_max > s_min {
                (2.0 * s - s_max - s_min) / (s_max - s_min)
            } else {
                0.0
            };
            *r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0);
        }

        // Offers under the new exponents.
        let all_pairs = self.build_table(range, false);
        self.pair_probabilities(all_pairs);
        moves.extend((0..n).filter_map(|i| self.best_offer(i, range, median)));
        true
    }

    fn sort(&mut self, x: &[f64]) {
        // As `sorted_order`, into the reused buffer.
        self.order.clear();
        self.order.extend(0..self.n);
        self.order
            .sort_unstable_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
        for (rank, &c) in self.order.iter().enumerate() {
            self.xs[rank] = x[c];
            self.ws[rank] = self.weight[c];
            self.ss[rank] = self.salience[c];
        }
    }

    /// Distances, prepared bases and midpoint counts of every pair (same expressions as the
    /// general round, so the same bits).
    fn pair_geometry(&mut self, range: f64) {
        let n = self.n;
        let xs = &self.xs;
        for lo in 0..n {
            // The midpoint grows with `hi`, so the two counts only move forward.
            let (mut below, mut not_above) = (0, 0);
            for hi in lo + 1..n {
                let dist = (xs[hi] - xs[lo]).abs();
                let mid = 0.5 * xs[lo] + 0.5 * xs[hi];
                while below < n && xs[below] < mid {
                    below += 1;
                }
                not_above = not_above.max(below);
                while not_above < n && xs[not_above] <= mid {
                    not_above += 1;
                }
                let (vote_base, success_base, failure_base) = V::bases(dist, range);
                let pair = Pair {
                    dist,
                    vote_base,
                    success_base,
                    failure_base,
                    unit_success: u_success(dist, range, 1.0),
                    unit_failure: u_failure(dist, range, 1.0),
                    below,
                    not_above,
                    p_win: 0.0,
                    p_lose: 0.0,
                };
                self.pairs[lo * n + hi] = pair;
                self.pairs[hi * n + lo] = pair;
            }
            // Only read by `bdm`'s table, where exp(r · ln 0) = 0 is the voter's own vote.
            self.pairs[lo * n + lo].vote_base = f64::NEG_INFINITY;
        }
    }

    /// The vote table (E1) with exponents `rs` (or 1 when `unit_risk`), and Scholz's all-pairs
    /// denominator (E3'; 0 for `bdm`). Same entries and sums as the general round.
    fn build_table(&mut self, range: f64, unit_risk: bool) -> f64 {
        let n = self.n;
        assert!(self.table.len() == (n + 1) * n && self.pairs.len() == n * n);
        let (xs, ws, rs) = (&self.xs[..n], &self.ws[..n], &self.rs[..n]);
        for ((row, pairs), &xa) in self
            .table
            .chunks_exact_mut(n + 1)
            .zip(self.pairs.chunks_exact(n))
            .zip(xs)
        {
            row[0] = 0.0;
            let entries = row[1..]
                .iter_mut()
                .zip(pairs)
                .zip(xs.iter().zip(ws).zip(rs));
            for ((entry, pair), ((&xk, &wk), &rk)) in entries {
                let base = if unit_risk || V::VARIANT == Variant::Scholz2011 {
                    // Scholz: `powf` of the same base as the general round (its `r = 1`
                    // shortcut included); any variant with unit risk: the base itself.
                    let g = (xk - xa).abs() / range;
                    if unit_risk { g } else { pow_r(g, rk) }
                } else {
                    // The diagonal's base is ln 0: the voter's own entry is exactly 0.
                    V::raise(pair.vote_base, rk)
                };
                *entry = wk * base;
            }
        }
        let all_pairs = if V::VARIANT == Variant::Scholz2011 {
            all_pairs_denominator(&self.table, n)
        } else {
            0.0
        };
        for row in self.table.chunks_mut(n + 1) {
            let mut acc = 0.0;
            for v in &mut row[1..] {
                acc += *v;
                *v = acc;
            }
        }
        all_pairs
    }

    /// `P_ij` and `P_ji` of every pair from the current table (E3 for `bdm`, E3' for
    /// `scholz2011`), as [`super::votes::Tables::probs`] computes them.
    fn pair_probabilities(&mut self, all_pairs: f64) {
        let n = self.n;
        for lo in 0..n {
            let row_lo = &self.table[lo * (n + 1)..(lo + 1) * (n + 1)];
            for hi in lo + 1..n {
                let pair = &self.pairs[lo * n + hi];
                if self.xs[lo] == self.xs[hi] {
                    (
                        self.pairs[lo * n + hi].p_win,
                        self.pairs[lo * n + hi].p_lose,
                    ) = (0.0, 0.0);
                    (
                        self.pairs[hi * n + lo].p_win,
                        self.pairs[hi * n + lo].p_lose,
                    ) = (0.0, 0.0);
                    continue;
                }
                let row_hi = &self.table[hi * (n + 1)..(hi + 1) * (n + 1)];
                let (below, not_above) = (pair.below, pair.not_above);
                let n_lo = (row_hi[below] - row_lo[below]).max(0.0);
                let n_hi =
                    ((row_lo[n] - row_lo[not_above]) - (row_hi[n] - row_hi[not_above])).max(0.0);
                let (p_lo, p_hi) = match V::VARIANT {
                    Variant::Scholz2011 => {
                        if all_pairs > 0.0 {
                            (n_lo / all_pairs, n_hi / all_pairs)
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
                (
                    self.pairs[lo * n + hi].p_win,
                    self.pairs[lo * n + hi].p_lose,
                ) = (p_lo, p_hi);
                (
                    self.pairs[hi * n + lo].p_win,
                    self.pairs[hi * n + lo].p_lose,
                ) = (p_hi, p_lo);
            }
        }
    }

    /// The offer receiver `i` (rank) accepts, if any: the rules of
    /// [`super::engine::Engine::best_offer`] (E13) with the best offer in plain fields.
    fn best_offer(&self, i: usize, range: f64, median: f64) -> Option<Move> {
        let n = self.n;
        let r = self.rs[i];
        let usq = u_status_quo(r);
        let xi = self.xs[i];
        let dist_mu_i = (xi - median).abs();
        // Best so far: rank of the proposer (n = none), its kind's rank, key and numbers.
        let mut best = n;
        let (mut best_kind, mut best_rank, mut best_key) = (OfferKind::Confrontation, 0u8, 0.0);
        let (mut best_eu_self, mut best_eu_counterpart, mut best_position) = (0.0, 0.0, 0.0);
        let row = &self.pairs[i * n..(i + 1) * n];
        for (j, (pair, (&xj, &s_j))) in row.iter().zip(self.xs.iter().zip(&self.ss)).enumerate() {
            // Also skips j = i.
            if xj == xi {
                continue;
            }
            let (p_ij, p_ji) = (pair.p_win, pair.p_lose);
            let dist = pair.dist;
            let us = 2.0 - 4.0 * V::raise(pair.success_base, r);
            let uf = 2.0 - 4.0 * V::raise(pair.failure_base, r);
            let eu_ji = self.status_quo.expected_utility(
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
            let eu_ij = self
                .status_quo
                .expected_utility(p_ij, s_j, us, uf, usq, dist_mu_i, dist, range, r);
            let (kind, rank, new_position) = if eu_ji > eu_ij && eu_ij > 0.0 {
                (OfferKind::Confrontation, 0u8, xj)
            } else if eu_ji > 0.0 && 0.0 > eu_ij && eu_ji > eu_ij.abs() {
                // Clamped as in the general round.
                let position = xi + (xj - xi) * (eu_ij / eu_ji).abs();
                (
                    OfferKind::Compromise,
                    1,
                    position.max(xi.min(xj)).min(xi.max(xj)),
                )
            } else if V::VARIANT == Variant::Bdm
                && eu_ji > 0.0
                && 0.0 > eu_ij
                && eu_ji < eu_ij.abs()
            {
                (OfferKind::Capitulation, 2, xj)
            } else {
                continue;
            };
            let key = if V::VARIANT == Variant::Scholz2011 && kind == OfferKind::Compromise {
                (eu_ij.abs() * xi + eu_ji.abs() * xj) / (eu_ij.abs() + eu_ji.abs())
            } else {
                (xi - new_position).abs()
            };
            let better = best == n || {
                let by_proposer = self.order[j].cmp(&self.order[best]);
                let ordering = match V::VARIANT {
                    Variant::Scholz2011 => rank
                        .cmp(&best_rank)
                        .then(key.total_cmp(&best_key))
                        .then(by_proposer),
                    Variant::Bdm => key
                        .total_cmp(&best_key)
                        .then(rank.cmp(&best_rank))
                        .then(by_proposer),
                };
                ordering.is_lt()
            };
            if better {
                best = j;
                (best_kind, best_rank, best_key) = (kind, rank, key);
                (best_eu_self, best_eu_counterpart, best_position) = (eu_ij, eu_ji, new_position);
            }
        }
        (best < n).then(|| Move {
            receiver: self.order[i],
            proposer: self.order[best],
            kind: best_kind,
            eu_self: best_eu_self,
            eu_counterpart: best_eu_counterpart,
            new_position: best_position,
        })
    }
}
