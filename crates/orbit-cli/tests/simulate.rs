//! End-to-end tests of `orbit simulate`, `orbit compare` and `orbit backtest`.

mod common;

use common::*;

#[test]
fn simulate_json_is_reproducible_and_has_fans() {
    let args = [
        "simulate", "--runs", "20", "--seed", "5", "--to", "2022", "--format", "json",
    ];
    let (a, _d) = orbit(&args);
    assert!(a.status.success(), "{}", stderr(&a));
    let (b, _d) = orbit(&args);
    assert_eq!(stdout(&a), stdout(&b));
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["runs"], 20);
    assert_eq!(v["years"].as_array().unwrap().len(), 8);
    let fans = v["fans"].as_array().unwrap();
    assert!(fans.iter().any(|f| f["name"] == "eum.deeper_integration"));
    assert!(fans.iter().any(|f| f["name"] == "dependence.BLR.RUS"));
}

#[test]
fn simulate_with_overlay_and_set() {
    let overlay = repo().join("scenarios/overlays/no-eu-sanctions-after-2020.toml");
    let (o, _d) = orbit(&[
        "simulate",
        "--runs",
        "0",
        "--overlay",
        overlay.to_str().unwrap(),
        "--set",
        "links.dependence-pulls-integration.parameter=0.3",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("series,year,central,p5,p50,p95"));
    assert!(text.contains("sanctions.EU.BLR,2022,3,"), "{text}");
}

#[test]
fn set_outside_the_range_is_invalid_input() {
    let (o, _d) = orbit(&[
        "simulate",
        "--runs",
        "0",
        "--set",
        "links.dependence-pulls-integration.parameter=5",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("outside its range"), "{}", stderr(&o));
}

#[test]
fn compare_shows_the_overlay_difference() {
    let overlay = repo().join("scenarios/overlays/nord-stream-2-from-2021.toml");
    let (o, _d) = orbit(&[
        "compare",
        "builtin",
        overlay.to_str().unwrap(),
        "--runs",
        "0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("transit_share.BLR  2021"), "{text}");
    assert!(!text.contains("transit_share.BLR  2020"), "{text}");
}

#[test]
fn backtest_2021_scores_against_baselines() {
    let (o, _d) = orbit(&[
        "backtest", "--cutoff", "2021", "--runs", "20", "--format", "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let scores = v[0]["scores"].as_array().unwrap();
    let neutrality = scores
        .iter()
        .find(|s| s["question"] == "neutrality")
        .unwrap();
    assert_eq!(neutrality["observed"], 100.0);
    assert_eq!(neutrality["status_quo_error"], 100.0);
}

#[test]
fn backtest_gas_price_table() {
    let (o, _d) = orbit(&["backtest", "--gas-price", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let r06 = rows.iter().find(|r| r["year"] == 2006).unwrap();
    assert_eq!(r06["recorded"], 46.68);
    assert_eq!(r06["persistence"], 46.68);
    assert!(r06["model"].as_f64().unwrap() > 46.68);
    assert_eq!(r06["prediction"]["reference"], 230.0);
    let (o, _d) = orbit(&["backtest", "--gas-price"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("err persistence"), "{}", stdout(&o));
}

/// Issue 15 (typed series ids): a series name that is not simulated is refused with the part
/// that does not match and a hint naming what does, rendered once (no hand-written hint).
#[test]
fn sweep_refuses_an_unknown_series_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep.sqlite");
    let (o, _d) = orbit(&[
        "sweep",
        "--samples",
        "2",
        "--to",
        "2016",
        "--series",
        "eum.no_such_issue",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "error: unknown series `eum.no_such_issue`: the scenario has no issue `no_such_issue`\n  = hint: issues: `russian_air_base`"
        ),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}
