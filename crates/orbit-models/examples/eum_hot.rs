//! A fixed workload for profilers (`perf record`, callgrind): the hot paths of issue 15's
//! performance targets without process start or output. `cargo run --release -p orbit-models
//! --example eum_hot -- ec 10000` (the EC case, all models, `bdm`) or `-- sim 200` (the
//! built-in scenario's simulation 2015–2030). Prints a checksum so nothing is optimised away.

use orbit_models::bargaining::{Actor, BargainingInput, EumOptions};
use orbit_models::forecast::{ForecastOptions, Model, forecast_issue};
use orbit_models::sensitivity::MonteCarloSettings;
use orbit_models::simulation::{SimulationSettings, Simulator, monte_carlo};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map_or("ec", String::as_str);
    let count: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let start = std::time::Instant::now();
    let checksum = match what {
        "sim" => {
            let world = orbit_scenario::builtin().expect("the built-in scenario is valid");
            let sim = Simulator::new(&world, 2015, 2030).expect("valid years");
            let settings = SimulationSettings {
                runs: count,
                seed: 1,
                ..SimulationSettings::default()
            };
            let result = monte_carlo(&sim, &settings, &|| {}).expect("runs");
            result
                .fans
                .iter()
                .map(|f| f.p50.iter().sum::<f64>())
                .sum::<f64>()
        }
        _ => {
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
            let input = BargainingInput {
                actors: rows
                    .iter()
                    .map(|&(n, c, x, s)| Actor::new(n, c, x, s))
                    .collect(),
                status_quo: None,
                scale: None,
            };
            let options = ForecastOptions {
                models: Model::ALL.to_vec(),
                eum: EumOptions::default(),
                monte_carlo: Some(MonteCarloSettings {
                    draws: count,
                    seed: 1,
                    ..MonteCarloSettings::default()
                }),
            };
            let f = forecast_issue("ec", None, &input, &options, &|| ()).expect("forecast");
            f.monte_carlo.expect("draws").models[0].mean
        }
    };
    eprintln!("{what} {count}: {:.3} s", start.elapsed().as_secs_f64());
    println!("{checksum:.17e}");
}
