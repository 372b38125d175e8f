//! End-to-end tests of `orbit dependence`.

mod common;

use common::*;

#[test]
fn dependence_on_the_example() {
    let path = example();
    let scenario = path.to_str().unwrap();
    let (o, _d) = orbit(&["dependence", "--scenario", scenario]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("dependence_example", stdout(&o));
    let (o, _d) = orbit(&["dependence", "--scenario", scenario, "--format", "csv"]);
    insta::assert_snapshot!("dependence_example_csv", stdout(&o));
    let (o, _d) = orbit(&["dependence", "--scenario", scenario, "--year", "1999"]);
    assert_eq!(o.status.code(), Some(1));
    let (o, _d) = orbit(&["dependence", "--scenario", scenario, "--actor", "ZZZ"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown actor `ZZZ`"));
}

#[test]
fn dependence_on_the_builtin_scenario_has_the_essays_years() {
    let (o, _d) = orbit(&["dependence", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["actor"], "BLR");
    assert_eq!(v["patron"], "RUS");
    let years: Vec<i64> = v["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert!(years.contains(&2021), "{years:?}");
    assert!(!v["subsidy_estimates"].as_array().unwrap().is_empty());
}
