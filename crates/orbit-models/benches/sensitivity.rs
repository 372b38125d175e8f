//! Monte Carlo sensitivity: 10,000 draws of the EC emission-standards case (BDM 1994, table
//! p. 78), all models, both EUM variants. The issue's target: under one second.
//!
//! Run with `cargo bench -p orbit-models --bench sensitivity`.

use orbit_models::bargaining::{Actor, BargainingInput, EumOptions};
use orbit_models::forecast::{ForecastOptions, Model, forecast_issue};
use orbit_models::sensitivity::MonteCarloSettings;

fn main() {
    divan::main();
}

/// The EC case, with the status quo at the lowest position so that Nash bargaining runs too.
fn ec() -> BargainingInput {
    let rows = [
        ("Netherlands", 0.08, 4.0, 0.8),
        ("Belgium", 0.08, 7.0, 0.4),
        ("Luxembourg", 0.03, 4.0, 0.2),
        ("Germany", 0.16, 4.0, 0.8),
        ("France", 0.16, 10.0, 0.6),
        ("Italy", 0.16, 10.0, 0.6),
        ("UK", 0.16, 10.0, 0.9),
        ("Ireland", 0.05, 7.0, 0.1),
        ("Denmark", 0.05, 4.0, 1.0),
        ("Greece", 0.08, 7.0, 0.7),
    ];
    BargainingInput {
        actors: rows
            .iter()
            .map(|&(n, c, x, s)| Actor::new(n, c, x, s))
            .collect(),
        status_quo: Some(4.0),
        scale: None,
    }
}

fn options(eum: EumOptions) -> ForecastOptions {
    ForecastOptions {
        models: Model::ALL.to_vec(),
        eum,
        monte_carlo: Some(MonteCarloSettings {
            draws: 10_000,
            seed: 1,
            ..MonteCarloSettings::default()
        }),
    }
}

#[divan::bench(sample_count = 5)]
fn ec_10000_draws_bdm() -> f64 {
    let input = ec();
    let f = forecast_issue("ec", None, &input, &options(EumOptions::default()), &|| ()).unwrap();
    f.monte_carlo.unwrap().models[0].mean
}

#[divan::bench(sample_count = 5)]
fn ec_10000_draws_scholz2011() -> f64 {
    let input = ec();
    let f = forecast_issue(
        "ec",
        None,
        &input,
        &options(EumOptions::scholz2011()),
        &|| (),
    )
    .unwrap();
    f.monte_carlo.unwrap().models[0].mean
}
