//! KTAB's SMP against KTAB's own `smpc` runs (commit 3b5b063), copied into
//! `tests/data/ktab-refruns/` (see the README there), plus property tests.

use std::path::PathBuf;

use orbit_models::ktab::{
    SmpInput, SmpOptions, StopReason, random_scenario, run_smp, run_smp_with,
};
use orbit_scenario::ktab::{KTAB_DEFAULT_SEED, read_ktab};
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
    fractional_change: Vec<f64>,
}

fn meta(case: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(data(&format!("{case}.meta.json"))).unwrap())
        .unwrap()
}

/// Runs the case a meta file describes, the way KTAB's `smpc` was run.
fn run_case(case: &str) -> Result<orbit_models::ktab::SmpRun, String> {
    let meta = meta(case);
    let seed = meta["seed_used"].as_u64().unwrap_or(KTAB_DEFAULT_SEED);
    if meta["input_kind"] == "euSMP" {
        let drawn = random_scenario(seed);
        let options = SmpOptions {
            zero_risk_in_first_turn: true,
        };
        return run_smp_with(&drawn.input, &Default::default(), seed, options)
            .map_err(|e| e.to_string());
    }
    let path = input_path(&meta).expect("input file");
    let text = std::fs::read_to_string(&path).unwrap();
    let scenario = read_ktab(&path.display().to_string(), &text).map_err(|e| e.to_string())?;
    let params = scenario.parameters.unwrap_or_default();
    run_smp(&SmpInput::from_scenario(&scenario), &params, seed).map_err(|e| e.to_string())
}

fn compare(case: &str) -> Outcome {
    let run = run_case(case).unwrap_or_else(|e| panic!("{case}: {e}"));
    let expected = history(case);
    let mut max_diff: f64 = 0.0;
    let mut bit_identical = true;
    for &(t, i, d, x) in &expected {
        let got = run.positions.get(t).map_or(f64::NAN, |s| s[i][d] * 100.0);
        bit_identical &= got.to_bits() == x.to_bits();
        let diff = (got - x).abs();
        max_diff = if diff.is_nan() {
            f64::INFINITY
        } else {
            max_diff.max(diff)
        };
    }
    let states = expected.iter().map(|r| r.0).max().unwrap() + 1;
    assert_eq!(run.positions.len(), states, "{case}: number of states");
    assert_eq!(
        expected.len(),
        states * run.positions[0].len() * run.positions[0][0].len(),
        "{case}: every position of every turn is compared"
    );
    Outcome {
        turns: run.turns(),
        max_diff,
        bit_identical,
        stop: run.stop,
        fractional_change: run.fractional_change,
    }
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
fn reproduces_every_shared_reference_run_bit_for_bit() {
    for case in CASES {
        let m = meta(case);
        let o = compare(case);
        assert!(
            o.max_diff <= 1e-9,
            "{case}: max difference {:e}",
            o.max_diff
        );
        // Every run is reproduced to the last bit; keep it that way.
        assert!(o.bit_identical, "{case}: within 1e-9 but not bit-identical");
        assert_eq!(Some(o.turns as u64), m["turns"].as_u64(), "{case}: turns");
        assert_eq!(
            o.stop.to_string(),
            m["stop_reason"].as_str().unwrap(),
            "{case}: stop reason"
        );
        let logged: Vec<f64> = m["fractional_change_per_iteration"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let ours: Vec<f64> = o
            .fractional_change
            .iter()
            .map(|r| (r * 1e4).round() / 1e4)
            .collect();
        assert_eq!(
            ours, logged,
            "{case}: stop statistic per turn (4 decimals, as logged)"
        );
    }
}

#[test]
fn win_probabilities_match_ktabs_log() {
    for case in CASES {
        let m = meta(case);
        let run = run_case(case).unwrap();
        let input = if m["input_kind"] == "euSMP" {
            random_scenario(m["seed_used"].as_u64().unwrap()).input
        } else {
            let path = input_path(&m).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            SmpInput::from_scenario(&read_ktab("f", &text).unwrap())
        };
        let win = orbit_models::ktab::win_probabilities(&input, &run).unwrap();
        let text = std::fs::read_to_string(data(&format!("{case}_winprob.csv"))).unwrap();
        let mut rows = 0;
        for line in text.lines().skip(1) {
            let c: Vec<&str> = line.trim().split(',').collect();
            let (t, i): (usize, usize) = (c[0].parse().unwrap(), c[1].parse().unwrap());
            let logged: f64 = c[2].parse().unwrap();
            let ours = win[t][i];
            assert!(
                (ours - logged).abs() <= 0.5e-4 + 1e-12,
                "{case} turn {t} actor {i}: {ours} vs {logged}"
            );
            rows += 1;
        }
        assert_eq!(rows, win.len() * input.actors.len(), "{case}");
    }
}

#[test]
fn full_risk_adjustment_is_refused_with_ktabs_message() {
    let m = meta("D3__E1_fullRA_expected_error_seed1");
    let err = run_case("D3__E1_fullRA_expected_error_seed1").unwrap_err();
    let ktab = m["error"]
        .as_str()
        .unwrap()
        .trim_start_matches("Error:")
        .trim();
    assert!(err.starts_with(ktab), "{err}");
    assert!(err.contains("hint:"), "{err}");
    // The same for the SOE-Pol-Comp variant, held back from the shared runs.
    let text =
        std::fs::read_to_string(data("inputs/params/PC__E1_fullRA_expected_error.xml")).unwrap();
    let s = read_ktab("PC__E1.xml", &text).unwrap();
    let e = run_smp(&SmpInput::from_scenario(&s), &s.parameters.unwrap(), 1).unwrap_err();
    assert!(e.to_string().starts_with(ktab), "{e}");
}

#[test]
fn every_parameter_set_runs_or_is_refused_as_ktab_does() {
    // The parameter sets whose KTAB histories are held back: they must run to a stop.
    let dir = data("inputs/params");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let s = read_ktab(&name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let result = run_smp(&SmpInput::from_scenario(&s), &s.parameters.unwrap(), 1);
        if name.contains("_E1_") {
            assert!(result.is_err(), "{name}");
        } else {
            let run = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(run.turns() >= 2 && run.turns() <= 100, "{name}");
        }
        seen += 1;
    }
    assert_eq!(seen, 18);
}

#[test]
fn deterministic_runs_ignore_the_seed() {
    let text = std::fs::read_to_string(data("inputs/dummyData_3Dim.csv")).unwrap();
    let s = read_ktab("d3.csv", &text).unwrap();
    let input = SmpInput::from_scenario(&s);
    let a = run_smp(&input, &Default::default(), 1).unwrap();
    let b = run_smp(&input, &Default::default(), 99).unwrap();
    assert_eq!(a.positions, b.positions);
}

#[test]
fn the_random_scenario_is_the_one_ktab_drew() {
    let drawn = random_scenario(1);
    let text = std::fs::read_to_string(data("euSMP_random_seed1_scenario.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), drawn.input.actors.len());
    let dims = drawn.input.dimensions.len();
    for (i, row) in rows.iter().enumerate() {
        let num = |k: usize| row[k].parse::<f64>().unwrap();
        assert_eq!(num(1), drawn.input.capability[i]);
        assert_eq!(row[2], drawn.actor_voting_rules[i].name());
        for d in 0..dims {
            assert!((num(3 + d) - 100.0 * drawn.input.position[i][d]).abs() < 1e-9);
            assert_eq!(num(3 + dims + d), drawn.input.salience[i][d]);
        }
    }
}

mod properties {
    use super::*;
    use orbit_scenario::ktab::{
        BargnModel, BigRAdjust, BigRRange, InterVecBrgn, PceModel, SmpParameters, StateTransitions,
        ThirdPartyCommit, VictoryProbModel, VotingRule,
    };
    use proptest::prelude::*;

    fn input_strategy() -> impl Strategy<Value = SmpInput> {
        (3usize..8, 1usize..4).prop_flat_map(|(n, dims)| {
            (
                proptest::collection::vec(1.0f64..200.0, n),
                proptest::collection::vec(proptest::collection::vec(0.0f64..=1.0, dims), n),
                proptest::collection::vec(proptest::collection::vec(0.01f64..1.0, dims), n),
            )
                .prop_map(move |(capability, position, raw)| SmpInput {
                    actors: (0..n).map(|i| format!("A{i}")).collect(),
                    dimensions: (0..dims).map(|d| format!("D{d}")).collect(),
                    capability,
                    position,
                    salience: raw
                        .into_iter()
                        .map(|s| {
                            // Keep the total strictly below 1 so rounding cannot push it over
                            // (KTAB refuses a target whose total salience exceeds 1).
                            let t: f64 = s.iter().sum();
                            let scale = if t > 0.999 { 0.999 / t } else { 1.0 };
                            s.iter().map(|x| x * scale).collect()
                        })
                        .collect(),
                    accommodation: None,
                })
        })
    }

    fn params_strategy() -> impl Strategy<Value = SmpParameters> {
        (
            0usize..5,
            0usize..3,
            0usize..2,
            0usize..6,
            0usize..4,
            0usize..3,
            0usize..3,
            0usize..3,
            0usize..3,
        )
            .prop_map(|(a, b, c, d, e, f, g, h, i)| SmpParameters {
                victory_prob_model: VictoryProbModel::ALL[a],
                pce_model: PceModel::ALL[b],
                state_transitions: StateTransitions::ALL[c],
                voting_rule: VotingRule::ALL[d],
                // Full always throws; the other four are exercised.
                big_r_adjust: BigRAdjust::ALL[e],
                big_r_range: BigRRange::ALL[f],
                third_party_commit: ThirdPartyCommit::ALL[g],
                inter_vec_brgn: InterVecBrgn::ALL[h],
                bargn_model: BargnModel::ALL[i],
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any run KTAB's rules accept keeps every position in [0, 1] (0–100 on output) and
        /// stops within 100 turns; refusals are errors, never panics or NaN.
        #[test]
        fn positions_stay_in_range(input in input_strategy(), params in params_strategy(), seed in any::<u64>()) {
            let result = run_smp(&input, &params, seed);
            prop_assume!(result.is_ok());
            if let Ok(run) = result {
                prop_assert!(run.turns() >= 1 && run.turns() <= 100);
                for state in &run.positions {
                    for x in state.iter().flatten() {
                        prop_assert!((0.0..=1.0).contains(x), "{x}");
                    }
                }
                prop_assert!(run.fractional_change.iter().all(|r| r.is_finite()));
            }
        }
    }

    proptest! {
        // About 73% of these draws are refused by KTAB's rules (measured: 1,024 refusals against
        // 384 accepted runs, every one "every position is equally likely, so risk attitudes
        // are 0/0": one actor holding 1e7 of the power). Under proptest's default budget of
        // 1,024 global rejects the test aborted ("Too many global rejects") whenever the case
        // count was raised (`PROPTEST_CASES`) or a run drew more refusals than usual: the
        // flake. Proptest still needs `cases` accepted runs to pass, so a larger budget cannot
        // make it pass vacuously; 100,000 covers `PROPTEST_CASES` up to about 30,000.
        #![proptest_config(ProptestConfig {
            max_global_rejects: 100_000,
            ..ProptestConfig::with_cases(64)
        })]

        /// One actor with overwhelming capability draws the others towards its position and does
        /// not move itself.
        #[test]
        fn a_dominant_actor_is_converged_on(input in input_strategy()) {
            let mut input = input;
            let dims = input.dimensions.len();
            input.capability[0] = 1e7;
            input.salience[0] = vec![1.0 / dims as f64; dims];
            for i in 1..input.capability.len() {
                input.capability[i] = 1.0;
            }
            let result = run_smp(&input, &SmpParameters::default(), 1);
            // Degenerate draws (every actor on one spot) are refused by KTAB's rules; too many
            // rejections fail the test, so it cannot pass vacuously.
            prop_assume!(result.is_ok());
            if let Ok(run) = result {
                let last = run.positions.last().unwrap();
                let first = &run.positions[0];
                let dist = |x: &[f64]| -> f64 {
                    x.iter().zip(&input.position[0]).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
                };
                // Bargains are rounded to 4 decimals on [0, 1] (S2P2), so "not moving" is up to 5e-5.
                prop_assert!(dist(&last[0]) <= 5e-5 + 1e-12);
                // KTAB's stopping rule (change relative to the first turn) can end the approach
                // before the last follower arrives, so the property is: nobody ends much farther
                // from the dominant position than it started (the slack below), and the
                // followers' mean distance to it falls to at most a quarter of what it was.
                let (mut before, mut after) = (0.0, 0.0);
                // The slack per follower: a follower that starts next to the dominant
                // position is pulled off it by the others before the dominant actor reels it
                // back, and the stopping rule can end the run in between (the saved cases: 1e-5
                // to 5e-5 away at the start, up to 0.0094 at the end with the farthest follower
                // 0.9 away, 1.04% of it, the most seen in about 150,000 draws). So the bound is the
                // start plus 3% of the farthest follower's start, and one 1e-4 step of the
                // rounding grid.
                let spread = (1..last.len()).map(|i| dist(&first[i])).fold(0.0, f64::max);
                for i in 1..last.len() {
                    prop_assert!(dist(&last[i]) <= dist(&first[i]) + 0.03 * spread + 1e-4 + 1e-12,
                        "actor {} ends at {:?}, farther than it began", i, last[i]);
                    before += dist(&first[i]);
                    after += dist(&last[i]);
                }
                // The approach is measured where there is something to approach: followers
                // starting on average within 0.05 (5 points of 100) of the dominant position are
                // already there to within what the grid and the stopping rule resolve (the saved
                // case: mean 0.0052 -> 0.0019).
                let followers = (last.len() - 1) as f64;
                if before / followers >= 0.05 {
                    prop_assert!(after <= 0.25 * before + 1e-4, "mean distance {} -> {}", before, after);
                }
            }
        }
    }

    fn permuted(input: &SmpInput, order: &[usize]) -> SmpInput {
        SmpInput {
            actors: order.iter().map(|&i| input.actors[i].clone()).collect(),
            dimensions: input.dimensions.clone(),
            capability: order.iter().map(|&i| input.capability[i]).collect(),
            position: order.iter().map(|&i| input.position[i].clone()).collect(),
            salience: order.iter().map(|&i| input.salience[i].clone()).collect(),
            accommodation: None,
        }
    }

    /// Deterministic runs of KTAB's example cases do not depend on the order of the actors.
    #[test]
    fn permuting_actors_changes_nothing_in_deterministic_runs() {
        for file in [
            "inputs/dummyData_3Dim.csv",
            "inputs/SOE-Pol-Comp.csv",
            "inputs/dummyData_6Dim.csv",
        ] {
            let text = std::fs::read_to_string(data(file)).unwrap();
            let s = read_ktab(file, &text).unwrap();
            let input = SmpInput::from_scenario(&s);
            let base = run_smp(&input, &SmpParameters::default(), 1).unwrap();
            let n = input.actors.len();
            let reversed: Vec<usize> = (0..n).rev().collect();
            let rotated: Vec<usize> = (0..n).map(|i| (i + 3) % n).collect();
            for order in [reversed, rotated] {
                let run = run_smp(&permuted(&input, &order), &SmpParameters::default(), 1).unwrap();
                assert_eq!(run.turns(), base.turns(), "{file}");
                for (t, state) in run.positions.iter().enumerate() {
                    for (k, &i) in order.iter().enumerate() {
                        for d in 0..input.dimensions.len() {
                            let diff = (state[k][d] - base.positions[t][i][d]).abs();
                            assert!(diff <= 1e-9, "{file}: turn {t} actor {i} dim {d}: {diff:e}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn monte_carlo_is_identical_on_one_and_two_threads() {
    use orbit_models::ktab::monte_carlo::{SmpPerturbation, smp_monte_carlo};
    let text =
        std::fs::read_to_string(data("inputs/params/D3__S0_defaults_stochastic.xml")).unwrap();
    let s = read_ktab("s0.xml", &text).unwrap();
    let input = SmpInput::from_scenario(&s);
    let params = s.parameters.unwrap();
    let spec = SmpPerturbation::default();
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| smp_monte_carlo(&input, &params, 24, 7, &spec).unwrap())
    };
    let (one, two) = (on(1), on(2));
    assert_eq!(one, two);
    assert_eq!(one.succeeded + one.failed.len(), 24);
    assert!(one.succeeded > 0);
    // Different draws really differ (the perturbation and the KTAB seed are per draw).
    assert!(one.final_positions.iter().any(|p| p.sd > 0.0));
}
