//! KTAB's SMP against KTAB's own `smpc` runs (commit 3b5b063), copied into
//! `tests/data/ktab-refruns/` (see the README there), plus property tests.

use std::path::PathBuf;

use orbit_models::ktab::{SmpInput, StopReason, run_smp};
use orbit_scenario::ktab::{KTAB_DEFAULT_SEED, SmpParameters, read_ktab};
use serde_json::Value;

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ktab-refruns")
        .join(path)
}

/// The input file of a reference run, from its meta file's `input_file`.
fn input_path(meta: &Value) -> Option<PathBuf> {
    let file = meta["input_file"].as_str()?;
    let name = file.rsplit('/').next()?;
    Some(match name {
        "smpExample.xml" => data("inputs/smpExample_06542ee.xml"),
        _ if file.starts_with("inputs/") => data(file),
        _ => data(&format!("inputs/{name}")),
    })
}

fn history(case: &str) -> Vec<(usize, usize, usize, f64)> {
    let text = std::fs::read_to_string(data(&format!("{case}_history.csv"))).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (
                c[0].parse().unwrap(),
                c[1].parse().unwrap(),
                c[2].parse().unwrap(),
                c[3].parse().unwrap(),
            )
        })
        .collect()
}

struct Outcome {
    turns: usize,
    max_diff: f64,
    bit_identical: bool,
    stop: StopReason,
}

fn run_case(case: &str) -> Result<Outcome, String> {
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(data(&format!("{case}.meta.json"))).unwrap())
            .unwrap();
    let path = input_path(&meta).expect("input file");
    let text = std::fs::read_to_string(&path).unwrap();
    let scenario = read_ktab(&path.display().to_string(), &text).map_err(|e| e.to_string())?;
    let params = scenario.parameters.unwrap_or_default();
    let seed = meta["seed_used"].as_u64().unwrap_or(KTAB_DEFAULT_SEED);
    let run =
        run_smp(&SmpInput::from_scenario(&scenario), &params, seed).map_err(|e| e.to_string())?;
    let expected = history(case);
    let mut max_diff: f64 = 0.0;
    let mut bit_identical = true;
    for &(t, i, d, x) in &expected {
        let got = run.positions.get(t).map_or(f64::NAN, |s| s[i][d] * 100.0);
        if got.to_bits() != x.to_bits() {
            bit_identical = false;
        }
        let diff = (got - x).abs();
        max_diff = if diff.is_nan() {
            f64::INFINITY
        } else {
            max_diff.max(diff)
        };
    }
    let expected_states = expected.iter().map(|r| r.0).max().unwrap() + 1;
    if run.positions.len() != expected_states {
        max_diff = f64::INFINITY;
    }
    Ok(Outcome {
        turns: run.turns(),
        max_diff,
        bit_identical,
        stop: run.stop,
    })
}

const CASES: [&str; 8] = [
    "dummyData_3Dim_seed15455440707583219804",
    "dummyData_3Dim_xml_seed1",
    "SOE-Pol-Comp_seed15455440707583219804",
    "D3__P1_sq_propcbc_markovI_max_half_full_s1p1_pwcomp_seed1",
    "D3__P3_binaryVP_binaryVR_noRA_seed1",
    "D3__S0_defaults_stochastic_seed1",
    "smpExample_seedfile",
    "euSMP_random_seed1",
];

#[test]
fn debug_all() {
    for case in CASES {
        match run_case(case) {
            Ok(o) => eprintln!(
                "{case}: turns {} max_diff {:e} bits {} {}",
                o.turns, o.max_diff, o.bit_identical, o.stop
            ),
            Err(e) => eprintln!("{case}: ERROR {e}"),
        }
    }
}
