//! End-to-end tests of `orbit run` and the report it writes.

mod common;

use std::process::Command;

use common::*;

#[test]
fn run_on_the_builtin_scenario() {
    let (o, _d) = orbit(&["run", "--sim-runs", "10"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("orbit run: "));
    for section in [
        "Key dates",
        "Dependence of BLR on RUS",
        "The narrative's figures against the data",
        "Claims of the narrative checked: 59",
        "Contested issues",
        "Forecasts (expected utility model",
        "expected utility model by round",
        "Transit power:",
        "Simulation 2015-2030 (10 runs, seed 1)",
        "Backtest: forecasts from the data up to each cutoff",
    ] {
        assert!(text.contains(section), "missing {section}:\n{text}");
    }
    insta::assert_snapshot!("run_builtin", text);
    let (o, _d) = orbit(&["run", "--format", "json", "--sim-runs", "10"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["scenario"]["focus"], "BLR");
    assert_eq!(v["claims"]["total"], 59);
    assert!(v["key_events"].as_array().unwrap().len() >= 10);
    assert!(v["figure_checks"].as_array().unwrap().len() >= 2);
    let forecasts = v["forecasts"].as_array().unwrap();
    // One forecast per question, its latest coding; the earlier snapshots serve the backtest.
    assert_eq!(forecasts.len(), 6);
    for f in forecasts {
        let mc = &f["monte_carlo"];
        assert_eq!(mc["draws"], 1000);
        assert!(f["eum"]["rounds"].as_array().unwrap().len() >= 2);
    }
    assert_eq!(v["simulation"]["runs"], 10);
    assert_eq!(v["simulation"]["years"].as_array().unwrap().len(), 16);
    assert_eq!(v["backtest"].as_array().unwrap().len(), 5);
    assert_eq!(v["transit_game"]["epochs"].as_array().unwrap().len(), 4);
}

#[test]
fn run_writes_a_self_contained_report_and_never_overwrites_it_silently() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_orbit"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("orbit runs")
    };
    let base = ["run", "--runs", "50", "--quiet", "--sim-runs", "5"];
    let o = run(&[&base[..], &["--out", "rep"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("orbit run: "),
        "the text report is printed as before"
    );
    assert!(stderr(&o).contains("index.html"), "{}", stderr(&o));
    let rep = dir.path().join("rep");
    for file in [
        "index.html",
        "report.json",
        "dependence.csv",
        "key_events.csv",
        "claims.csv",
        "forecasts.csv",
        "eum_rounds.csv",
        "monte_carlo.csv",
        "charts/trade_shares.csv",
        "charts/trade_shares.vl.json",
        "charts/energy_subsidy.vl.json",
        "charts/event_timeline.vl.json",
        "charts/eum_rounds_russian_air_base.vl.json",
        "charts/issue_russian_air_base.vl.json",
        "charts/monte_carlo_russian_air_base_eum.csv",
    ] {
        assert!(rep.join(file).is_file(), "missing {file}");
    }
    // report.json is what `--format json` prints; the CSVs have their headers.
    let json = std::fs::read_to_string(rep.join("report.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["scenario"]["focus"], "BLR");
    let printed = run(&[&base[..], &["--format", "json", "--no-report"]].concat());
    assert_eq!(stdout(&printed), json);
    let eum = std::fs::read_to_string(rep.join("eum_rounds.csv")).unwrap();
    assert!(eum.starts_with("issue,round,actor,position\n"));
    let dependence = std::fs::read_to_string(rep.join("dependence.csv")).unwrap();
    let printed = run(&["dependence", "--format", "csv"]);
    assert_eq!(
        stdout(&printed),
        dependence,
        "dependence.csv is the long format"
    );
    let html = std::fs::read_to_string(rep.join("index.html")).unwrap();
    // The page before the inlined chart libraries loads nothing: its only URL is the
    // Vega-Lite specs' $schema, which nothing fetches.
    let page = html.split("<script data-lib=").next().unwrap();
    assert!(html.contains("class=\"vega-spec\"") && !page.contains("src="));
    assert_eq!(
        page.matches("https://").count(),
        page.matches("https://vega.github.io/schema/vega-lite/v5.json")
            .count()
    );

    // A second run refuses, names the first file in the way, and writes nothing at all:
    // with index.html removed, the refusal names report.json and index.html stays absent.
    std::fs::remove_file(rep.join("index.html")).unwrap();
    let before = read_tree(&rep);
    let mtime = std::fs::metadata(rep.join("report.json"))
        .unwrap()
        .modified()
        .unwrap();
    let o = run(&[&base[..], &["--out", "rep"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("report.json") && err.contains("already exists"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert!(stdout(&o).is_empty());
    assert_eq!(read_tree(&rep), before, "files untouched");
    assert_eq!(
        std::fs::metadata(rep.join("report.json"))
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );

    let o = run(&[&base[..], &["--out", "rep", "--force"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(rep.join("index.html").is_file());
    assert_eq!(
        std::fs::read_to_string(rep.join("report.json")).unwrap(),
        json,
        "same seed, same report"
    );
}

#[test]
fn run_writes_the_report_into_orbit_report_by_default_unless_told_not_to() {
    let (o, d) = orbit(&["run", "--runs", "0", "--quiet", "--no-simulation"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(d.path().join("orbit-report/index.html").is_file());
    assert!(stderr(&o).contains("orbit-report"), "{}", stderr(&o));
    let (o, d) = orbit(&[
        "run",
        "--runs",
        "0",
        "--quiet",
        "--no-report",
        "--no-simulation",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!d.path().join("orbit-report").exists());
    let (o, _d) = orbit(&["run", "--no-report", "--force"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "conflicting flags are a usage error"
    );
}

#[test]
fn running_the_main_command_again_keeps_the_default_report() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_orbit"))
            .args(["run", "--runs", "0", "--quiet", "--no-simulation"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    let index = dir.path().join("orbit-report/index.html");
    std::fs::write(&index, "edited by the user").unwrap();
    let second = run();
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(
        stdout(&first),
        stdout(&second),
        "the report is still printed"
    );
    assert!(
        stderr(&second).contains("was left as it is"),
        "{}",
        stderr(&second)
    );
    assert!(stderr(&second).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&index).unwrap(),
        "edited by the user"
    );
}
