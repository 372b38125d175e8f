//! Votes and probabilities of success (E1–E3, E3'): the prefix-sum table read by
//! [`Tables::probs`], Scholz's all-pairs denominator, and the midpoint cursor.

use super::engine::map_ranks;
use super::options::Variant;

/// Read-only view of one round's table, shared across threads.
pub(super) struct Tables<'e> {
    pub(super) n: usize,
    pub(super) variant: Variant,
    pub(super) xs: &'e [f64],
    pub(super) table: &'e [f64],
    /// Scholz's all-pairs denominator (E3'); unused by `bdm`.
    pub(super) all_pairs: f64,
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
    pub(super) fn probs(&self, i: usize, j: usize, cursor: &mut MidCursor) -> (f64, f64) {
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
pub(super) fn all_pairs_denominator(table: &[f64], n: usize) -> f64 {
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
pub(super) struct MidCursor {
    below: usize,
    not_above: usize,
}

impl MidCursor {
    pub(super) fn new() -> Self {
        Self::default()
    }

    #[inline]
    pub(super) fn advance(&mut self, xs: &[f64], mid: f64) -> (usize, usize) {
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
