//! The system in motion: a yearly stepper over a scenario, driven by the timeline's shocks and
//! the scenario's declared `[[links]]`, with the bargaining models run on every issue each year,
//! and a seeded, parallel Monte Carlo over the links' uncertain parameters and the issue inputs.
//!
//! One year `y` (see `docs/models/simulation.md`):
//! 1. **Shocks** from the timeline: sanctions measures in force in `y` (`sanctions.*`), events of
//!    `y` (`events.*`), the energy price observed for `y` (`price.*`, kept until the next
//!    observation), and the gas transit game's Shapley shares for the pipelines in service in
//!    `y` (`transit_share.*`).
//! 2. **Links** in declared order, each reading the current state (so a later link sees an
//!    earlier one's effect). After each, trade shares are clamped to [0, 1] and their partner
//!    group rescaled so it sums to at most 1; positions are clamped to their issue's scale,
//!    saliences to [0, 1], prices to `≥ 0`.
//! 3. **Bargaining**: the EUM (`bdm` variant) and the compromise model forecast every issue from
//!    the year's positions and saliences.
//!
//! Everything is pure: no IO, no printing; randomness only in [`monte_carlo`], one
//! `ChaCha8Rng` per run (`seed_from_u64(seed)`, `set_stream(run)`), so results do not depend
//! on the thread count.

mod bargain_stage;
mod compile;
mod monte_carlo;
mod observe;
mod step;

pub use bargain_stage::{BargainDraw, BargainStage, MAX_REJECTIONS, price_step};
pub use compile::Simulator;
pub use monte_carlo::{
    Fan, SimulationResult, SimulationSettings, draw_run, draw_run_with_bargain, monte_carlo,
};
pub use observe::{observed_price, sanctions_in_force, transit_shares};
pub use step::{Trajectory, renormalise_shares};

use crate::bargaining::BargainingError;

/// Why a simulation could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimulationError {
    /// `from` is after `to`.
    #[error("the simulated years {from}-{to} are empty")]
    EmptyYears { from: i32, to: i32 },
    /// A link parameter vector has the wrong length.
    #[error("expected {expected} link parameters, got {got}")]
    Parameters { expected: usize, got: usize },
    /// An issue input vector does not match the scenario's issues.
    #[error("expected {expected} issue inputs, got {got}")]
    Issues { expected: usize, got: usize },
    /// A bargain draw does not cover the simulated years.
    #[error("the bargain draw has {got} years, the simulation {expected}")]
    BargainDraw { expected: usize, got: usize },
    /// A bargain parameter is outside its range.
    #[error("bargain stage: {0}")]
    BargainParameters(crate::alliance_bargain::BargainError),
    /// A bargaining model rejected a year's input.
    #[error("issue `{issue}` in {year}: {source}")]
    Bargaining {
        issue: String,
        year: i32,
        #[source]
        source: BargainingError,
    },
}
