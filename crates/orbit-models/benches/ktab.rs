//! KTAB's SMP on KTAB's own example cases (the inputs of the reference runs in
//! `tests/data/ktab-refruns/inputs/`), and a Monte Carlo of perturbed SOE-Pol-Comp inputs.
//!
//! Run with `cargo bench -p orbit-models --bench ktab`; `scripts/ktab_perf.sh` compares the
//! command end to end with KTAB's recorded wall times.

use orbit_models::ktab::monte_carlo::{SmpPerturbation, smp_monte_carlo};
use orbit_models::ktab::{SmpInput, run_smp};
use orbit_scenario::ktab::{KTAB_DEFAULT_SEED, SmpParameters, read_ktab};

fn main() {
    divan::main();
}

fn input(file: &str) -> SmpInput {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ktab-refruns/inputs")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("bench input");
    SmpInput::from_scenario(&read_ktab(file, &text).expect("valid KTAB input"))
}

#[divan::bench(args = ["dummyData_3Dim.csv", "SOE-Pol-Comp.csv", "SOE-Competitive.csv", "dummyData-a040.csv", "dummyData-a080.csv"], sample_count = 5)]
fn smp_run(bencher: divan::Bencher, file: &str) {
    let input = input(file);
    bencher.bench(|| run_smp(&input, &SmpParameters::default(), KTAB_DEFAULT_SEED).expect("runs"));
}

#[divan::bench(sample_count = 3)]
fn monte_carlo_soe_pol_comp_1000(bencher: divan::Bencher) {
    let input = input("SOE-Pol-Comp.csv");
    let spec = SmpPerturbation::default();
    bencher.bench(|| {
        smp_monte_carlo(&input, &SmpParameters::default(), 1000, 1, &spec).expect("runs")
    });
}

/// The built-in scenario's two-dimensional air-base issue (`[[spatial_issues]]`), as the
/// pipeline runs it ([`SmpInput::from_spatial_issue`]).
fn air_base() -> SmpInput {
    let world = orbit_scenario::builtin().expect("the built-in scenario");
    SmpInput::from_spatial_issue(&world, &world.spatial_issues[0])
}

#[divan::bench(sample_count = 10)]
fn air_base_2d_run(bencher: divan::Bencher) {
    let input = air_base();
    bencher.bench(|| run_smp(&input, &SmpParameters::default(), 1).expect("runs"));
}

#[divan::bench(sample_count = 3)]
fn air_base_2d_monte_carlo_200(bencher: divan::Bencher) {
    let input = air_base();
    let spec = SmpPerturbation::default();
    bencher
        .bench(|| smp_monte_carlo(&input, &SmpParameters::default(), 200, 1, &spec).expect("runs"));
}
