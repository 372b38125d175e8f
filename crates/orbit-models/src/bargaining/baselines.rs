//! Non-strategic baselines and the median voter: the central-tendency models that *The European
//! Union Decides* (Thomson, Stokman, Achen & König 2006) compares the EUM against.
//!
//! Equation labels (B1)–(B4) refer to `docs/models/eum.md`.

use serde::Serialize;

use super::input::{BargainingError, BargainingInput, validate, weights};

/// Relative tolerance under which two sums of weights count as equal (ties, half-weight tests).
///
/// Sums over 10⁶ terms carry relative rounding errors of order 10⁻¹³; genuine ties in the data
/// (e.g. a cumulative weight of exactly one half) must not be broken by that noise.
pub(crate) const TIE_TOLERANCE: f64 = 1e-12;

/// The three baselines of one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baselines {
    /// Compromise model (B1): the capability × salience weighted mean.
    pub compromise: f64,
    /// Weighted median (B2).
    pub weighted_median: f64,
    /// Median voter (B3): the Condorcet winner of BDM's pairwise votes.
    pub median_voter: f64,
    /// Asymmetric Nash bargaining solution (B4); `None` when the input has no status quo.
    pub nash: Option<f64>,
}

/// Compute all baselines of `input` (B1–B4). The Nash solution is `None` without a status quo.
///
/// Thomson et al. (2006, ch. 1 and 4 (Achen)): compromise model, weighted median, NBS;
/// BDM (1994) and Scholz et al. (2011, median voter position): median voter (E2).
pub fn baselines(input: &BargainingInput) -> Result<Baselines, BargainingError> {
    validate(input)?;
    let (positions, weights) = positions_weights(input);
    Ok(Baselines {
        compromise: weighted_mean(&positions, &weights),
        weighted_median: weighted_median_of(&positions, &weights),
        median_voter: median_voter_of(&positions, &weights),
        nash: input.status_quo.map(|d| nash_of(&positions, &weights, d)),
    })
}

/// Compromise model (B1): `x̄ = Σ_i c_i s_i x_i / Σ_i c_i s_i`.
///
/// Achen (2006, in Thomson et al., *The European Union Decides*, ch. 4) — the "compromise
/// model"; also the "mean" every EUM implementation reports (Scholz et al. 2011, results).
pub fn compromise(input: &BargainingInput) -> Result<f64, BargainingError> {
    validate(input)?;
    let (positions, weights) = positions_weights(input);
    Ok(weighted_mean(&positions, &weights))
}

/// Weighted median (B2): the smallest position whose cumulative weight `c_i s_i` (positions
/// sorted ascending) reaches half of the total weight.
///
/// Thomson et al. (2006, ch. 1) list it among the central-tendency baselines. A cumulative
/// weight within a relative 10⁻¹² of one half counts as reaching it, so exact ties in the data
/// resolve to the lower position whatever the rounding.
pub fn weighted_median(input: &BargainingInput) -> Result<f64, BargainingError> {
    validate(input)?;
    let (positions, weights) = positions_weights(input);
    Ok(weighted_median_of(&positions, &weights))
}

/// Median voter (B3): the Condorcet winner among the actors' positions under BDM's vote.
///
/// BDM (1994), Scholz et al. (2011, median voter position), (E1)–(E2): actor `k` votes
/// `v_k(a, b) = c_k s_k (|x_k − b| − |x_k − a|) / Δ` (risk neutral, `r_k = 1`) for `a` over `b`;
/// `a` beats `b` iff the margin `M(a, b) = Σ_k v_k(a, b)` is positive. See
/// [`median_voter_of`] for how the margin matrix is evaluated and for the tie rule.
pub fn median_voter(input: &BargainingInput) -> Result<f64, BargainingError> {
    validate(input)?;
    let (positions, weights) = positions_weights(input);
    Ok(median_voter_of(&positions, &weights))
}

/// Asymmetric Nash bargaining solution (B4) with quadratic loss and the status quo as
/// disagreement point:
///
/// `x* = argmax_x Π_i [ (d − x_i)² − (x − x_i)² ]^{c_i s_i}` subject to every factor being
/// positive (each actor with `c_i s_i > 0` gains over the status quo `d`).
///
/// Nash (1950); the asymmetric (weighted) form of Kalai (1977); used as in Achen (2006, in
/// Thomson et al., *The European Union Decides*, ch. 4) with the reference point as the
/// disagreement point. A salience factor in the utility (`u_i = −s_i (x − x_i)²`) would drop
/// out of the argmax, so salience enters only through the exponent. Consequences:
/// * if actors with positive weight stand on both sides of `d` (or at `d`), no point is
///   unanimously better than `d`, and `x* = d`;
/// * otherwise the log of the product is strictly concave on the feasible interval, its
///   maximiser lies between the nearest and the farthest position, and it is found by bisection
///   on the derivative to the last bit (`Σ_i w_i (2 x_i − 2x)/((d − x_i)² − (x − x_i)²) = 0`);
/// * as `d` recedes to infinity, `x*` tends to the compromise model (B1).
///
/// Returns [`BargainingError::MissingStatusQuo`] when the input has no status quo.
pub fn nash_bargaining(input: &BargainingInput) -> Result<f64, BargainingError> {
    validate(input)?;
    let d = input.status_quo.ok_or(BargainingError::MissingStatusQuo)?;
    let (positions, weights) = positions_weights(input);
    Ok(nash_of(&positions, &weights, d))
}

/// Positions and weights `c_i s_i` (at the common scale of [`weights`]) in input order.
pub(crate) fn positions_weights(input: &BargainingInput) -> (Vec<f64>, Vec<f64>) {
    let positions = input.actors.iter().map(|a| a.position).collect();
    (positions, weights(input))
}

/// (B1) on raw slices. Callers guarantee `Σ w > 0`.
pub(crate) fn weighted_mean(positions: &[f64], weights: &[f64]) -> f64 {
    let mut num = 0.0;
    let mut den = 0.0;
    for (x, w) in positions.iter().zip(weights) {
        num += w * x;
        den += w;
    }
    num / den
}

/// Indices of `positions` sorted ascending by position, ties by index (deterministic).
pub(crate) fn sorted_order(positions: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by(|&a, &b| positions[a].total_cmp(&positions[b]).then(a.cmp(&b)));
    order
}

/// (B2) on raw slices.
pub(crate) fn weighted_median_of(positions: &[f64], weights: &[f64]) -> f64 {
    let order = sorted_order(positions);
    let total: f64 = weights.iter().sum();
    let half = 0.5 * total;
    let mut cumulative = 0.0;
    let mut t = 0;
    while t < order.len() {
        // Add every actor at this position before testing, so the answer does not depend on
        // the order of actors that share a position.
        let x = positions[order[t]];
        while t < order.len() && positions[order[t]] == x {
            cumulative += weights[order[t]];
            t += 1;
        }
        if cumulative >= half - TIE_TOLERANCE * total {
            return x;
        }
    }
    positions[order[order.len() - 1]]
}

/// (B3) on raw slices: Condorcet winner among the distinct positions.
///
/// **Evaluation.** With risk-neutral votes the margin matrix is a difference of potentials:
/// `M(a, b) = Σ_k w_k (|x_k − b| − |x_k − a|) / Δ = f(b) − f(a)` with
/// `f(a) = Σ_k w_k |x_k − a|` (the positive `1/Δ` does not change signs). So `a` beats `b` iff
/// `f(a) < f(b)`; the pairwise relation is transitive, **no cycle can occur**, and the
/// Condorcet winner is the minimiser of `f` — the weighted median, as the median voter theorem
/// says. We evaluate `f` at each distinct position (O(n·m), nothing quadratic kept) instead of
/// storing the m×m matrix.
///
/// **Tie rule.** Positions whose `f` is within a relative 10⁻¹² of the minimum are tied weak
/// Condorcet winners (zero margin between them; this happens when the cumulative weight hits
/// exactly one half). Among them we take the one closest to the compromise model (B1), and if
/// two are equally close, the lower one. The rule depends only on positions and weights, never
/// on actor order, and it is symmetric under reversing the scale except in that last case.
pub(crate) fn median_voter_of(positions: &[f64], weights: &[f64]) -> f64 {
    median_voter_into(positions, weights, &mut MedianScratch::default())
}

/// Reused buffers of [`median_voter_into`].
#[derive(Debug, Default)]
pub(crate) struct MedianScratch {
    order: Vec<usize>,
    candidates: Vec<f64>,
    potentials: Vec<f64>,
}

impl MedianScratch {
    /// The actors in order of position (ties by index, as [`sorted_order`]) from the last
    /// [`median_voter_into`]: the order the EUM's next round sorts its actors into.
    pub(crate) fn order(&self) -> &[usize] {
        &self.order
    }
}

/// [`median_voter_of`] with its buffers in `scratch` (the same operations in the same order,
/// so the same bits), for the EUM's round loop, which takes a median every round.
pub(crate) fn median_voter_into(
    positions: &[f64],
    weights: &[f64],
    scratch: &mut MedianScratch,
) -> f64 {
    let MedianScratch {
        order,
        candidates,
        potentials,
    } = scratch;
    // As `sorted_order`: a stable sort by position of the indices, ties by index.
    order.clear();
    order.extend(0..positions.len());
    order.sort_by(|&a, &b| positions[a].total_cmp(&positions[b]).then(a.cmp(&b)));
    candidates.clear();
    candidates.extend(order.iter().map(|&i| positions[i]));
    candidates.dedup();
    let total: f64 = weights.iter().sum();
    let span = candidates[candidates.len() - 1] - candidates[0];
    // f evaluated in sorted order so the result is independent of actor order.
    potentials.clear();
    potentials.extend(candidates.iter().map(|&a| {
        order
            .iter()
            .map(|&k| weights[k] * (positions[k] - a).abs())
            .sum::<f64>()
    }));
    let best = potentials.iter().copied().fold(f64::INFINITY, f64::min);
    let tolerance = TIE_TOLERANCE * total * span;
    let mean = {
        let mut num = 0.0;
        for &k in order.iter() {
            num += weights[k] * positions[k];
        }
        num / total
    };
    let mut winner = f64::NAN;
    for (a, f) in candidates.iter().zip(potentials.iter()) {
        if *f <= best + tolerance && (winner.is_nan() || (a - mean).abs() < (winner - mean).abs()) {
            winner = *a;
        }
    }
    if winner.is_nan() {
        // Only reachable with NaN weights, which validation excludes.
        candidates[0]
    } else {
        winner
    }
}

/// (B4) on raw slices; see [`nash_bargaining`].
pub(crate) fn nash_of(positions: &[f64], weights: &[f64], d: f64) -> f64 {
    let active: Vec<(f64, f64)> = positions
        .iter()
        .zip(weights)
        .filter(|(_, w)| **w > 0.0)
        .map(|(x, w)| (*x, *w))
        .collect();
    let all_above = active.iter().all(|(x, _)| *x > d);
    let all_below = active.iter().all(|(x, _)| *x < d);
    if active.is_empty() || !(all_above || all_below) {
        return d;
    }
    // Mirror the problem so every actor lies above d.
    let sign = if all_above { 1.0 } else { -1.0 };
    let xs: Vec<(f64, f64)> = active.iter().map(|(x, w)| (sign * x, *w)).collect();
    let d = sign * d;
    let nearest = xs.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let farthest = xs.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    // Feasible: x − d > 0 and 2 x_i − x − d > 0 for all i, i.e. d < x < min_i (2 x_i − d).
    // Each factor's log is maximised at x_i, so x* ∈ [nearest, min(farthest, bound)).
    let bound = xs
        .iter()
        .map(|p| 2.0 * p.0 - d)
        .fold(f64::INFINITY, f64::min);
    // Derivative of Σ w_i [ln(x − d) + ln(2 x_i − x − d)]; decreasing in x.
    let slope = |x: f64| -> f64 {
        xs.iter()
            .map(|(xi, w)| w * (1.0 / (x - d) - 1.0 / (2.0 * xi - x - d)))
            .sum()
    };
    let mut lo = nearest;
    let mut hi = farthest.min(bound);
    if hi <= lo {
        return sign * lo;
    }
    if slope(lo) <= 0.0 {
        return sign * lo;
    }
    for _ in 0..200 {
        let mid = 0.5 * lo + 0.5 * hi;
        if mid <= lo || mid >= hi {
            break;
        }
        if slope(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    sign * (0.5 * lo + 0.5 * hi)
}
