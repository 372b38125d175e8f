//! End-to-end tests of `orbit validate`.

mod common;

use std::process::Command;

use common::*;

#[test]
fn validate_builtin_passes() {
    let (o, _d) = orbit(&["validate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok: <built-in>/union-state.toml is valid"));
}

#[test]
fn validate_example_table_and_json() {
    let path = example();
    let (o, _d) = orbit(&["validate", path.to_str().unwrap()]);
    assert!(o.status.success());
    insta::assert_snapshot!("validate_example", redact(&stdout(&o)));
    let (o, _d) = orbit(&["validate", path.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["counts"]["events"], 2);
}

#[test]
fn validate_bad_file_lists_located_problems_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(example())
        .unwrap()
        .replacen("salience = 0.8", "salience = 1.3", 1)
        .replacen("partner = \"EU\"", "partner = \"EUR\"", 1)
        .replacen("capacity = 33.0", "capacity = -1.0", 1);
    std::fs::write(&bad, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_orbit"))
        .args(["validate", "bad.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        !stderr(&output).contains("error: error"),
        "{}",
        stderr(&output)
    );
    insta::assert_snapshot!("validate_bad", stderr(&output));
    let output = Command::new(env!("CARGO_BIN_EXE_orbit"))
        .args(["validate", "bad.toml", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"].as_array().unwrap().len(), 3);
    assert!(v["problems"][0]["location"]["line"].as_u64().unwrap() > 0);
}
