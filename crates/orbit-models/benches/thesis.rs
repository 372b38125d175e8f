//! The thesis model: the calibration at one cutoff, a 1,000-draw gas-price fan over 2015–2030
//! with calibration uncertainty, and the whole backtest (22 cutoffs, 500-draw fans each).
//!
//! `cargo bench -p orbit-models --bench thesis`

use orbit_models::calibrate::{
    CalibrationSpec, DEFAULT_REFERENCE_SERIES, ReferenceSeries, calibrate_world,
    parse_reference_csv,
};
use orbit_models::thesis_backtest::{FanSettings, price_fan, thesis_backtest};

const REFERENCE_CSV: &str = include_str!("../tests/data/european_gas_price_yearly.csv");

fn main() {
    divan::main();
}

fn inputs() -> (orbit_scenario::World, ReferenceSeries) {
    let world = orbit_scenario::builtin().expect("the built-in scenario is valid");
    let reference =
        parse_reference_csv(REFERENCE_CSV, DEFAULT_REFERENCE_SERIES).expect("the fixture reads");
    (world, reference)
}

#[divan::bench]
fn calibrate_cutoff_2014(bencher: divan::Bencher) {
    let (world, reference) = inputs();
    let spec = CalibrationSpec::default();
    bencher.bench(|| calibrate_world(&world, &reference, 2014, &spec).unwrap());
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn price_fan_1000_draws_2015_2030(bencher: divan::Bencher) {
    let (world, reference) = inputs();
    let (calibration, panel) =
        calibrate_world(&world, &reference, 2014, &CalibrationSpec::default()).unwrap();
    bencher.bench(|| price_fan(&calibration, &panel, &reference, 16, 1000, 1).unwrap());
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn thesis_backtest_2000_2021(bencher: divan::Bencher) {
    let (world, reference) = inputs();
    let cutoffs: Vec<i32> = (2000..=2021).collect();
    let spec = CalibrationSpec::default();
    bencher.bench(|| thesis_backtest(&world, &reference, &cutoffs, &spec, &FanSettings::default()));
}
