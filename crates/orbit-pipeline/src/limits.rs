//! Bounds on what one call may ask for, in one place: the command line's and the server's
//! caps are two values of [`Limits`].

use serde::Serialize;

/// Upper bounds on a run. A plan beyond them is refused with the bound in the hint, so one
/// call cannot run for hours or exhaust memory by accident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Monte Carlo draws per issue forecast.
    pub draws: usize,
    /// Rounds of the expected utility model (the `bdm` stop rule's own maximum is 100).
    pub rounds: usize,
    /// Actors of one bargaining issue (an actor table).
    pub actors: usize,
    /// Work of one forecast, counted as `(draws + 1) × rounds × actors²`: the expected
    /// utility model's cost grows with the square of the actors per round.
    pub work: u64,
    /// Monte Carlo runs of the yearly simulation (each run keeps its trajectory, about
    /// 28 KB for the built-in scenario over 16 years).
    pub simulation_runs: usize,
    /// Years a simulation may run past the scenario's last year.
    pub horizon: i32,
    /// Bytes of one text input: a scenario, an overlay, an actor table (read bounded, so a
    /// device such as `/dev/zero` is refused too).
    pub input_file_bytes: u64,
    /// Bytes of one game or network JSON file (a 20-player game lists 2^20 coalitions).
    pub game_file_bytes: u64,
}

impl Limits {
    /// The command line: a user's own machine, generous but finite.
    pub const COMMAND_LINE: Limits = Limits {
        draws: 1_000_000,
        rounds: 100,
        actors: 10_000,
        work: u64::MAX,
        simulation_runs: 20_000,
        horizon: 50,
        input_file_bytes: orbit_scenario::MAX_FILE_BYTES,
        game_file_bytes: 1 << 30,
    };

    /// One request to the dashboard: a shared server answers many.
    pub const REQUEST: Limits = Limits {
        draws: 20_000,
        rounds: 100,
        actors: 200,
        work: 150_000_000,
        simulation_runs: 20_000,
        horizon: 50,
        input_file_bytes: orbit_scenario::MAX_FILE_BYTES,
        game_file_bytes: 1 << 30,
    };

    /// The forecast's work, `(draws + 1) × rounds × actors²`, saturating.
    pub fn work_of(draws: usize, rounds: usize, actors: usize) -> u64 {
        (draws as u64 + 1)
            .saturating_mul(rounds as u64)
            .saturating_mul((actors as u64).saturating_mul(actors as u64))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::COMMAND_LINE
    }
}
