//! Cooperative (transferable-utility) games: Shapley and Banzhaf values, core, least core,
//! nucleolus, and network (pipeline) games.
//!
//! A TU game on players `N = {0, …, n−1}` is a characteristic function `v: 2^N → ℝ` with
//! `v(∅) = 0`. Coalitions are bitmasks: bit `i` set means player `i` is a member. Games with
//! up to [`MAX_DENSE_PLAYERS`] players can be stored densely ([`DenseGame`]); larger games are
//! evaluated lazily ([`FnGame`], [`NetworkGame`]).
//!
//! **Architecture invariant:** nothing here does IO or prints, randomness comes from a seed
//! given by the caller, and results do not depend on the number of rayon threads.
//!
//! Solutions:
//! * [`shapley`] — exact (Shapley 1953) or by permutation sampling (Castro, Gómez & Tejada 2009);
//! * [`banzhaf`] — raw and normalised Banzhaf value (Banzhaf 1965);
//! * [`least_core`], [`core_is_empty`], [`nucleolus`], [`prenucleolus`] — sequential LPs
//!   (Maschler, Peleg & Shapley 1979; Schmeidler 1969), solved by the `coopgame` crate;
//! * [`NetworkGame`] — v(S) is the maximum flow S can route alone (Hubert & Ikonnikova 2011).

mod core;
mod file;
mod network;
mod shapley;

pub use self::core::{
    LeastCore, MAX_LP_PLAYERS, Nucleolus, core_is_empty, least_core, nucleolus, prenucleolus,
};
pub use self::file::{GameFileError, MAX_FILE_PLAYERS, parse_game_json, parse_network_json};
pub use self::network::{Link, Network, NetworkGame, Node};
pub use self::shapley::{
    AUTO_EXACT_MAX_PLAYERS, BanzhafValue, MAX_EXACT_PLAYERS, SAMPLE_BATCH, ShapleyMethod,
    ShapleyOptions, ShapleyValue, banzhaf, shapley, shapley_exact, shapley_sampled,
};

use rayon::prelude::*;
use thiserror::Error;

/// Most players a bitmask coalition (`u64`) can hold.
pub const MAX_PLAYERS: usize = 63;

/// Most players a [`DenseGame`] stores (2^26 values, 512 MiB).
pub const MAX_DENSE_PLAYERS: usize = 26;

/// Errors of the cooperative-game engine.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum GameError {
    /// The game has no players.
    #[error("a game needs at least one player")]
    NoPlayers,
    /// The method cannot handle this many players.
    #[error("too many players for {method}: {n} (at most {max})")]
    TooManyPlayers {
        /// The method that refused.
        method: &'static str,
        /// Players in the game.
        n: usize,
        /// Most players the method accepts.
        max: usize,
    },
    /// A value vector has the wrong length for the number of players.
    #[error("expected {expected} coalition values for {n} players, got {got}")]
    WrongLength {
        /// Players.
        n: usize,
        /// Expected length.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// A value vector's length is not `2^n − 1` (lexicographic order) for any `n`.
    #[error("{0} values is not 2^n - 1 for any number of players n")]
    NotAPowerOfTwo(usize),
    /// `v(∅)` must be zero.
    #[error("the empty coalition must be worth 0, got {0}")]
    NonZeroEmpty(f64),
    /// A coalition value is NaN or infinite.
    #[error("the value of coalition {coalition:?} is not finite: {value}")]
    NonFiniteValue {
        /// Members of the coalition (0-based players).
        coalition: Vec<usize>,
        /// The offending value.
        value: f64,
    },
    /// A numeric parameter (capacity, supply, cost…) is NaN or infinite.
    #[error("{what} is not finite: {value}")]
    NonFiniteParameter {
        /// Which parameter.
        what: String,
        /// Its value.
        value: f64,
    },
    /// A parameter that must be non-negative is negative.
    #[error("{what} is negative: {value}")]
    Negative {
        /// Which parameter (e.g. `capacity of link 3`).
        what: String,
        /// Its value.
        value: f64,
    },
    /// A link refers to a node that does not exist.
    #[error("link {link} refers to unknown node `{node}`")]
    UnknownNode {
        /// Index of the link.
        link: usize,
        /// The node id it names.
        node: String,
    },
    /// Two nodes share an id.
    #[error("duplicate node id `{0}`")]
    DuplicateNode(String),
    /// An owner index is out of range.
    #[error("{what} is owned by player {owner}, but there are only {n} players")]
    UnknownOwner {
        /// Node or link.
        what: String,
        /// The owner index given.
        owner: usize,
        /// Players.
        n: usize,
    },
    /// The imputation set `{x : x(N) = v(N), x_i ≥ v({i})}` is empty.
    #[error(
        "the imputation set is empty: the singletons are worth {singletons}, more than v(N) = {grand}"
    )]
    EmptyImputationSet {
        /// `Σ_i v({i})`.
        singletons: f64,
        /// `v(N)`.
        grand: f64,
    },
    /// Sampling needs at least two permutations to estimate a standard error.
    #[error("at least 2 permutations are needed, got {0}")]
    TooFewSamples(usize),
    /// The LP solver failed.
    #[error("LP solver failed: {0}")]
    Lp(String),
}

/// A TU game: `n` players and a characteristic function.
///
/// Implementors give [`TuGame::value_of`] on a multi-word bitset, so that games with more than
/// 63 players (sampled Shapley of large networks) work; [`TuGame::value`] is the `u64`
/// shortcut used by exact methods, valid for `n ≤ 63`.
pub trait TuGame: Sync {
    /// Number of players.
    fn n(&self) -> usize;

    /// `v(S)` for `S` as a bitset of `⌈n/64⌉` words: player `i` is bit `i % 64` of word `i / 64`.
    fn value_of(&self, coalition: &[u64]) -> f64;

    /// `v(S)` for `S` as a bitmask (`n ≤ 63`).
    fn value(&self, mask: u64) -> f64 {
        self.value_of(std::slice::from_ref(&mask))
    }

    /// `v(N)`, the grand coalition's value, for any number of players (a `u64` mask cannot
    /// hold 64 or more: `(1 << 64) − 1` overflows, and a clamped mask leaves players out).
    fn grand_value(&self) -> f64 {
        self.value_of(&grand_coalition(self.n()))
    }
}

/// The grand coalition of `n` players as a bitset of `⌈n/64⌉` words (see [`TuGame::value_of`]).
pub fn grand_coalition(n: usize) -> Vec<u64> {
    let mut words = vec![u64::MAX; n.div_ceil(64)];
    if let Some(last) = words.last_mut()
        && !n.is_multiple_of(64)
    {
        *last = (1u64 << (n % 64)) - 1;
    }
    words
}

/// Members of a bitmask coalition, ascending.
pub fn members(mask: u64) -> Vec<usize> {
    (0..64).filter(|i| mask >> i & 1 == 1).collect()
}

/// A game stored densely: `values[mask] = v(mask)`, `values[0] = 0`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DenseGame {
    n: usize,
    values: Vec<f64>,
}

fn check_dense_n(n: usize) -> Result<(), GameError> {
    if n == 0 {
        return Err(GameError::NoPlayers);
    }
    if n > MAX_DENSE_PLAYERS {
        return Err(GameError::TooManyPlayers {
            method: "a dense game",
            n,
            max: MAX_DENSE_PLAYERS,
        });
    }
    Ok(())
}

fn check_finite(mask: u64, value: f64) -> Result<(), GameError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(GameError::NonFiniteValue {
            coalition: members(mask),
            value,
        })
    }
}

impl DenseGame {
    /// From values indexed by bitmask (`values.len() == 2^n`, `values[0] == 0`).
    pub fn from_masks(n: usize, values: Vec<f64>) -> Result<Self, GameError> {
        check_dense_n(n)?;
        let expected = 1usize << n;
        if values.len() != expected {
            return Err(GameError::WrongLength {
                n,
                expected,
                got: values.len(),
            });
        }
        if values[0] != 0.0 {
            return Err(GameError::NonZeroEmpty(values[0]));
        }
        for (mask, &v) in values.iter().enumerate() {
            check_finite(mask as u64, v)?;
        }
        Ok(Self { n, values })
    }

    /// From the `2^n − 1` values of the non-empty coalitions in the literature's lexicographic
    /// order (singletons, then pairs 12, 13, …, then triples, …, then N), as used by R
    /// `CoopGame` and `coopgame`. `n` is inferred from the length.
    pub fn from_lex(values: &[f64]) -> Result<Self, GameError> {
        let n = players_from_lex_len(values.len())?;
        check_dense_n(n)?;
        let mut dense = vec![0.0; 1 << n];
        for (&mask, &v) in lex_masks(n).iter().zip(values) {
            dense[mask as usize] = v;
        }
        Self::from_masks(n, dense)
    }

    /// Tabulates `v(S) = f(S)` for every mask (in parallel).
    pub fn from_fn(n: usize, f: impl Fn(u64) -> f64 + Sync) -> Result<Self, GameError> {
        check_dense_n(n)?;
        let mut values: Vec<f64> = (0..1u64 << n).into_par_iter().map(&f).collect();
        values[0] = 0.0;
        Self::from_masks(n, values)
    }

    /// Tabulates any game with at most [`MAX_DENSE_PLAYERS`] players (e.g. a [`NetworkGame`]),
    /// so that several solutions can share one evaluation of the 2^n coalitions.
    pub fn tabulate(game: &impl TuGame) -> Result<Self, GameError> {
        Self::from_fn(game.n(), |mask| game.value(mask))
    }

    /// Values indexed by bitmask.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Values of the non-empty coalitions in lexicographic order (inverse of [`Self::from_lex`]).
    pub fn to_lex(&self) -> Vec<f64> {
        lex_masks(self.n)
            .iter()
            .map(|&m| self.values[m as usize])
            .collect()
    }
}

impl TuGame for DenseGame {
    fn n(&self) -> usize {
        self.n
    }

    fn value_of(&self, coalition: &[u64]) -> f64 {
        self.values[coalition[0] as usize]
    }

    fn value(&self, mask: u64) -> f64 {
        self.values[mask as usize]
    }
}

/// A lazily evaluated game, `v(S) = f(S)`, for `n ≤ 63` players.
///
/// `f` should return 0 for the empty mask; values are checked for finiteness by the solvers.
pub struct FnGame<F> {
    n: usize,
    f: F,
}

impl<F> std::fmt::Debug for FnGame<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnGame").field("n", &self.n).finish()
    }
}

impl<F: Fn(u64) -> f64 + Sync> FnGame<F> {
    /// Wraps a closure over bitmasks.
    pub fn new(n: usize, f: F) -> Result<Self, GameError> {
        if n == 0 {
            return Err(GameError::NoPlayers);
        }
        if n > MAX_PLAYERS {
            return Err(GameError::TooManyPlayers {
                method: "a bitmask game",
                n,
                max: MAX_PLAYERS,
            });
        }
        Ok(Self { n, f })
    }
}

impl<F: Fn(u64) -> f64 + Sync> TuGame for FnGame<F> {
    fn n(&self) -> usize {
        self.n
    }

    fn value_of(&self, coalition: &[u64]) -> f64 {
        (self.f)(coalition[0])
    }

    fn value(&self, mask: u64) -> f64 {
        (self.f)(mask)
    }
}

/// Number of players `n` for a lexicographic vector of `2^n − 1` values.
pub fn players_from_lex_len(len: usize) -> Result<usize, GameError> {
    let total = len + 1;
    if len == 0 || !total.is_power_of_two() {
        return Err(GameError::NotAPowerOfTwo(len));
    }
    Ok(total.trailing_zeros() as usize)
}

/// The non-empty coalitions of `n` players in lexicographic order: by size, then
/// lexicographically by sorted members (`{1}, …, {n}, {1,2}, {1,3}, …, {n−1,n}, …, N`).
pub fn lex_masks(n: usize) -> Vec<u64> {
    let mut out = Vec::with_capacity((1usize << n).saturating_sub(1));
    for k in 1..=n {
        // Combinations of size k in lexicographic order.
        let mut idx: Vec<usize> = (0..k).collect();
        loop {
            out.push(idx.iter().fold(0u64, |m, &i| m | 1 << i));
            // Advance to the next combination.
            let mut j = k;
            while j > 0 && idx[j - 1] == n - k + j - 1 {
                j -= 1;
            }
            if j == 0 {
                break;
            }
            idx[j - 1] += 1;
            for l in j..k {
                idx[l] = idx[l - 1] + 1;
            }
        }
    }
    out
}
