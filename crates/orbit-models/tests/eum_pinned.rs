//! Pins the outputs of the EUM kernel (issue 15, performance) so that a faster kernel can be
//! checked against today's numbers, within the tolerances stated in `docs/performance.md`
//! ("Pinned outputs"):
//!
//! * `scholz2011`, the EC case, 10 rounds: bit-identical (the variant keeps the reference
//!   arithmetic);
//! * `bdm`, the EC case, central run: every position of every round and the forecast within
//!   [`BDM_CENTRAL`] (absolute, on the case's 1–10 scale);
//! * `bdm`, the EC case, 2,000 Monte Carlo draws (seed 1): the compromise, median and Nash
//!   models bit-identical (they do not run the EUM); the EUM's mean, standard deviation and
//!   quantiles within [`EUM_DRAWS`];
//! * the built-in scenario's simulation 2015–2030 (seed 1): the central run within
//!   [`SIM_CENTRAL`], and the medians of the fans of 100 runs within [`SIM_FAN_P50`] of
//!   each series' magnitude.
//!
//! The pinned numbers are in `tests/data/pinned/eum_outputs.json`, written by this test with
//! `ORBIT_WRITE_PINNED=1` from commit 02cd807 (the sections compared bit for bit were later
//! rewritten as bit patterns, same values). The tolerances were measured on a kernel with a
//! polynomial `exp`/`ln` that was tried and dropped (ulp-level changes per power). When a deliberate model
//! change moves them (e.g. a new stepper in the simulation), rewrite the file the same way and
//! say so in the commit.

use orbit_models::bargaining::{Actor, BargainingInput, EumOptions, StopRule, Variant, run_eum};
use orbit_models::forecast::{ForecastOptions, Model, forecast_issue};
use orbit_models::sensitivity::MonteCarloSettings;
use orbit_models::simulation::{SimulationSettings, Simulator, monte_carlo};
use serde_json::{Value, json};

/// `bdm` central run of the EC case: positions on 1–10.
const BDM_CENTRAL: f64 = 1e-9;
/// Summaries of 2,000 perturbed EC draws (positions on 1–10): a draw near a knife edge may stop
/// a round earlier or land on a neighbouring position (see `docs/performance.md`).
const EUM_DRAWS: f64 = 0.05;
/// The simulation's central run (indicators and forecasts).
const SIM_CENTRAL: f64 = 1e-6;
/// Medians of 100 simulation runs, relative to the largest magnitude of the series over the
/// years (+1e-9): a run near a knife edge can move a median to the neighbouring order
/// statistic (measured: 0.12% on `eum.deeper_integration`, 0.09 on a 0–100 scale).
const SIM_FAN_P50: f64 = 0.005;

const PINNED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/pinned/eum_outputs.json"
);

/// The EC emission-standards case, Bueno de Mesquita (1994) p. 78, Table 1 of Scholz, Calbert
/// & Smith (2011); the same rows as `tests/data/bargaining/bdm1994_ec_emissions_actors.csv`.
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
    BargainingInput::new(
        rows.iter()
            .map(|&(n, c, x, s)| Actor::new(n, c, x, s))
            .collect(),
    )
}

fn rounds(variant: Variant, stop: Option<StopRule>) -> Vec<Vec<f64>> {
    let mut options = EumOptions {
        variant,
        ..EumOptions::default()
    };
    if let Some(stop) = stop {
        options.stop = stop;
    }
    let result = run_eum(&ec(), &options).expect("the EC case runs");
    let mut out: Vec<Vec<f64>> = result.rounds.iter().map(|r| r.positions.clone()).collect();
    out.push(vec![result.forecast]);
    out
}

fn draws() -> Value {
    let options = ForecastOptions {
        models: Model::ALL.to_vec(),
        eum: EumOptions::default(),
        monte_carlo: Some(MonteCarloSettings {
            draws: 2000,
            seed: 1,
            ..MonteCarloSettings::default()
        }),
    };
    let forecast = forecast_issue("ec", None, &ec(), &options, &|| ()).expect("forecast");
    let mc = forecast.monte_carlo.expect("draws");
    Value::Array(
        mc.models
            .iter()
            .map(|m| {
                let summary = json!([m.mean, m.sd, m.p5, m.p50, m.p95]);
                // The models without the EUM are compared bit for bit.
                let summary = if m.model == Model::Eum {
                    summary
                } else {
                    bits(&summary)
                };
                json!({"model": m.model, "failed": m.failed, "summary": summary})
            })
            .collect(),
    )
}

fn simulation() -> Value {
    let world = orbit_scenario::builtin().expect("the built-in scenario is valid");
    let sim = Simulator::new(&world, 2015, 2030).expect("valid years");
    let central = sim.run_central().expect("central run");
    let settings = SimulationSettings {
        runs: 100,
        seed: 1,
        ..SimulationSettings::default()
    };
    let result = monte_carlo(&sim, &settings, &|| {}).expect("runs");
    json!({
        "central": [central.indicators, central.eum, central.compromise],
        "fans": result.fans.iter().map(|f| json!({"name": f.name, "p50": f.p50})).collect::<Vec<_>>(),
    })
}

/// The bit patterns of every number in `v`: the sections compared bit for bit are stored so,
/// because `serde_json` (without its `float_roundtrip` feature) may read a written `f64` back
/// one ulp off.
fn bits(v: &Value) -> Value {
    match v {
        Value::Number(x) => json!(x.as_f64().expect("a number").to_bits()),
        Value::Array(a) => Value::Array(a.iter().map(bits).collect()),
        other => other.clone(),
    }
}

fn current() -> Value {
    json!({
        "scholz2011": bits(&json!(rounds(Variant::Scholz2011, Some(StopRule::FixedRounds(10))))),
        "bdm": rounds(Variant::Bdm, None),
        "draws": draws(),
        "simulation": simulation(),
    })
}

fn numbers(v: &Value) -> Vec<f64> {
    match v {
        Value::Number(x) => vec![x.as_f64().expect("a number")],
        Value::Array(a) => a.iter().flat_map(numbers).collect(),
        _ => Vec::new(),
    }
}

/// Largest absolute difference of two equally shaped number trees.
fn gap(a: &Value, b: &Value, what: &str) -> f64 {
    let (x, y) = (numbers(a), numbers(b));
    assert_eq!(x.len(), y.len(), "{what}: shape changed");
    x.iter()
        .zip(&y)
        .map(|(p, q)| {
            assert_eq!(p.is_nan(), q.is_nan(), "{what}: NaN moved");
            if p == q { 0.0 } else { (p - q).abs() }
        })
        .fold(0.0, f64::max)
}

#[test]
fn outputs_stay_within_the_stated_tolerances_of_the_pinned_run() {
    let now = current();
    if let Some(path) = std::env::var_os("ORBIT_WRITE_PINNED") {
        // `ORBIT_WRITE_PINNED=1` rewrites the pinned file; any other value is a path to write.
        let path = if path == "1" { PINNED.into() } else { path };
        std::fs::write(path, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
        return;
    }
    let pinned: Value =
        serde_json::from_str(&std::fs::read_to_string(PINNED).expect("the pinned file"))
            .expect("pinned JSON");

    assert_eq!(
        now["scholz2011"], pinned["scholz2011"],
        "scholz2011 must be bit-identical"
    );
    let d = gap(&now["bdm"], &pinned["bdm"], "bdm central");
    // Printed (`-- --nocapture`) so that a kernel change can state by how much it moved.
    eprintln!("bdm central run: largest difference {d:e} (tolerance {BDM_CENTRAL:e})");
    assert!(d <= BDM_CENTRAL, "bdm central run moved by {d:e}");

    for (m, p) in now["draws"]
        .as_array()
        .unwrap()
        .iter()
        .zip(pinned["draws"].as_array().unwrap())
    {
        assert_eq!(m["model"], p["model"]);
        if m["model"] == "eum" {
            let d = gap(&m["summary"], &p["summary"], "eum draws");
            eprintln!("EUM summary of the draws: largest difference {d:e} (tolerance {EUM_DRAWS})");
            assert!(d <= EUM_DRAWS, "EUM summary of the draws moved by {d}");
            assert_eq!(m["failed"], p["failed"]);
        } else {
            assert_eq!(m, p, "a model without the EUM must not move");
        }
    }

    let d = gap(
        &now["simulation"]["central"],
        &pinned["simulation"]["central"],
        "simulation central",
    );
    eprintln!("simulation central run: largest difference {d:e} (tolerance {SIM_CENTRAL:e})");
    assert!(d <= SIM_CENTRAL, "simulation central run moved by {d:e}");
    let (fans, pinned_fans) = (
        now["simulation"]["fans"].as_array().unwrap(),
        pinned["simulation"]["fans"].as_array().unwrap(),
    );
    assert_eq!(fans.len(), pinned_fans.len());
    for (f, p) in fans.iter().zip(pinned_fans) {
        assert_eq!(f["name"], p["name"]);
        let magnitude = numbers(&p["p50"])
            .iter()
            .fold(0.0, |m: f64, v| m.max(v.abs()));
        let d = gap(&f["p50"], &p["p50"], "fan medians");
        if d > 0.0 {
            eprintln!(
                "fan {} medians: largest difference {d:e} (tolerance {:e})",
                f["name"],
                SIM_FAN_P50 * magnitude + 1e-9
            );
        }
        assert!(
            d <= SIM_FAN_P50 * magnitude + 1e-9,
            "fan {} median moved by {d} (largest |value| {magnitude})",
            f["name"]
        );
    }
}
