//! The extensive-form engine: a 20-move perfect-information escalation tree (Russia and
//! Belarus alternate; at each move the mover settles or escalates), with 1,000 Monte Carlo
//! draws of its parameters (stake, cost per round, discount), each draw built and solved by
//! backward induction on its own ChaCha8 stream; and the 2010 dispute game's Monte Carlo.
//!
//! Run with `cargo bench -p orbit-models --bench extensive`.

use orbit_models::disputes::{self, DisputeSettings, NetworkChoice};
use orbit_models::extensive::{Game, GameSpec, TreeSpec, backward_induction};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

fn main() {
    divan::main();
}

const MOVES: usize = 20;

/// The escalation ladder: at move k the mover (alternating) settles, giving the other the
/// stake discounted by δ^k less the costs so far, or escalates (the last escalation is a
/// stalemate).
fn ladder(stake: f64, cost: f64, discount: f64) -> GameSpec {
    let players = ["RUS", "BLR"];
    let mut node = TreeSpec::terminal(
        "stalemate",
        vec![-cost * MOVES as f64, -cost * MOVES as f64],
    );
    for k in (0..MOVES).rev() {
        let d = discount.powi(k as i32);
        let spent = cost * k as f64;
        let payoffs = if k % 2 == 0 {
            vec![-d * stake - spent, d * stake - spent]
        } else {
            vec![d * stake - spent, -d * stake - spent]
        };
        node = TreeSpec::decision(
            format!("move {}", k + 1),
            players[k % 2],
            vec![
                (
                    "settle",
                    TreeSpec::terminal(format!("settled at {}", k + 1), payoffs),
                ),
                ("escalate", node),
            ],
        );
    }
    GameSpec {
        title: "20-move escalation".into(),
        players: players.iter().map(|p| p.to_string()).collect(),
        root: node,
    }
}

fn draws(n: usize, seed: u64) -> usize {
    (0..n)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(k as u64);
            let stake = 100.0 + 900.0 * rng.random::<f64>();
            let cost = 50.0 * rng.random::<f64>();
            let discount = 0.8 + 0.2 * rng.random::<f64>();
            let game = Game::new(&ladder(stake, cost, discount)).expect("valid");
            backward_induction(&game)
                .expect("perfect information")
                .path
                .len()
        })
        .sum()
}

#[divan::bench]
fn ladder_20_moves_one_draw() -> usize {
    draws(1, 13)
}

#[divan::bench(sample_count = 20)]
fn ladder_20_moves_1000_draws() -> usize {
    draws(1000, 13)
}

#[divan::bench(sample_count = 10)]
fn dispute_2010_monte_carlo_1000_draws(bencher: divan::Bencher) {
    let world = orbit_scenario::builtin().expect("built-in scenario");
    let inputs = disputes::inputs(&world, "2010", NetworkChoice::AsRecorded).expect("inputs");
    let ranges = disputes::uncertain_ranges(&world);
    let settings = DisputeSettings {
        draws: 1000,
        seed: 13,
    };
    bencher.bench(|| disputes::monte_carlo(&inputs, &ranges, &settings).expect("runs"));
}
