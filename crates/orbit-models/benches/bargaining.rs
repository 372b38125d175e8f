//! EUM, 10 rounds, on synthetic issues of n = 10, 100 and 1000 actors (both variants).
//!
//! Run with `cargo bench -p orbit-models --bench bargaining`.

use orbit_models::bargaining::{
    Actor, BargainingInput, EumOptions, StopRule, Variant, baselines, eum_forecast, run_eum,
};

fn main() {
    divan::main();
}

/// A deterministic synthetic issue: positions on 0–100 (whole numbers, as on DEU-style scales,
/// or continuous), capabilities and saliences spread by a fixed linear congruential generator
/// (no RNG dependency, same data on every run).
fn synthetic(n: usize, whole_positions: bool) -> BargainingInput {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    BargainingInput::new(
        (0..n)
            .map(|i| {
                Actor::new(
                    format!("a{i:04}"),
                    0.05 + next(),
                    if whole_positions {
                        (100.0 * next()).round()
                    } else {
                        100.0 * next()
                    },
                    0.1 + 0.9 * next(),
                )
            })
            .collect(),
    )
}

fn options(variant: Variant) -> EumOptions {
    EumOptions {
        variant,
        stop: StopRule::FixedRounds(10),
        record_offers: true,
        ..EumOptions::default()
    }
}

#[divan::bench(args = [10, 100, 1000], sample_count = 10)]
fn eum_bdm_10_rounds(bencher: divan::Bencher, n: usize) {
    let input = synthetic(n, true);
    let opts = options(Variant::Bdm);
    bencher.bench(|| run_eum(divan::black_box(&input), &opts));
}

#[divan::bench(args = [10, 100, 1000], sample_count = 10)]
fn eum_scholz2011_10_rounds(bencher: divan::Bencher, n: usize) {
    let input = synthetic(n, true);
    let opts = options(Variant::Scholz2011);
    bencher.bench(|| run_eum(divan::black_box(&input), &opts));
}

/// Continuous positions: no two actors share a position, the worst case for the engine.
#[divan::bench(args = [10, 100, 1000], sample_count = 10)]
fn eum_bdm_10_rounds_continuous(bencher: divan::Bencher, n: usize) {
    let input = synthetic(n, false);
    let opts = options(Variant::Bdm);
    bencher.bench(|| run_eum(divan::black_box(&input), &opts));
}

#[divan::bench(args = [10, 100, 1000], sample_count = 10)]
fn eum_scholz2011_10_rounds_continuous(bencher: divan::Bencher, n: usize) {
    let input = synthetic(n, false);
    let opts = options(Variant::Scholz2011);
    bencher.bench(|| run_eum(divan::black_box(&input), &opts));
}

#[divan::bench(args = [10, 100, 1000])]
fn baselines_all(bencher: divan::Bencher, n: usize) {
    let mut input = synthetic(n, false);
    input.status_quo = Some(-10.0);
    bencher.bench(|| baselines(divan::black_box(&input)));
}

/// Issue 15's small-issue workload: `bdm` with its default (KTAB) stop rule on 10 and 30
/// actors, the sizes of the EC case and of the scenario's issues, where the lean round runs.
/// Compare a kernel change with the same bench on the commit before it (same machine, same
/// minutes).
#[divan::bench(args = [10, 30])]
fn eum_bdm_stop_rule_small(bencher: divan::Bencher, n: usize) {
    let input = synthetic(n, false);
    let opts = EumOptions::default();
    bencher.bench(|| run_eum(divan::black_box(&input), &opts));
}

/// The same workload through the forecast-only path (`eum_forecast`: no round history, no
/// offers, no allocation per round), which the Monte Carlo draws and the simulation call.
#[divan::bench(args = [10, 30])]
fn eum_forecast_bdm_stop_rule_small(bencher: divan::Bencher, n: usize) {
    let input = synthetic(n, false);
    let opts = EumOptions {
        record_offers: false,
        ..EumOptions::default()
    };
    bencher.bench(|| eum_forecast(divan::black_box(&input), &opts));
}
