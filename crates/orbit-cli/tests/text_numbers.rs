//! Defect 12 of issue 15: text output is for people, so no number in it shows the float
//! noise of a computation (`0.5050000000000001`), `inf` or `NaN`. Every text-format command
//! runs here, on the built-in scenario and on the repository's test data; JSON and CSV keep
//! full precision (defect 1) and are not checked.

mod common;

use common::*;

/// The most digits after the decimal point a number in text output may have: more is the
/// noise of binary floating point, never a figure a person should read.
const MAX_DECIMALS: usize = 8;

/// The numbers in `text` with more than [`MAX_DECIMALS`] decimals, and the words `inf` and
/// `NaN`. A run of digits glued to a letter, `_` or `-` before it belongs to an id and is
/// passed over.
fn noisy_numbers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let glued = i > 0 && (chars[i - 1].is_alphanumeric() || "_-.".contains(chars[i - 1]));
        if !chars[i].is_ascii_digit() || glued {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        if let Some((_, decimals)) = token.split_once('.')
            && decimals.len() > MAX_DECIMALS
            && decimals.chars().all(|c| c.is_ascii_digit())
        {
            found.push(token);
        }
    }
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if matches!(word, "inf" | "NaN" | "nan") {
            found.push(word.to_string());
        }
    }
    found
}

#[test]
fn the_detector_finds_float_noise_and_passes_over_ids() {
    assert_eq!(
        noisy_numbers("share 0.5050000000000001 and 40.5%"),
        vec!["0.5050000000000001"]
    );
    assert_eq!(
        noisy_numbers("sum to 100.30000000000001;"),
        vec!["100.30000000000001"]
    );
    assert_eq!(noisy_numbers("value inf, NaN"), vec!["inf", "NaN"]);
    assert!(noisy_numbers("seed 15455440707583219804, 0.12345678, run_0.123456789x").is_empty());
    assert!(noisy_numbers("information, infinite, finance").is_empty());
}

/// Runs `args` and fails on any noisy number in its stdout or stderr.
fn check(args: &[&str]) {
    let (o, _d) = orbit(args);
    let text = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "`orbit {}` failed: {text}",
        args.join(" ")
    );
    let noisy = noisy_numbers(&text);
    assert!(
        noisy.is_empty(),
        "`orbit {}` prints {noisy:?}:\n{text}",
        args.join(" ")
    );
}

#[test]
fn no_text_command_prints_float_noise_on_the_built_in_scenario() {
    let overlay = repo().join("scenarios/overlays/no-eu-sanctions-after-2020.toml");
    let overlay = overlay.display().to_string();
    let commands: &[&[&str]] = &[
        &["validate"],
        &["forecast", "--runs", "20"],
        &[
            "forecast",
            "--issue",
            "gas_price",
            "--model",
            "all",
            "--runs",
            "20",
        ],
        &["timeline"],
        &["timeline", "--actor", "BLR"],
        &["dependence"],
        &["dependence", "--year", "2015"],
        &["transit"],
        &["transit", "--epoch", "2010"],
        &["dispute"],
        &["simulate", "--runs", "20"],
        &["compare", "builtin", &overlay, "--runs", "20"],
        &["backtest"],
        &["backtest", "--rolling"],
        &["backtest", "--gas-price"],
        &["calibrate", "--cutoff", "2015"],
        &["calibrate", "--backtest"],
        &["run", "--no-report", "--sim-runs", "20", "--runs", "20"],
    ];
    for args in commands {
        check(args);
    }
}

#[test]
fn no_text_command_prints_float_noise_on_the_test_data() {
    let bargaining = |f: &str| fixture(f).display().to_string();
    let cli_data = |f: &str| {
        repo()
            .join("crates/orbit-cli/tests/data")
            .join(f)
            .display()
            .to_string()
    };
    let ec = bargaining("bdm1994_ec_emissions_actors.csv");
    let ktab = bargaining("ktab_dummy_3dim.csv");
    let taxi = cli_data("coopgt_taxi.json");
    let routes = cli_data("network_two_routes.json");
    let pennies = cli_data("dispute_matching_pennies.json");
    let deterrence = cli_data("dispute_entry_deterrence.json");
    let commands: &[&[&str]] = &[
        &[
            "forecast", "--actors", &ec, "--model", "all", "--runs", "20",
        ],
        &["smp", "--input", &ktab],
        &["game", "shapley", "--game", &taxi],
        &["game", "banzhaf", "--game", &taxi],
        &["game", "core", "--game", &taxi],
        &["game", "values", "--game", &taxi],
        &["game", "shapley", "--network", &routes],
        &["game", "banzhaf", "--network", &routes],
        &["game", "core", "--network", &routes],
        &["game", "nucleolus", "--network", &routes],
        &["game", "values", "--network", &routes],
        &["dispute", "--game", &pennies],
        &["dispute", "--game", &deterrence],
    ];
    for args in commands {
        check(args);
    }
}

/// A problem message that quotes a computed total shows it as a person would write it:
/// 50.1 + 50.2 is 100.3, not `100.30000000000001`.
#[test]
fn a_computed_total_in_a_problem_is_shown_without_float_noise() {
    let (_dir, path) = temp_file(
        "noisy.csv",
        "Noisy,\"saliences summing to 100.3\",3,2\n\
         Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2\n\
         A,first,10,20,50.1,30,50.2\n\
         B,second,20,60,40,40,40\n\
         C,third,30,80,40,70,40\n",
    );
    let (o, _d) = orbit(&["smp", "--input", &path]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("sum to 100.3;"), "{err}");
    assert!(noisy_numbers(&err).is_empty(), "{err}");
}

/// A salience on a 0-100 scale is stored as a fraction; the problem quotes it on the user's
/// scale, as written (100.7, not `100.70000000000002`).
#[test]
fn a_percent_salience_out_of_range_is_quoted_as_written() {
    let (_dir, path) = temp_file(
        "percent.csv",
        "actor,capability,position,salience\nA,10,20,100.7\nB,20,60,40\n",
    );
    let (o, _d) = orbit(&["forecast", "--actors", &path, "--salience-percent"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("salience 100.7 is outside [0, 100]"), "{err}");
    assert!(noisy_numbers(&err).is_empty(), "{err}");
}

/// A game whose values are near the largest float prints them in scientific notation, not
/// as 300-digit numbers.
#[test]
fn huge_game_values_are_shown_in_scientific_notation() {
    let (_dir, path) = temp_file(
        "huge.json",
        r#"{"players":["A","B"],"values":[{"coalition":["A"],"value":1e308},{"coalition":["B"],"value":1e308},{"coalition":["A","B"],"value":1.7e308}]}"#,
    );
    for command in ["shapley", "values"] {
        let (o, _d) = orbit(&["game", command, "--game", &path]);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            !out.contains("000000000000000000000"),
            "`game {command}` prints {out}"
        );
        assert!(out.contains("e308"), "`game {command}` prints {out}");
    }
}
