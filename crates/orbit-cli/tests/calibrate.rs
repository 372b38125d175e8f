//! `orbit calibrate`: the real binary on the built-in scenario and the reference fixture.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../orbit-models/tests/data/european_gas_price_yearly.csv")
}

fn orbit(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_orbit"))
        .args(args)
        .current_dir(dir.path())
        .output()
        .expect("orbit runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn calibrate_reports_parameters_and_residuals_in_every_format() {
    let r = reference();
    let r = r.to_str().unwrap();
    let o = orbit(&["calibrate", "--cutoff", "2016", "--reference", r]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let table = text(&o.stdout);
    for want in ["up to 2016", "v0", "mu", "std error", "RMSE", "34.12"] {
        assert!(table.contains(want), "{want} missing:\n{table}");
    }

    let o = orbit(&[
        "calibrate",
        "--cutoff",
        "2016",
        "--reference",
        r,
        "--format",
        "json",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["projection"].is_null());
    let v = &v["calibration"];
    assert_eq!(v["cutoff"], 2016);
    let residuals = v["residuals"].as_array().unwrap();
    assert!(residuals.len() >= 8);
    assert!(
        residuals
            .iter()
            .all(|e| e["year"].as_i64().unwrap() <= 2016)
    );
    assert!(v["rmse"].as_f64().unwrap().is_finite());

    let o = orbit(&[
        "calibrate",
        "--cutoff",
        "2016",
        "--reference",
        r,
        "--format",
        "csv",
    ]);
    assert!(o.status.success());
    let csv = text(&o.stdout);
    assert!(
        csv.starts_with("quantity,name,year,value,std_error"),
        "{csv}"
    );
}

#[test]
fn calibrate_backtest_prints_the_skill_table() {
    let r = reference();
    let o = orbit(&[
        "calibrate",
        "--backtest",
        "--reference",
        r.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = text(&o.stdout);
    assert!(csv.starts_with("target,horizon,n,MAE model"), "{csv}");
    // 4 targets × 5 horizons, plus the header.
    assert_eq!(csv.lines().count(), 21, "{csv}");
}

#[test]
fn calibrate_rejects_bad_input_with_a_message() {
    // Too early: no recorded prices to fit.
    let r = reference();
    let r = r.to_str().unwrap();
    let o = orbit(&["calibrate", "--cutoff", "2002", "--reference", r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("usable observations"),
        "{}",
        text(&o.stderr)
    );
    // A series that is not in the file.
    let o = orbit(&[
        "calibrate",
        "--cutoff",
        "2016",
        "--reference",
        r,
        "--series",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("no row of series"));
    // A missing file.
    let o = orbit(&[
        "calibrate",
        "--cutoff",
        "2016",
        "--reference",
        "/nonexistent.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot read the reference series"));
    // A bad lag.
    let o = orbit(&[
        "calibrate",
        "--cutoff",
        "2016",
        "--reference",
        r,
        "--reference-lag",
        "9",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn calibrate_projects_a_fan_that_widens_and_reproduces() {
    let r = reference();
    let r = r.to_str().unwrap();
    let args = [
        "calibrate",
        "--cutoff",
        "2021",
        "--reference",
        r,
        "--to",
        "2030",
        "--runs",
        "300",
        "--format",
        "json",
    ];
    let o = orbit(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fan = &v["projection"];
    let years = fan["years"].as_array().unwrap();
    assert_eq!(years.len(), 9);
    let width = |i: usize| fan["q90"][i].as_f64().unwrap() - fan["q10"][i].as_f64().unwrap();
    assert!(width(8) > width(0));
    assert_eq!(o.stdout, orbit(&args).stdout);
    let o = orbit(&[
        "calibrate",
        "--cutoff",
        "2021",
        "--reference",
        r,
        "--to",
        "2020",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn calibrate_defaults_to_the_scenario_benchmark() {
    let o = orbit(&["calibrate", "--cutoff", "2016", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["calibration"]["reference_series"]
            .as_str()
            .unwrap()
            .contains("German")
    );
    let o = orbit(&["calibrate", "--cutoff", "2016", "--series", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("benchmarks"),
        "{}",
        text(&o.stderr)
    );
}
