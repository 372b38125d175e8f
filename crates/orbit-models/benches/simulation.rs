//! The yearly simulation of the built-in scenario: one central run, and the Monte Carlo of
//! 1,000 runs over 2015–2030 (target: under 10 s on the development machine), with the
//! bargain stage's calibration uncertainty in every draw.
//!
//! `cargo bench -p orbit-models --bench simulation`

use orbit_models::simulation::{SimulationSettings, Simulator, monte_carlo};

fn main() {
    divan::main();
}

fn simulator() -> Simulator {
    let world = orbit_scenario::builtin().expect("the built-in scenario is valid");
    Simulator::new(&world, 2015, 2030).expect("valid years")
}

#[divan::bench]
fn central_run_2015_2030(bencher: divan::Bencher) {
    let sim = simulator();
    bencher.bench(|| sim.run_central().unwrap());
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn monte_carlo_1000_runs_2015_2030(bencher: divan::Bencher) {
    let sim = simulator();
    let settings = SimulationSettings {
        runs: 1000,
        seed: 1,
        ..SimulationSettings::default()
    };
    bencher.bench(|| monte_carlo(&sim, &settings, &|| {}).unwrap());
}

/// Compiling the simulator, which now calibrates the patron–client bargain (Levenberg–Marquardt
/// on 1995–2022) and solves the transit game of every year of the panel.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn compile_with_bargain_calibration(bencher: divan::Bencher) {
    let world = orbit_scenario::builtin().expect("the built-in scenario is valid");
    bencher.bench(|| Simulator::new(&world, 2015, 2030).expect("valid years"));
}
