//! Core, least core and nucleolus by linear programming.
//!
//! The LPs are solved by the `coopgame` crate (sequential LPs with constraint generation on the
//! pure-Rust `microlp` solver); this module tabulates the game, checks sizes and values, and
//! maps errors. `coopgame` was checked against the literature games in `tests/games.rs`.

use coopgame::nucleolus as cg;
use serde::Serialize;

use super::{DenseGame, GameError, TuGame};

/// Most players for the LP methods (the LPs have 2^n − 2 rows).
pub const MAX_LP_PLAYERS: usize = 16;

/// Absolute tolerance on the least-core `ε*`, scaled by `max(1, max_S |v(S)|)`.
const CORE_TOLERANCE: f64 = 1e-9;

/// The least core (Maschler, Peleg & Shapley 1979).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeastCore {
    /// `ε* = min ε` s.t. `x(S) ≥ v(S) − ε` for all proper non-empty `S`, `x(N) = v(N)`.
    pub epsilon: f64,
    /// One allocation in the least core.
    pub allocation: Vec<f64>,
    /// Whether the core is empty: `ε* > 1e-9 · max(1, max_S |v(S)|)`.
    pub core_empty: bool,
}

/// The nucleolus (Schmeidler 1969) or prenucleolus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nucleolus {
    /// The allocation.
    pub allocation: Vec<f64>,
    /// Optimal maximal excess of each LP of the sequence (non-increasing).
    pub levels: Vec<f64>,
}

fn to_coopgame(game: &impl TuGame) -> Result<(coopgame::ExplicitGame, f64), GameError> {
    let n = game.n();
    if n > MAX_LP_PLAYERS {
        return Err(GameError::TooManyPlayers {
            method: "the core LPs",
            n,
            max: MAX_LP_PLAYERS,
        });
    }
    let dense = DenseGame::tabulate(game)?;
    let scale = dense.values().iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let g = coopgame::ExplicitGame::from_binary(&dense.values()[1..]).map_err(lp_error)?;
    Ok((g, scale))
}

fn lp_error(e: coopgame::Error) -> GameError {
    match e {
        coopgame::Error::TooManyPlayers { players, max } => GameError::TooManyPlayers {
            method: "coopgame",
            n: players,
            max,
        },
        other => GameError::Lp(format!("{other:?}")),
    }
}

/// Least core: `min ε` s.t. `x(S) ≥ v(S) − ε` for every proper non-empty coalition `S` and
/// `x(N) = v(N)` (Maschler, Peleg & Shapley 1979). The core is empty iff `ε* > 0`.
///
/// Errors: more than [`MAX_LP_PLAYERS`] players, non-finite values, LP failure.
pub fn least_core(game: &impl TuGame) -> Result<LeastCore, GameError> {
    let (g, scale) = to_coopgame(game)?;
    let lc = cg::least_core(&g, coopgame::Domain::Preimputation).map_err(lp_error)?;
    // One player: no proper coalition, the core is {v(N)}.
    let epsilon = if lc.epsilon().is_finite() {
        lc.epsilon()
    } else {
        0.0
    };
    Ok(LeastCore {
        epsilon,
        allocation: lc.allocation().to_vec(),
        core_empty: epsilon > CORE_TOLERANCE * scale,
    })
}

/// Whether the core `{x : x(S) ≥ v(S) ∀S, x(N) = v(N)}` is empty (Bondareva–Shapley), via the
/// least-core LP.
pub fn core_is_empty(game: &impl TuGame) -> Result<bool, GameError> {
    Ok(least_core(game)?.core_empty)
}

fn check_imputations(game: &impl TuGame) -> Result<(), GameError> {
    let n = game.n();
    let singletons: f64 = (0..n).map(|i| game.value(1 << i)).sum();
    let grand = game.value((1u64 << n) - 1);
    let scale = singletons.abs().max(grand.abs()).max(1.0);
    if singletons > grand + CORE_TOLERANCE * scale {
        return Err(GameError::EmptyImputationSet { singletons, grand });
    }
    Ok(())
}

/// Nucleolus (Schmeidler 1969): the imputation that lexicographically minimises the vector of
/// excesses `e(S, x) = v(S) − x(S)` sorted in decreasing order, by Maschler's sequence of LPs
/// (Maschler, Peleg & Shapley 1979). It lies in the core whenever the core is non-empty.
///
/// Errors: more than [`MAX_LP_PLAYERS`] players, an empty imputation set
/// (`Σ v({i}) > v(N)`), non-finite values, LP failure.
pub fn nucleolus(game: &impl TuGame) -> Result<Nucleolus, GameError> {
    let (g, _) = to_coopgame(game)?;
    check_imputations(game)?;
    let r = cg::nucleolus(&g).map_err(lp_error)?;
    Ok(Nucleolus {
        allocation: r.allocation().to_vec(),
        levels: r.levels().to_vec(),
    })
}

/// Prenucleolus: as [`nucleolus`] but over all pre-imputations (`x(N) = v(N)`, no individual
/// rationality). Equals the nucleolus when the core is non-empty.
pub fn prenucleolus(game: &impl TuGame) -> Result<Nucleolus, GameError> {
    let (g, _) = to_coopgame(game)?;
    let r = cg::prenucleolus(&g).map_err(lp_error)?;
    Ok(Nucleolus {
        allocation: r.allocation().to_vec(),
        levels: r.levels().to_vec(),
    })
}
