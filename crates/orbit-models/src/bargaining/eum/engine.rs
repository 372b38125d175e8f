//! The general round (any `n`, rows on rayon from [`PARALLEL_MIN`] actors): risk (E11–E12),
//! the vote table (E1–E3) and the offers (E13). Small issues take the leaner kernel of
//! [`super::lean`] instead; both give the same numbers (bit for bit in `scholz2011`).

use rayon::prelude::*;

use super::Move;
use super::PARALLEL_MIN;
use super::options::Variant;
use super::result::OfferKind;
use super::utility::{StatusQuo, pow_r, u_failure, u_status_quo, u_success};
use super::votes::{MidCursor, Tables, all_pairs_denominator};
use crate::bargaining::baselines::sorted_order;

/// An offer as seen by its receiver, in rank indices, while choosing the best one.
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    proposer: usize,
    kind: OfferKind,
    eu_self: f64,
    eu_counterpart: f64,
    new_position: f64,
    key: f64,
}
/// Per-run scratch state. Indices named `i, j, k` inside are *ranks* (actors sorted by
/// position, ties by canonical index) unless said otherwise.
pub(super) struct Engine<'a> {
    n: usize,
    variant: Variant,
    status_quo: StatusQuo,
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
pub(super) fn map_ranks<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    if n < PARALLEL_MIN {
        (0..n).map(f).collect()
    } else {
        (0..n).into_par_iter().map(f).collect()
    }
}

impl<'a> Engine<'a> {
    /// Scratch state for `n = weight.len()` actors (`weight` = `c · s`, canonical order).
    pub(super) fn new(
        variant: Variant,
        status_quo: StatusQuo,
        weight: &'a [f64],
        salience: &'a [f64],
    ) -> Self {
        let n = weight.len();
        Self {
            n,
            variant,
            status_quo,
            weight,
            salience,
            order: Vec::with_capacity(n),
            xs: vec![0.0; n],
            ws: vec![0.0; n],
            ss: vec![0.0; n],
            rs: vec![1.0; n],
            table: Vec::new(),
        }
    }

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

    /// One round (BDM 1994; Scholz et al. 2011; `docs/models/eum.md` §2): risk (E11–E12),
    /// then offers (E10, E13), moves applied simultaneously. Returns the accepted moves in
    /// canonical indices.
    pub(super) fn round(&mut self, x: &[f64], range: f64, median: f64) -> Vec<Move> {
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
                    term = this.status_quo.expected_utility(
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
                eu_ji = self.status_quo.expected_utility(
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
            let eu_ij = self
                .status_quo
                .expected_utility(p_ij, self.ss[j], us, uf, usq, dist_mu_i, dist, range, r);
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
