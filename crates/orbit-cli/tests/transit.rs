//! End-to-end tests of `orbit transit`.

mod common;

use common::*;

#[test]
fn transit_reports_the_union_state_epochs() {
    let (o, _d) = orbit(&["transit", "--format", "json"]);
    let v = json_of(&o);
    assert_eq!(v["focus"], "BLR");
    let epochs = v["epochs"].as_array().unwrap();
    let years: Vec<i64> = epochs.iter().map(|e| e["year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2005, 2012, 2020, 2022]);
    let trend: Vec<f64> = v["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["share"].as_f64().unwrap())
        .collect();
    assert!(trend[1] < trend[0] && trend[3].abs() < 1e-9, "{trend:?}");
    assert!(epochs[0]["segments"][0]["source"].as_str().unwrap().len() > 5);
    let (o, _d) = orbit(&["transit"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("transit_builtin", stdout(&o));
    let (o, _d) = orbit(&["transit", "--epoch", "2012", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("year,player,shapley,"));
    assert!(stdout(&o).contains("\n2012,BLR,"));
    // An epoch outside the scenario's years is invalid input, refused before any game is
    // built (every year of the built-in scenario has a gas network).
    let (o, _d) = orbit(&["transit", "--epoch", "1950"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("outside the scenario's years"),
        "{}",
        stderr(&o)
    );
    let (o, _d) = orbit(&["transit", "--supply", "-3"]);
    assert_eq!(o.status.code(), Some(1));
}
