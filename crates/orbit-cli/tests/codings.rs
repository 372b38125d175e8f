//! One rule for which coding of a question a run uses (issue 9): `orbit simulate`, `sweep`,
//! `forecast` without `--issue`, `run` and `serve` all use the latest coding of each question
//! (`World::latest_codings`), never an earlier dated snapshot beside it, and each names the
//! codings it left out. The backtest keeps using the snapshot known at each cutoff.

mod common;

use common::*;

/// The latest coding of each question in the built-in scenario.
const LATEST: &[&str] = &[
    "common_currency",
    "deeper_integration",
    "gas_price",
    "neutrality",
    "political_prisoners",
    "russian_air_base",
];

/// The built-in scenario's earlier snapshots: each has a later coding of its question.
const SUPERSEDED: &[&str] = &[
    "common_currency_2015",
    "common_currency_2019",
    "deeper_integration_2015",
    "deeper_integration_2019",
    "gas_price_2015",
    "gas_price_2019",
    "neutrality_2015",
    "neutrality_2019",
    "political_prisoners_2015",
    "political_prisoners_2019",
    "russian_air_base_2015",
    "russian_air_base_2019",
];

/// The issue ids of names like `eum.ISSUE` (the simulation's issue series).
fn eum_issues(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut ids: Vec<String> = names
        .filter_map(|n| n.strip_prefix("eum.").map(str::to_string))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Every superseded coding is named by a note, and no note calls a latest coding superseded.
fn assert_notes_name_the_superseded(notes: &[String]) {
    for id in SUPERSEDED {
        assert!(
            notes
                .iter()
                .any(|n| n.contains(&format!("issue `{id}`")) && n.contains("superseded")),
            "no note names the superseded coding `{id}`: {notes:#?}"
        );
    }
    for id in LATEST {
        assert!(
            !notes
                .iter()
                .any(|n| n.contains(&format!("issue `{id}` ")) && n.contains("superseded")),
            "`{id}` is the latest coding: {notes:#?}"
        );
    }
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

#[test]
fn simulate_uses_the_latest_coding_of_each_question() {
    let (o, _d) = orbit(&[
        "simulate", "--runs", "0", "--to", "2022", "--format", "json", "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_of(&o);
    let fans = v["fans"].as_array().unwrap();
    let ids = eum_issues(fans.iter().map(|f| f["name"].as_str().unwrap().to_string()));
    assert_eq!(ids, LATEST);
    assert_notes_name_the_superseded(&strings(&v["notes"]));
    // The table says so too.
    let (o, _d) = orbit(&["simulate", "--runs", "0", "--to", "2022", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("note: issue `russian_air_base_2015` (as of 2015-10) is not forecast or simulated: it is superseded by the later coding `russian_air_base`")
    );
}

#[test]
fn sweep_varies_only_the_latest_codings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep.sqlite");
    let (o, _d) = orbit(&[
        "sweep",
        "--samples",
        "2",
        "--from",
        "2020",
        "--to",
        "2022",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_of(&o);
    assert_notes_name_the_superseded(&strings(&v["notes"]));
}

#[test]
fn forecast_without_issue_forecasts_the_latest_codings_and_says_which_it_left_out() {
    let (o, _d) = orbit(&["forecast", "--model", "compromise", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_of(&o);
    let mut ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["issue"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids, LATEST);
    let notes: Vec<String> = stderr(&o)
        .lines()
        .filter_map(|l| l.strip_prefix("note: ").map(str::to_string))
        .collect();
    assert_notes_name_the_superseded(&notes);
    // An earlier snapshot can still be forecast by name, without a note.
    let (o, _d) = orbit(&[
        "forecast",
        "--issue",
        "russian_air_base_2015",
        "--model",
        "compromise",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json_of(&o)[0]["issue"], "russian_air_base_2015");
    assert!(!stderr(&o).contains("superseded"), "{}", stderr(&o));
}

/// `orbit run` and `orbit serve` go through the pipeline, which applies the same rule: the
/// forecasts and the simulation are of the latest codings, and the notes name the rest.
#[test]
fn run_and_serve_use_the_same_codings_as_simulate() {
    let plan = ["--runs", "0", "--sim-runs", "2", "--seed", "3", "--quiet"];
    let mut args = vec!["run", "--format", "json", "--no-report"];
    args.extend(plan);
    let (o, _d) = orbit(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let run = json_of(&o);
    let mut forecast_ids: Vec<String> = run["forecasts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["issue"].as_str().unwrap().to_string())
        .collect();
    forecast_ids.sort();
    forecast_ids.dedup();
    assert_eq!(forecast_ids, LATEST);
    let sim_ids = eum_issues(
        run["simulation"]["fans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string()),
    );
    assert_eq!(sim_ids, LATEST);
    assert_notes_name_the_superseded(&strings(&run["notes"]));

    let (answer, _log) = serve_once(&plan, "/api/report");
    let served = http_json(&answer);
    assert_eq!(served["forecasts"], run["forecasts"]);
    assert_notes_name_the_superseded(&strings(&served["notes"]));
}
