//! Times exact Shapley values of the dense benchmark game `v(S) = (Σ_{i∈S} (i+1))^1.5` for
//! each `n` given on the command line, printing one JSON line per `n` (seconds = the best of
//! `--reps` runs, tabulation included). Used by `scripts/peer_games.py`.
//!
//! `cargo run --release -p orbit-models --example shapley_dense -- --reps 3 10 14 16 18`

use std::time::Instant;

use orbit_models::games::{DenseGame, shapley_exact};

/// The benchmark game, as the Python peer computes it.
fn v(mask: u64) -> f64 {
    let s: u64 = (0..64).filter(|i| mask >> i & 1 == 1).map(|i| i + 1).sum();
    (s as f64).powf(1.5)
}

fn main() {
    let mut reps = 3;
    let mut sizes = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--reps" {
            reps = args.next().and_then(|r| r.parse().ok()).expect("--reps N");
        } else {
            sizes.push(a.parse::<usize>().expect("a number of players"));
        }
    }
    for n in sizes {
        let mut best = f64::INFINITY;
        let mut phi = Vec::new();
        for _ in 0..reps {
            let start = Instant::now();
            let game = DenseGame::from_fn(n, v).expect("n is at most 26");
            phi = shapley_exact(&game).expect("exact Shapley");
            best = best.min(start.elapsed().as_secs_f64());
        }
        let values: Vec<String> = phi.iter().map(|x| format!("{x:?}")).collect();
        println!(
            "{{\"n\": {n}, \"seconds\": {best}, \"shapley\": [{}]}}",
            values.join(", ")
        );
    }
}
