//! The reduced normal (strategic) form of an extensive game and its Nash equilibria.
//!
//! * **Reduced strategies** (Kuhn 1953; von Stengel 2002 §4.1): a pure strategy of player `i`
//!   names an action only at the information sets its own earlier actions do not exclude;
//!   strategies that differ only at excluded sets are one reduced strategy (written `*` there).
//!   This is the strategic form Gambit builds from an extensive game.
//! * **Extreme equilibria of a bimatrix game** by vertex enumeration (von Stengel 2002,
//!   "Computing equilibria for two-person games", *Handbook of Game Theory* vol. 3, ch. 45,
//!   §3.5; Mangasarian 1964): with payoffs made positive, the best-response polytopes are
//!   `P = {x ≥ 0 : Bᵀx ≤ 1}` and `Q = {y ≥ 0 : Ay ≤ 1}`; `(x, y) ≠ (0, 0)` is an equilibrium
//!   (after normalising) exactly when every label `1..m+n` is a tight constraint of `x` in `P`
//!   or of `y` in `Q` (Theorem 3.1 / Algorithm 3.5). Enumerating all vertex pairs gives every
//!   extreme equilibrium also for degenerate games (Avis, Rosenberg, Savani & von Stengel 2010,
//!   *Economic Theory* 42), which is what Gambit's `enummixed` lists.
//! * **Pure equilibria** of an `n`-player game by checking every profile.

use serde::Serialize;

use super::{Game, GameError, NodeKind};

/// The most cells (strategy profiles) a normal form may have.
pub const MAX_PROFILES: usize = 1_000_000;
/// The most constraints (`m + n`) the vertex enumeration accepts: it solves up to
/// `C(m+n, m)` linear systems.
pub const MAX_VERTEX_LABELS: usize = 24;
/// Tolerance for tight constraints and feasibility, on payoffs scaled to `[1, 2]`.
const EPS: f64 = 1e-10;

/// A game in strategic form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NormalForm {
    /// Title.
    pub title: String,
    /// Player names.
    pub players: Vec<String>,
    /// Strategy labels per player.
    pub strategies: Vec<Vec<String>>,
    /// Payoffs: for profile index `k` (player 1's strategy varies fastest, as in Gambit's
    /// files) the payoffs of all players at `payoffs[k * players + i]`.
    pub payoffs: Vec<f64>,
}

impl NormalForm {
    /// Builds and checks a normal form from a payoff function over profiles.
    pub fn new(
        title: impl Into<String>,
        players: Vec<String>,
        strategies: Vec<Vec<String>>,
        payoffs: Vec<f64>,
    ) -> Result<NormalForm, GameError> {
        if players.is_empty() {
            return Err(GameError::NoPlayers);
        }
        if strategies.len() != players.len() || strategies.iter().any(|s| s.is_empty()) {
            return Err(GameError::TooLarge(
                "every player needs at least one strategy".into(),
            ));
        }
        let profiles = profile_count(&strategies)?;
        if payoffs.len() != profiles * players.len() {
            return Err(GameError::PayoffCount {
                at: "normal form".into(),
                expected: profiles * players.len(),
                got: payoffs.len(),
            });
        }
        if payoffs.iter().any(|p| !p.is_finite()) {
            return Err(GameError::NotFinite {
                at: "normal form".into(),
                what: "a payoff".into(),
            });
        }
        Ok(NormalForm {
            title: title.into(),
            players,
            strategies,
            payoffs,
        })
    }

    /// Number of strategy profiles.
    pub fn profiles(&self) -> usize {
        self.strategies.iter().map(Vec::len).product()
    }

    /// The index of a profile (one strategy index per player).
    pub fn profile_index(&self, profile: &[usize]) -> usize {
        let mut k = 0;
        for i in (0..profile.len()).rev() {
            k = k * self.strategies[i].len() + profile[i];
        }
        k
    }

    /// Payoff of `player` at `profile`.
    pub fn payoff(&self, profile: &[usize], player: usize) -> f64 {
        self.payoffs[self.profile_index(profile) * self.players.len() + player]
    }
}

fn profile_count(strategies: &[Vec<String>]) -> Result<usize, GameError> {
    strategies
        .iter()
        .try_fold(1usize, |acc, s| acc.checked_mul(s.len()))
        .filter(|&k| k <= MAX_PROFILES)
        .ok_or_else(|| {
            GameError::TooLarge(format!(
                "the normal form has more than {MAX_PROFILES} strategy profiles"
            ))
        })
}

/// A reduced strategy: per information set of the player (in [`Game::infosets_of`] order)
/// the action index, or `None` where the player's own moves exclude the set.
type Reduced = Vec<Option<usize>>;

/// The reduced strategies of `player` in the subtree at `node`.
fn reduced_strategies(
    game: &Game,
    player: usize,
    local: &[Option<usize>],
    node: usize,
    width: usize,
) -> Result<Vec<Reduced>, GameError> {
    let too_large = || {
        GameError::TooLarge(format!(
            "player {} has more than {MAX_PROFILES} reduced strategies",
            game.players[player]
        ))
    };
    match &game.nodes[node].kind {
        NodeKind::Terminal { .. } => Ok(vec![vec![None; width]]),
        NodeKind::Decision { infoset, children } if game.infosets[*infoset].player == player => {
            let slot = local[*infoset].unwrap_or(0);
            let mut out = Vec::new();
            for (a, &c) in children.iter().enumerate() {
                for mut s in reduced_strategies(game, player, local, c, width)? {
                    match s[slot] {
                        Some(b) if b != a => continue,
                        _ => s[slot] = Some(a),
                    }
                    out.push(s);
                    if out.len() > MAX_PROFILES {
                        return Err(too_large());
                    }
                }
            }
            Ok(out)
        }
        NodeKind::Decision { children, .. } | NodeKind::Chance { children, .. } => {
            // Another mover: every branch can be reached, so the player's plan must cover all
            // of them; combine the branches' plans where they agree.
            let mut acc: Vec<Reduced> = vec![vec![None; width]];
            for &c in children {
                let branch = reduced_strategies(game, player, local, c, width)?;
                let mut next = Vec::new();
                for s in &acc {
                    for t in &branch {
                        if let Some(m) = merge(s, t) {
                            next.push(m);
                            if next.len() > MAX_PROFILES {
                                return Err(too_large());
                            }
                        }
                    }
                }
                acc = next;
            }
            Ok(acc)
        }
    }
}

fn merge(s: &Reduced, t: &Reduced) -> Option<Reduced> {
    s.iter()
        .zip(t)
        .map(|(a, b)| match (a, b) {
            (Some(x), Some(y)) if x != y => Err(()),
            (Some(x), _) | (None, Some(x)) => Ok(Some(*x)),
            (None, None) => Ok(None),
        })
        .collect::<Result<Reduced, ()>>()
        .ok()
}

/// The reduced strategies of every player, with Gambit-style labels: one character per
/// information set of the player, the 1-based action number or `*`.
pub fn reduced_strategy_sets(game: &Game) -> Result<Vec<Vec<Reduced>>, GameError> {
    (0..game.players.len())
        .map(|p| {
            let own = game.infosets_of(p);
            let mut local = vec![None; game.infosets.len()];
            for (k, &h) in own.iter().enumerate() {
                local[h] = Some(k);
            }
            let mut set = reduced_strategies(game, p, &local, 0, own.len())?;
            set.sort();
            set.dedup();
            Ok(set)
        })
        .collect()
}

fn label(s: &Reduced) -> String {
    if s.is_empty() {
        return "1".into();
    }
    s.iter()
        .map(|a| match a {
            Some(a) if *a < 9 => char::from(b'1' + *a as u8).to_string(),
            Some(a) => format!("({})", a + 1),
            None => "*".into(),
        })
        .collect()
}

/// Expected payoffs of a pure profile of reduced strategies.
fn play(game: &Game, local: &[usize], profile: &[&Reduced]) -> Vec<f64> {
    let mut total = vec![0.0; game.players.len()];
    let mut stack = vec![(0usize, 1.0f64)];
    while let Some((v, w)) = stack.pop() {
        match &game.nodes[v].kind {
            NodeKind::Terminal { payoffs } => {
                for (t, p) in total.iter_mut().zip(payoffs) {
                    *t += w * p;
                }
            }
            NodeKind::Chance {
                probabilities,
                children,
                ..
            } => {
                for (&p, &c) in probabilities.iter().zip(children) {
                    if p > 0.0 {
                        stack.push((c, w * p));
                    }
                }
            }
            NodeKind::Decision { infoset, children } => {
                let mover = game.infosets[*infoset].player;
                // A reduced strategy names an action at every set its own play reaches.
                let a = profile[mover][local[*infoset]].unwrap_or(0);
                stack.push((children[a], w));
            }
        }
    }
    total
}

/// The reduced normal form of an extensive game (see the module docs).
pub fn reduced_normal_form(game: &Game) -> Result<NormalForm, GameError> {
    let sets = reduced_strategy_sets(game)?;
    let mut local = vec![0; game.infosets.len()];
    for p in 0..game.players.len() {
        for (k, h) in game.infosets_of(p).into_iter().enumerate() {
            local[h] = k;
        }
    }
    let labels: Vec<Vec<String>> = sets.iter().map(|s| s.iter().map(label).collect()).collect();
    let profiles = profile_count(&labels)?;
    let n = game.players.len();
    let mut payoffs = Vec::with_capacity(profiles * n);
    let mut idx = vec![0usize; n];
    for _ in 0..profiles {
        let profile: Vec<&Reduced> = (0..n).map(|p| &sets[p][idx[p]]).collect();
        payoffs.extend(play(game, &local, &profile));
        for p in 0..n {
            idx[p] += 1;
            if idx[p] < sets[p].len() {
                break;
            }
            idx[p] = 0;
        }
    }
    NormalForm::new(game.title.clone(), game.players.clone(), labels, payoffs)
}

/// A Nash equilibrium in mixed strategies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MixedEquilibrium {
    /// Per player, the probability of each strategy.
    pub strategies: Vec<Vec<f64>>,
    /// Expected payoffs.
    pub payoffs: Vec<f64>,
}

/// Every pure-strategy Nash equilibrium (a profile where no player gains by deviating alone;
/// ties count as no gain).
pub fn pure_equilibria(form: &NormalForm) -> Vec<Vec<usize>> {
    let n = form.players.len();
    let mut out = Vec::new();
    let mut idx = vec![0usize; n];
    for _ in 0..form.profiles() {
        let stable = (0..n).all(|p| {
            let here = form.payoff(&idx, p);
            let mut dev = idx.clone();
            (0..form.strategies[p].len()).all(|s| {
                dev[p] = s;
                form.payoff(&dev, p) <= here + 1e-12 * (1.0 + here.abs())
            })
        });
        if stable {
            out.push(idx.clone());
        }
        for p in 0..n {
            idx[p] += 1;
            if idx[p] < form.strategies[p].len() {
                break;
            }
            idx[p] = 0;
        }
    }
    out
}

/// Solves the square system `a x = b` by Gaussian elimination with partial pivoting;
/// `None` if singular.
fn solve_linear(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let k = b.len();
    for col in 0..k {
        let pivot = (col..k).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..k {
            let f = a[row][col] / a[col][col];
            if f != 0.0 {
                for c in col..k {
                    a[row][c] -= f * a[col][c];
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; k];
    for row in (0..k).rev() {
        let s: f64 = (row + 1..k).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// The vertices of `{z ∈ R^d : z ≥ 0, M z ≤ 1}` (`M` is `r × d`) other than 0, with their
/// labels: label `nonneg_label(j)` when `z_j = 0`, `row_label(i)` when `(Mz)_i = 1`.
fn vertices(
    m: &[Vec<f64>],
    d: usize,
    nonneg_label: impl Fn(usize) -> usize,
    row_label: impl Fn(usize) -> usize,
) -> Vec<(Vec<f64>, u64)> {
    let r = m.len();
    let total = d + r;
    let mut out: Vec<(Vec<f64>, u64)> = Vec::new();
    // Choose which d of the d + r constraints are tight: bit c < d is z_c = 0, bit d + i is
    // row i. Iterate subsets of size d in lexicographic order (Gosper's hack).
    if d == 0 || d > total {
        return out;
    }
    let mut subset: u64 = (1u64 << d) - 1;
    let limit = 1u64 << total;
    while subset < limit {
        let zero: Vec<usize> = (0..d).filter(|&c| subset >> c & 1 == 1).collect();
        let rows: Vec<usize> = (0..r).filter(|&i| subset >> (d + i) & 1 == 1).collect();
        if zero.len() < d {
            // Unknowns are the free coordinates; the rows chosen must be tight.
            let free: Vec<usize> = (0..d).filter(|c| !zero.contains(c)).collect();
            let a: Vec<Vec<f64>> = rows
                .iter()
                .map(|&i| free.iter().map(|&c| m[i][c]).collect())
                .collect();
            if let Some(sol) = solve_linear(a, vec![1.0; rows.len()]) {
                let mut z = vec![0.0; d];
                for (k, &c) in free.iter().enumerate() {
                    z[c] = sol[k];
                }
                let feasible = z.iter().all(|&v| v >= -EPS)
                    && m.iter().all(|row| {
                        row.iter().zip(&z).map(|(a, b)| a * b).sum::<f64>() <= 1.0 + EPS
                    });
                if feasible {
                    for v in &mut z {
                        if *v < 0.0 {
                            *v = 0.0;
                        }
                    }
                    let mut mask = 0u64;
                    for c in 0..d {
                        if z[c] <= EPS {
                            mask |= 1 << nonneg_label(c);
                        }
                    }
                    for (i, row) in m.iter().enumerate() {
                        let s: f64 = row.iter().zip(&z).map(|(a, b)| a * b).sum();
                        if (s - 1.0).abs() <= EPS {
                            mask |= 1 << row_label(i);
                        }
                    }
                    let duplicate = out
                        .iter()
                        .any(|(w, _)| w.iter().zip(&z).all(|(a, b)| (a - b).abs() <= 1e-9));
                    if !duplicate {
                        out.push((z, mask));
                    }
                }
            }
        }
        // Gosper's hack: the next subset with the same number of bits.
        let c = subset & subset.wrapping_neg();
        let nr = subset + c;
        subset = (((nr ^ subset) >> 2) / c) | nr;
    }
    out
}

/// Every extreme Nash equilibrium of a two-player game by vertex enumeration (see the module
/// docs), in a fixed order (player 1's vertices in enumeration order, then player 2's).
pub fn extreme_equilibria(form: &NormalForm) -> Result<Vec<MixedEquilibrium>, GameError> {
    if form.players.len() != 2 {
        return Err(GameError::NotTwoPlayer(form.players.len()));
    }
    let m = form.strategies[0].len();
    let n = form.strategies[1].len();
    if m + n > MAX_VERTEX_LABELS {
        return Err(GameError::TooLarge(format!(
            "vertex enumeration is limited to {MAX_VERTEX_LABELS} strategies in all, the game has {}",
            m + n
        )));
    }
    // Positive affine rescaling to [1, 2] keeps the equilibria and makes the tolerances
    // independent of the payoff unit.
    let scaled = |player: usize| -> Vec<Vec<f64>> {
        let values: Vec<f64> = (0..m * n).map(|k| form.payoffs[k * 2 + player]).collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        (0..m)
            .map(|i| {
                (0..n)
                    .map(|j| (form.payoff(&[i, j], player) - lo) / span + 1.0)
                    .collect()
            })
            .collect()
    };
    let a = scaled(0);
    let b = scaled(1);
    // P = {x ≥ 0 : Bᵀx ≤ 1}: labels 0..m for x_i = 0, m + j for row j of Bᵀ.
    let bt: Vec<Vec<f64>> = (0..n).map(|j| (0..m).map(|i| b[i][j]).collect()).collect();
    let p_vertices = vertices(&bt, m, |i| i, |j| m + j);
    // Q = {y ≥ 0 : Ay ≤ 1}: labels m + j for y_j = 0, i for row i of A.
    let q_vertices = vertices(&a, n, |j| m + j, |i| i);
    let all = (1u64 << (m + n)) - 1;
    let mut out = Vec::new();
    for (x, xmask) in &p_vertices {
        for (y, ymask) in &q_vertices {
            if xmask | ymask == all {
                let sx: f64 = x.iter().sum();
                let sy: f64 = y.iter().sum();
                let px: Vec<f64> = x.iter().map(|v| v / sx).collect();
                let py: Vec<f64> = y.iter().map(|v| v / sy).collect();
                let mut payoffs = vec![0.0; 2];
                for i in 0..m {
                    for j in 0..n {
                        let w = px[i] * py[j];
                        payoffs[0] += w * form.payoff(&[i, j], 0);
                        payoffs[1] += w * form.payoff(&[i, j], 1);
                    }
                }
                out.push(MixedEquilibrium {
                    strategies: vec![px, py],
                    payoffs,
                });
            }
        }
    }
    Ok(out)
}
