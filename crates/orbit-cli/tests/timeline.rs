//! End-to-end tests of `orbit timeline` and `orbit store`.

mod common;

use std::process::Command;

use common::*;

#[test]
fn timeline_filters_on_the_builtin_scenario() {
    let (o, _d) = orbit(&[
        "timeline",
        "--actor",
        "BLR",
        "--kind",
        "sanction",
        "--from",
        "2020-01-01",
        "--to",
        "2021-12-31",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(rows.len() >= 5, "{} rows", rows.len());
    for r in &rows {
        assert_eq!(r["kind"], "sanction");
        let date = r["date"].as_str().unwrap();
        assert!(("2020".."2022").contains(&date), "{date}");
        assert!(r["actors"].as_array().unwrap().iter().any(|a| a == "BLR"));
        assert!(!r["source"].as_str().unwrap().is_empty());
    }
}

#[test]
fn timeline_table_and_csv_on_the_example() {
    let path = example();
    let scenario = path.to_str().unwrap();
    let (o, _d) = orbit(&["timeline", "--scenario", scenario]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("timeline_example", stdout(&o));
    let (o, _d) = orbit(&[
        "timeline",
        "--scenario",
        scenario,
        "--format",
        "csv",
        "--search",
        "OFFICIALS",
    ]);
    assert!(o.status.success());
    insta::assert_snapshot!("timeline_example_csv", stdout(&o));
}

#[test]
fn timeline_rejects_unknown_actor_kind_and_bad_dates() {
    let (o, _d) = orbit(&["timeline", "--actor", "XXX"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("XXX"), "{}", stderr(&o));
    let (o, _d) = orbit(&["timeline", "--kind", "war"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("war"), "{}", stderr(&o));
    let (o, _d) = orbit(&["timeline", "--from", "2021-02-30"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("day 30 does not exist"),
        "{}",
        stderr(&o)
    );
    let (o, _d) = orbit(&["timeline", "--from", "2021", "--to", "2020"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn store_build_then_query_and_no_silent_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_orbit"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let o = run(&["store", "build", "--db", "orbit.sqlite"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote orbit.sqlite"));
    let o = run(&["store", "build", "--db", "orbit.sqlite"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"));
    let o = run(&["store", "build", "--db", "orbit.sqlite", "--force"]);
    assert!(o.status.success());
    let from_db = run(&[
        "timeline",
        "--db",
        "orbit.sqlite",
        "--kind",
        "treaty",
        "--format",
        "json",
    ]);
    let on_the_fly = run(&["timeline", "--kind", "treaty", "--format", "json"]);
    assert!(from_db.status.success());
    assert_eq!(stdout(&from_db), stdout(&on_the_fly));
    let o = run(&["timeline", "--db", "missing.sqlite"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("orbit store build"));
}
