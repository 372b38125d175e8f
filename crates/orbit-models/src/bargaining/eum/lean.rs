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
//! 5. the best offer so far is a handful of plain fields;
//! 6. the powers are computed in batches, all `n²` of a kind at once ([`Rules::raise`]), so
//!    that `bdm`'s run four at a time on AVX2 ([`super::math`]); the whole round is
//!    `#[inline(always)]` and runs through [`Vector::run`] ([`super::Kernel`]), so it is
//!    compiled once for the baseline CPU and once for x86-64-v3 (the same bits either way).
//!
//! `scholz2011` ([`Scholz`]) keeps the reference arithmetic: every number is computed with the
//! same operations in the same order as the general round, so both give the same bits (a test
//! checks this). `bdm` ([`Bdm`]) shares one logarithm per pair and raises with
//! `exp(r · ln d)` instead of `powf(d, r)`: `ln d` of a pair serves both of its table entries
//! (the voters' exponents differ) and `ln(0.5 ∓ 0.5 d)` serve both actors' utilities of success
//! and failure (E5–E6), and E7's `0.5^r` is `exp(r · ln 0.5)` too, every receiver's in one
//! batch per round; `exp` and `ln` together cost about two thirds of one `powf`, and
//! `powf` was 41% of the run time. Both are the inlined functions of [`super::math`] (within
//! 1 ulp of glibc's, no call). Each power then differs from `powf`'s by an ulp or so. The
//! model's dynamics amplify such differences over rounds: measured against the general round
//! on random issues, at most 3.6e-11 over 12 rounds and 1.1e-6 over a 100-round run (positions
//! on 0–100); on the EC case's central run 1.3e-14. Monte Carlo summaries move within their
//! sampling noise (`docs/performance.md` lists what changed against the previous release).

use std::marker::PhantomData;

use super::Move;
use super::PARALLEL_MIN;
use super::math::{Vector, exp_products, ln_batch};
use super::options::Variant;
use super::result::OfferKind;
use super::utility::{StatusQuo, pow_r, u_failure, u_status_quo, u_success};
use super::votes::all_pairs_denominator;

/// What differs between the variants inside a round; implemented by [`Bdm`] and [`Scholz`].
pub(super) trait Rules {
    /// The variant, for the selection rule and capitulation.
    const VARIANT: Variant;

    /// The bases of a pair at distance `dist` that are later raised to actors' exponents,
    /// `d = dist / Δ` (E1), `0.5 − 0.5 d` (E5) and `0.5 + 0.5 d` (E6), each with the
    /// expression the variant's reference uses.
    fn bases(dist: f64, range: f64) -> (f64, f64, f64);

    /// The bases as they are stored for [`Self::raise`]: themselves (`scholz2011`) or
    /// their logarithms (`bdm`).
    fn prepare(vector: Vector, bases: &[f64], prepared: &mut [f64]);

    /// `out[k] = b_k^(r_k)` for bases prepared by [`Self::prepare`].
    fn raise(vector: Vector, exponents: &[f64], prepared: &[f64], out: &mut [f64]);
}

/// `bdm`: shared logarithms, `b^r = exp(r ln b)`.
pub(super) struct Bdm;

/// `scholz2011`: the reference arithmetic, `b^r = powf(b, r)` (exact for `r = 1`).
pub(super) struct Scholz;

impl Rules for Bdm {
    const VARIANT: Variant = Variant::Bdm;

    #[inline(always)]
    fn bases(dist: f64, range: f64) -> (f64, f64, f64) {
        let d = dist / range;
        (d, 0.5 - 0.5 * d, 0.5 + 0.5 * d)
    }

    #[inline(always)]
    fn prepare(vector: Vector, bases: &[f64], prepared: &mut [f64]) {
        ln_batch(vector, bases, prepared);
    }

    #[inline(always)]
    fn raise(vector: Vector, exponents: &[f64], prepared: &[f64], out: &mut [f64]) {
        // ln 0 = −∞ and r > 0 (E12 keeps r in [1/2, 2]), so a zero base stays exactly 0.
        exp_products(vector, exponents, prepared, out);
    }
}

impl Rules for Scholz {
    const VARIANT: Variant = Variant::Scholz2011;

    #[inline(always)]
    fn bases(dist: f64, range: f64) -> (f64, f64, f64) {
        // The expressions of the general round (`u_success`, `u_failure`, the table), so the
        // same bits.
        (
            dist / range,
            0.5 - 0.5 * dist / range,
            0.5 + 0.5 * dist / range,
        )
    }

    #[inline(always)]
    fn prepare(_: Vector, bases: &[f64], prepared: &mut [f64]) {
        prepared.copy_from_slice(bases);
    }

    #[inline(always)]
    fn raise(_: Vector, exponents: &[f64], prepared: &[f64], out: &mut [f64]) {
        for ((o, &b), &r) in out.iter_mut().zip(prepared).zip(exponents) {
            *o = pow_r(b, r);
        }
    }
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
    /// What the pairs of ranks contribute to a round, one array per quantity (struct of
    /// arrays), entry `i · n + j` as seen from the row's rank `i` against the column's `j`
    /// (both orientations are stored, so a receiver reads contiguous rows that the compiler
    /// can run four lanes at a time): `|x_i − x_j|`; `U^s` and `U^f` (E5–E6) with exponent 1,
    /// for the risk pass; `P(i beats j)` and `P(j beats i)` under the current table (0 for
    /// equal positions and on the diagonal).
    dist: Vec<f64>,
    unit_success: Vec<f64>,
    unit_failure: Vec<f64>,
    p_win: Vec<f64>,
    p_lose: Vec<f64>,
    /// Voters strictly below / not above each unordered pair's midpoint, in pair order
    /// (`lo < hi`, by `lo` then `hi`).
    midpoint_counts: Vec<(usize, usize)>,
    /// Scratch of one row: the risk pass's terms (E10 with unit exponents), and the offer
    /// pass's two expected utilities (E10) of every column.
    row_terms: Vec<f64>,
    row_eu_self: Vec<f64>,
    row_eu_counterpart: Vec<f64>,
    /// The bases of every pair `i · n + j` as [`Rules::prepare`] stores them, one array each so
    /// that a row is contiguous for the batch powers: `|x_i − x_j| / Δ` (E1; its diagonal is
    /// `ln 0`, read by `bdm` only, so that the voter's own entry of the table is 0 without a
    /// branch), `0.5 − 0.5 d` (E5) and `0.5 + 0.5 d` (E6).
    vote_base: Vec<f64>,
    success_base: Vec<f64>,
    failure_base: Vec<f64>,
    /// Scratch: the pairs' bases in pair order (three per unordered pair) before and after
    /// [`Rules::prepare`]; every entry's exponent as the row's actor's (`r_i`) and as the
    /// column's (`r_j`); and the powers of the round, all `n²` of a kind in one batch (the
    /// vector unit then runs on whole vectors, with at most one partial one at the end).
    raw_bases: Vec<f64>,
    prepared_bases: Vec<f64>,
    row_exponent: Vec<f64>,
    column_exponent: Vec<f64>,
    vote_power: Vec<f64>,
    success_power: Vec<f64>,
    failure_power: Vec<f64>,
    security: Vec<f64>,
    /// `0.5` prepared as the variant prepares a base (`ln 0.5` for `bdm`), per actor, and
    /// `0.5^r_i` (E7's power), raised once per round for every receiver at once.
    prepared_half: Vec<f64>,
    status_quo_power: Vec<f64>,
    /// The vector unit of the batch powers (the same bits on every path).
    vector: Vector,
    rules: PhantomData<V>,
}

impl<'a, V: Rules> Lean<'a, V> {
    /// Scratch state for `n = weight.len() < PARALLEL_MIN` actors.
    pub(super) fn new(status_quo: StatusQuo, weight: &'a [f64], salience: &'a [f64]) -> Self {
        let n = weight.len();
        debug_assert!(n < PARALLEL_MIN);
        let vector = Vector::detect();
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
            dist: vec![0.0; n * n],
            unit_success: vec![0.0; n * n],
            unit_failure: vec![0.0; n * n],
            p_win: vec![0.0; n * n],
            p_lose: vec![0.0; n * n],
            midpoint_counts: Vec::with_capacity(n * n / 2),
            row_terms: vec![0.0; n],
            row_eu_self: vec![0.0; n],
            row_eu_counterpart: vec![0.0; n],
            vote_base: vec![0.0; n * n],
            success_base: vec![0.0; n * n],
            failure_base: vec![0.0; n * n],
            raw_bases: Vec::with_capacity(3 * n * n / 2),
            prepared_bases: Vec::with_capacity(3 * n * n / 2),
            row_exponent: vec![1.0; n * n],
            column_exponent: vec![1.0; n * n],
            vote_power: vec![0.0; n * n],
            success_power: vec![0.0; n * n],
            failure_power: vec![0.0; n * n],
            security: vec![0.0; n],
            prepared_half: Self::prepared(vector, &vec![0.5; n]),
            status_quo_power: vec![0.0; n],
            vector,
            rules: PhantomData,
        }
    }

    /// `bases` as the variant prepares them for [`Rules::raise`].
    fn prepared(vector: Vector, bases: &[f64]) -> Vec<f64> {
        let mut prepared = vec![0.0; bases.len()];
        V::prepare(vector, bases, &mut prepared);
        prepared
    }

    /// The vector unit the round's batches use, and so the build it runs in
    /// ([`Vector::run`]).
    pub(super) fn vector(&self) -> Vector {
        self.vector
    }

    /// One round, as [`super::engine::Engine::round`], the accepted moves into `moves`; `order`
    /// is `x`'s actors sorted by position (ties by index);
    /// `false` when a position is not finite (cannot happen after validation, but then the
    /// general round decides).
    #[inline(always)]
    pub(super) fn round(
        &mut self,
        x: &[f64],
        order: Option<&[usize]>,
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
        self.sort(x, order);
        self.pair_geometry(range);

        // (E11–E12) Risk, with every exponent 1 (no powers at all in this pass).
        let all_pairs = self.build_table(range, true);
        self.pair_probabilities(all_pairs);
        self.risk_pass(range, median);
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
        // (E7) `0.5^r_i` of every receiver in one batch, as the variant raises its bases
        // (`bdm`: `exp(r ln 0.5)`, within an ulp of `powf`; `scholz2011`: `powf`, the same bits).
        V::raise(
            self.vector,
            &self.rs,
            &self.prepared_half,
            &mut self.status_quo_power,
        );
        for ((by_row, by_column), &r_i) in self
            .row_exponent
            .chunks_exact_mut(n)
            .zip(self.column_exponent.chunks_exact_mut(n))
            .zip(&self.rs)
        {
            by_row.fill(r_i);
            by_column.copy_from_slice(&self.rs);
        }

        // Offers under the new exponents.
        let all_pairs = self.build_table(range, false);
        self.pair_probabilities(all_pairs);
        // A plain loop, not a closure: a closure is a function of its own, compiled without
        // the target features of the dispatched build it is called from.
        // (E5–E6) with each receiver's exponent, for every pair at once.
        let exponents = &self.row_exponent;
        V::raise(
            self.vector,
            exponents,
            &self.success_base,
            &mut self.success_power,
        );
        V::raise(
            self.vector,
            exponents,
            &self.failure_base,
            &mut self.failure_power,
        );
        for i in 0..n {
            if let Some(offer) = self.best_offer(i, range, median) {
                moves.push(offer);
            }
        }
        true
    }

    /// The actors sorted by position as `sorted_order` sorts them (ties by index) and the
    /// rank-ordered arrays; `order` is that sort when the round loop has it (the median
    /// voter's sort of the same positions), so that the round does not sort again.
    #[inline(always)]
    fn sort(&mut self, x: &[f64], order: Option<&[usize]>) {
        match order {
            Some(order) => {
                debug_assert!(
                    order.len() == self.n
                        && order
                            .windows(2)
                            .all(|w| x[w[0]].total_cmp(&x[w[1]]).then(w[0].cmp(&w[1])).is_lt())
                );
                self.order.clear();
                self.order.extend_from_slice(order);
            }
            None => {
                // Last round's order as the start: positions move little between rounds, so
                // the (insertion) sort of a nearly sorted list is about one pass. The order
                // is total (ties by index), so the start does not change the result.
                if self.order.len() != self.n {
                    self.order.clear();
                    self.order.extend(0..self.n);
                }
                self.order
                    .sort_unstable_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
            }
        }
        for (rank, &c) in self.order.iter().enumerate() {
            self.xs[rank] = x[c];
            self.ws[rank] = self.weight[c];
            self.ss[rank] = self.salience[c];
        }
    }

    /// Distances, prepared bases and midpoint counts of every pair (same expressions as the
    /// general round, so the same bits).
    #[inline(always)]
    fn pair_geometry(&mut self, range: f64) {
        let n = self.n;
        let xs = &self.xs;
        // Written by index into buffers of the round's size (pushing kept their lengths in
        // memory, a dependency from each pair to the next).
        let pairs = n * (n - 1) / 2;
        self.raw_bases.resize(3 * pairs, 0.0);
        self.midpoint_counts.resize(pairs, (0, 0));
        let mut k = 0;
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
                self.raw_bases[3 * k..3 * k + 3].copy_from_slice(&[
                    vote_base,
                    success_base,
                    failure_base,
                ]);
                self.midpoint_counts[k] = (below, not_above);
                k += 1;
                let (unit_success, unit_failure) =
                    (u_success(dist, range, 1.0), u_failure(dist, range, 1.0));
                for at in [lo * n + hi, hi * n + lo] {
                    self.dist[at] = dist;
                    self.unit_success[at] = unit_success;
                    self.unit_failure[at] = unit_failure;
                }
            }
        }
        // All logarithms of the round in one batch (`bdm`), then into both orientations.
        self.prepared_bases.resize(self.raw_bases.len(), 0.0);
        V::prepare(self.vector, &self.raw_bases, &mut self.prepared_bases);
        let mut bases = self.prepared_bases.chunks_exact(3);
        for lo in 0..n {
            // Only read by `bdm`'s table, where exp(r · ln 0) = 0 is the voter's own vote.
            self.vote_base[lo * n + lo] = f64::NEG_INFINITY;
            for hi in lo + 1..n {
                let Some(&[vote, success, failure]) = bases.next() else {
                    unreachable!("three bases per pair")
                };
                for at in [lo * n + hi, hi * n + lo] {
                    self.vote_base[at] = vote;
                    self.success_base[at] = success;
                    self.failure_base[at] = failure;
                }
            }
        }
    }

    /// The vote table (E1) with exponents `rs` (or 1 when `unit_risk`), and Scholz's all-pairs
    /// denominator (E3'; 0 for `bdm`). Same entries and sums as the general round.
    #[inline(always)]
    fn build_table(&mut self, range: f64, unit_risk: bool) -> f64 {
        let n = self.n;
        assert!(self.table.len() == (n + 1) * n && self.vote_base.len() == n * n);
        if !unit_risk && V::VARIANT == Variant::Bdm {
            // `bdm`: the table's powers in one batch, each voter's own exponent on its
            // column. The diagonal's base is ln 0: the voter's own entry is exactly 0.
            let exponents = &self.column_exponent;
            V::raise(
                self.vector,
                exponents,
                &self.vote_base,
                &mut self.vote_power,
            );
        }
        let (xs, ws, rs) = (&self.xs[..n], &self.ws[..n], &self.rs[..n]);
        for ((row, powers), &xa) in self
            .table
            .chunks_exact_mut(n + 1)
            .zip(self.vote_power.chunks_exact(n))
            .zip(xs)
        {
            row[0] = 0.0;
            let entries = &mut row[1..];
            if unit_risk || V::VARIANT == Variant::Scholz2011 {
                for (entry, ((&xk, &wk), &rk)) in entries.iter_mut().zip(xs.iter().zip(ws).zip(rs))
                {
                    // Scholz: `powf` of the same base as the general round (its `r = 1`
                    // shortcut included); any variant with unit risk: the base itself.
                    let g = (xk - xa).abs() / range;
                    *entry = wk * if unit_risk { g } else { pow_r(g, rk) };
                }
            } else {
                for ((entry, &wk), &power) in entries.iter_mut().zip(ws).zip(powers) {
                    *entry = wk * power;
                }
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
    #[inline(always)]
    fn pair_probabilities(&mut self, all_pairs: f64) {
        let n = self.n;
        assert!(
            self.table.len() == (n + 1) * n
                && self.p_win.len() == n * n
                && self.p_lose.len() == n * n
        );
        let mut counts = self.midpoint_counts.iter();
        for lo in 0..n {
            let row_lo = &self.table[lo * (n + 1)..(lo + 1) * (n + 1)];
            for hi in lo + 1..n {
                let Some(&(below, not_above)) = counts.next() else {
                    unreachable!("one count per pair")
                };
                let (p_lo, p_hi) = if self.xs[lo] == self.xs[hi] {
                    (0.0, 0.0)
                } else {
                    let row_hi = &self.table[hi * (n + 1)..(hi + 1) * (n + 1)];
                    let n_lo = (row_hi[below] - row_lo[below]).max(0.0);
                    let n_hi = ((row_lo[n] - row_lo[not_above]) - (row_hi[n] - row_hi[not_above]))
                        .max(0.0);
                    match V::VARIANT {
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
                    }
                };
                (self.p_win[lo * n + hi], self.p_lose[lo * n + hi]) = (p_lo, p_hi);
                (self.p_win[hi * n + lo], self.p_lose[hi * n + lo]) = (p_hi, p_lo);
            }
        }
    }

    /// The security levels `S_i` (E11): every receiver's sum of the expected utilities (E10,
    /// all exponents 1) of the others challenging it. The terms of a row first, in a loop
    /// without branches that runs four lanes at a time, then summed in column order (the
    /// general round's order, so the same bits).
    #[inline(always)]
    fn risk_pass(&mut self, range: f64, median: f64) {
        let n = self.n;
        let usq = u_status_quo(1.0);
        let status_quo = self.status_quo;
        for i in 0..n {
            let row = i * n..(i + 1) * n;
            let s_i = self.ss[i];
            for ((((term, &p_lose), (&unit_success, &unit_failure)), &dist), &xj) in self
                .row_terms
                .iter_mut()
                .zip(&self.p_lose[row.clone()])
                .zip(
                    self.unit_success[row.clone()]
                        .iter()
                        .zip(&self.unit_failure[row.clone()]),
                )
                .zip(&self.dist[row])
                .zip(&self.xs)
            {
                *term = status_quo.expected_utility(
                    p_lose,
                    s_i,
                    unit_success,
                    unit_failure,
                    usq,
                    (xj - median).abs(),
                    dist,
                    range,
                    1.0,
                );
            }
            let mut sum = 0.0;
            for (j, &term) in self.row_terms.iter().enumerate() {
                if j != i {
                    sum += term;
                }
            }
            self.security[i] = sum;
        }
    }

    /// Both expected utilities (E10) of receiver `i` (rank) and every column `j`, with `i`'s
    /// exponent: `j`'s of challenging `i` as `i` estimates it, and `i`'s of challenging `j`,
    /// into the row scratch.
    #[inline(always)]
    fn offer_utilities(&mut self, i: usize, range: f64, median: f64) {
        let n = self.n;
        let r = self.rs[i];
        let usq = 2.0 - 4.0 * self.status_quo_power[i];
        let s_i = self.ss[i];
        let dist_mu_i = (self.xs[i] - median).abs();
        let status_quo = self.status_quo;
        // Apart from the classification, so that with Q = 1 the loop has no branch and the
        // compiler runs it four lanes at a time.
        let row = i * n..(i + 1) * n;
        for (
            ((eu_self, eu_counterpart), ((&p_ij, &p_ji), &dist)),
            ((&success_power, &failure_power), (&xj, &s_j)),
        ) in self
            .row_eu_self
            .iter_mut()
            .zip(self.row_eu_counterpart.iter_mut())
            .zip(
                self.p_win[row.clone()]
                    .iter()
                    .zip(&self.p_lose[row.clone()])
                    .zip(&self.dist[row.clone()]),
            )
            .zip(
                self.success_power[row.clone()]
                    .iter()
                    .zip(&self.failure_power[row])
                    .zip(self.xs.iter().zip(&self.ss)),
            )
        {
            let us = 2.0 - 4.0 * success_power;
            let uf = 2.0 - 4.0 * failure_power;
            *eu_counterpart = status_quo.expected_utility(
                p_ji,
                s_i,
                us,
                uf,
                usq,
                (xj - median).abs(),
                dist,
                range,
                r,
            );
            *eu_self =
                status_quo.expected_utility(p_ij, s_j, us, uf, usq, dist_mu_i, dist, range, r);
        }
    }

    /// The offer receiver `i` (rank) accepts, if any: the rules of
    /// [`super::engine::Engine::best_offer`] (E13) with the best offer in plain fields.
    #[inline(always)]
    fn best_offer(&mut self, i: usize, range: f64, median: f64) -> Option<Move> {
        let n = self.n;
        let xi = self.xs[i];
        self.offer_utilities(i, range, median);
        // Best so far: rank of the proposer (n = none), its kind's rank, key and numbers.
        let mut best = n;
        let (mut best_kind, mut best_rank, mut best_key) = (OfferKind::Confrontation, 0u8, 0.0);
        let (mut best_eu_self, mut best_eu_counterpart, mut best_position) = (0.0, 0.0, 0.0);
        for (j, (&xj, (&eu_ij, &eu_ji))) in self
            .xs
            .iter()
            .zip(self.row_eu_self.iter().zip(&self.row_eu_counterpart))
            .enumerate()
        {
            // Also skips j = i.
            if xj == xi {
                continue;
            }
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
