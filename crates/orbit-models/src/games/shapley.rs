//! Shapley value (exact and sampled) and Banzhaf value.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::{GameError, MAX_PLAYERS, TuGame, members};

/// Most players for exact enumeration (2^n coalition values).
pub const MAX_EXACT_PLAYERS: usize = 26;

/// [`ShapleyMethod::Auto`] enumerates exactly up to this many players and samples beyond.
pub const AUTO_EXACT_MAX_PLAYERS: usize = 20;

/// Permutations per sampling batch. Batch `b` draws from `ChaCha8Rng` seeded with the caller's
/// seed on stream `b`, so results do not depend on the number of threads.
pub const SAMPLE_BATCH: usize = 64;

/// Masks per parallel chunk of the exact enumeration (fixed, so the summation order and hence
/// the result do not depend on the number of threads).
const CHUNK: u64 = 1 << 12;

/// How to compute the Shapley value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ShapleyMethod {
    /// Exact if `n ≤` [`AUTO_EXACT_MAX_PLAYERS`], sampled otherwise.
    Auto,
    /// Exact subset enumeration.
    Exact,
    /// Permutation sampling.
    Sampled,
}

/// Options of [`shapley`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShapleyOptions {
    /// Method.
    pub method: ShapleyMethod,
    /// Permutations to sample (rounded up to a multiple of [`SAMPLE_BATCH`]).
    pub permutations: usize,
    /// Seed of the sampler.
    pub seed: u64,
}

impl Default for ShapleyOptions {
    fn default() -> Self {
        Self {
            method: ShapleyMethod::Auto,
            permutations: 10_000,
            seed: 0,
        }
    }
}

/// A Shapley value, exact or estimated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShapleyValue {
    /// `φ_i` per player (estimates when sampled).
    pub values: Vec<f64>,
    /// Standard error of each `φ_i` (zero when exact).
    pub std_errors: Vec<f64>,
    /// Method used (`Exact` or `Sampled`, never `Auto`).
    pub method: ShapleyMethod,
    /// Permutations sampled (0 when exact).
    pub permutations: usize,
}

/// Shapley value with the method chosen by `options` (see [`ShapleyMethod::Auto`]).
pub fn shapley(game: &impl TuGame, options: &ShapleyOptions) -> Result<ShapleyValue, GameError> {
    let exact = match options.method {
        ShapleyMethod::Exact => true,
        ShapleyMethod::Sampled => false,
        ShapleyMethod::Auto => game.n() <= AUTO_EXACT_MAX_PLAYERS,
    };
    if exact {
        let values = shapley_exact(game)?;
        Ok(ShapleyValue {
            std_errors: vec![0.0; values.len()],
            values,
            method: ShapleyMethod::Exact,
            permutations: 0,
        })
    } else {
        shapley_sampled(game, options.permutations, options.seed)
    }
}

fn check_exact_n(n: usize) -> Result<(), GameError> {
    if n == 0 {
        return Err(GameError::NoPlayers);
    }
    if n > MAX_EXACT_PLAYERS.min(MAX_PLAYERS) {
        return Err(GameError::TooManyPlayers {
            method: "exact enumeration",
            n,
            max: MAX_EXACT_PLAYERS,
        });
    }
    Ok(())
}

/// `Σ_S v(S)·(w_in[|S|] if i ∈ S else −w_out[|S|])` for every player `i`, evaluating each
/// `v(S)` once: O(n·2^n) work and O(n) memory per chunk. Chunks of [`CHUNK`] masks are summed
/// in parallel and combined in mask order, so the result is the same on any thread count.
fn signed_sums(game: &impl TuGame, w_in: &[f64], w_out: &[f64]) -> Result<Vec<f64>, GameError> {
    let n = game.n();
    let total = 1u64 << n;
    let chunks = total.div_ceil(CHUNK);
    let partials: Vec<Vec<f64>> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut acc = vec![0.0; n];
            for mask in c * CHUNK..((c + 1) * CHUNK).min(total) {
                let v = game.value(mask);
                if !v.is_finite() || (mask == 0 && v != 0.0) {
                    return Err(if mask == 0 && v.is_finite() {
                        GameError::NonZeroEmpty(v)
                    } else {
                        GameError::NonFiniteValue {
                            coalition: members(mask),
                            value: v,
                        }
                    });
                }
                let s = mask.count_ones() as usize;
                let plus = v * w_in[s];
                let minus = v * w_out[s];
                for (i, a) in acc.iter_mut().enumerate() {
                    if mask >> i & 1 == 1 {
                        *a += plus;
                    } else {
                        *a -= minus;
                    }
                }
            }
            Ok(acc)
        })
        .collect::<Result<_, _>>()?;
    let mut out = vec![0.0; n];
    for p in &partials {
        for (o, x) in out.iter_mut().zip(p) {
            *o += x;
        }
    }
    Ok(out)
}

/// Exact Shapley value (Shapley 1953):
///
/// `φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · (v(S∪{i}) − v(S))`,
///
/// rearranged so each `v(S)` is evaluated once: `v(S)` enters `φ_i` with weight
/// `w(|S|−1)` if `i ∈ S` and `−w(|S|)` if `i ∉ S`, where `w(s) = s!(n−s−1)!/n!`.
/// O(n·2^n) time, parallel over coalitions, deterministic.
///
/// Errors: `n` above [`MAX_EXACT_PLAYERS`], a non-finite value, or `v(∅) ≠ 0`.
pub fn shapley_exact(game: &impl TuGame) -> Result<Vec<f64>, GameError> {
    let n = game.n();
    check_exact_n(n)?;
    // w(s) = s!(n-s-1)!/n!, by the recurrence w(0) = 1/n, w(s+1) = w(s)(s+1)/(n-s-1).
    let mut w = vec![0.0; n];
    w[0] = 1.0 / n as f64;
    for s in 0..n - 1 {
        w[s + 1] = w[s] * (s + 1) as f64 / (n - s - 1) as f64;
    }
    // Indexed by |S| (0..=n).
    let w_in: Vec<f64> = (0..=n)
        .map(|s| if s == 0 { 0.0 } else { w[s - 1] })
        .collect();
    let w_out: Vec<f64> = (0..=n).map(|s| if s == n { 0.0 } else { w[s] }).collect();
    signed_sums(game, &w_in, &w_out)
}

/// Banzhaf value (Banzhaf 1965), exact by enumeration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BanzhafValue {
    /// Raw value `β_i = 2^{1−n} Σ_{S ⊆ N∖{i}} (v(S∪{i}) − v(S))`.
    pub raw: Vec<f64>,
    /// Normalised index `β_i / Σ_j β_j` (sums to 1); `None` when `Σ_j β_j = 0`.
    pub index: Option<Vec<f64>>,
    /// Efficient normalisation `v(N) · β_i / Σ_j β_j` (sums to `v(N)`); `None` when `Σ_j β_j = 0`.
    pub normalized: Option<Vec<f64>>,
}

/// Banzhaf value (Banzhaf 1965), raw and normalised, by enumeration in O(n·2^n).
pub fn banzhaf(game: &impl TuGame) -> Result<BanzhafValue, GameError> {
    let n = game.n();
    check_exact_n(n)?;
    let w = 0.5f64.powi(n as i32 - 1);
    let weights = vec![w; n + 1];
    let raw = signed_sums(game, &weights, &weights)?;
    let sum: f64 = raw.iter().sum();
    let grand = game.value((1u64 << n) - 1);
    let (index, normalized) = if sum.abs() > 1e-12 * raw.iter().fold(1.0f64, |m, x| m.max(x.abs()))
    {
        (
            Some(raw.iter().map(|b| b / sum).collect()),
            Some(raw.iter().map(|b| grand * b / sum).collect()),
        )
    } else {
        (None, None)
    };
    Ok(BanzhafValue {
        raw,
        index,
        normalized,
    })
}

/// Running mean and sum of squared deviations per player (Welford), combinable in a fixed
/// order (Chan, Golub & LeVeque 1979).
#[derive(Clone)]
struct Moments {
    count: f64,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

impl Moments {
    fn new(n: usize) -> Self {
        Self {
            count: 0.0,
            mean: vec![0.0; n],
            m2: vec![0.0; n],
        }
    }

    fn combine(&mut self, other: &Moments) {
        let total = self.count + other.count;
        if other.count == 0.0 {
            return;
        }
        for i in 0..self.mean.len() {
            let delta = other.mean[i] - self.mean[i];
            self.mean[i] += delta * other.count / total;
            self.m2[i] += other.m2[i] + delta * delta * self.count * other.count / total;
        }
        self.count = total;
    }
}

/// Shapley value by permutation sampling (Castro, Gómez & Tejada 2009): for random orders `π`,
/// `φ_i ≈ mean over π of v(P_i^π ∪ {i}) − v(P_i^π)`, with `P_i^π` the players before `i`.
/// Each permutation costs `n` evaluations of `v`; estimates sum to `v(N)` by construction.
///
/// `permutations` is rounded up to a multiple of [`SAMPLE_BATCH`]; batch `b` uses
/// `ChaCha8Rng::seed_from_u64(seed)` on stream `b`, and batches are combined in order, so the
/// result is identical on any number of threads. Works for any `n ≥ 1` (also above 63 players,
/// through [`TuGame::value_of`]).
pub fn shapley_sampled(
    game: &impl TuGame,
    permutations: usize,
    seed: u64,
) -> Result<ShapleyValue, GameError> {
    let n = game.n();
    if n == 0 {
        return Err(GameError::NoPlayers);
    }
    if permutations < 2 {
        return Err(GameError::TooFewSamples(permutations));
    }
    let batches = permutations.div_ceil(SAMPLE_BATCH);
    let words = n.div_ceil(64);
    let empty = vec![0u64; words];
    let v_empty = game.value_of(&empty);
    if v_empty != 0.0 {
        return Err(if v_empty.is_finite() {
            GameError::NonZeroEmpty(v_empty)
        } else {
            GameError::NonFiniteValue {
                coalition: vec![],
                value: v_empty,
            }
        });
    }
    let parts: Vec<Moments> = (0..batches)
        .into_par_iter()
        .map(|b| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(b as u64);
            let mut order: Vec<usize> = (0..n).collect();
            let mut set = vec![0u64; words];
            let mut m = Moments::new(n);
            let mut marginal = vec![0.0; n];
            for _ in 0..SAMPLE_BATCH {
                order.shuffle(&mut rng);
                set.iter_mut().for_each(|w| *w = 0);
                let mut prev = 0.0;
                for &i in &order {
                    set[i / 64] |= 1 << (i % 64);
                    let v = game.value_of(&set);
                    if !v.is_finite() {
                        let coalition = (0..n).filter(|j| set[j / 64] >> (j % 64) & 1 == 1);
                        return Err(GameError::NonFiniteValue {
                            coalition: coalition.collect(),
                            value: v,
                        });
                    }
                    marginal[i] = v - prev;
                    prev = v;
                }
                m.count += 1.0;
                for i in 0..n {
                    let delta = marginal[i] - m.mean[i];
                    m.mean[i] += delta / m.count;
                    m.m2[i] += delta * (marginal[i] - m.mean[i]);
                }
            }
            Ok(m)
        })
        .collect::<Result<_, _>>()?;
    let mut total = Moments::new(n);
    for p in &parts {
        total.combine(p);
    }
    let count = total.count;
    let std_errors = total
        .m2
        .iter()
        .map(|m2| (m2.max(0.0) / (count - 1.0) / count).sqrt())
        .collect();
    Ok(ShapleyValue {
        values: total.mean,
        std_errors,
        method: ShapleyMethod::Sampled,
        permutations: count as usize,
    })
}
