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
