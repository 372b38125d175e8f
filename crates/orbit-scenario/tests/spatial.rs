//! `[[spatial_issues]]`: the built-in issue loads in dimension order, and every rule gets a bad
//! input whose problem must come back located at the offending text.

use orbit_scenario::{BUILTIN_TOML, Diagnostic, ScenarioError, load_str};

/// The built-in scenario's spatial issue block, which the checks below mutate.
const BLOCK_START: &str = "# --- spatial issues (KTAB SMP, issue 14) ---";

fn problems(text: &str) -> Vec<Diagnostic> {
    match load_str("test.toml", text) {
        Ok(_) => panic!("expected problems, the scenario loaded"),
        Err(ScenarioError::Invalid(d)) => d.problems,
        Err(other) => panic!("expected located problems, got {other}"),
    }
}

fn position_of(text: &str, needle: &str, from: usize) -> (usize, usize) {
    let offset = from
        + text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in text"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Replaces the first `old` after the spatial block's start with `new`, loads the built-in
/// scenario so mutated, and checks that a problem mentions `message` at the first `at` after
/// the block's start.
fn check(old: &str, new: &str, message: &str, at: &str) {
    let start = BUILTIN_TOML.find(BLOCK_START).expect("the block marker");
    let at_old = start + BUILTIN_TOML[start..].find(old).expect("`old` in the block");
    let text = format!(
        "{}{}{}",
        &BUILTIN_TOML[..at_old],
        new,
        &BUILTIN_TOML[at_old + old.len()..]
    );
    let found = problems(&text);
    let (line, column) = position_of(&text, at, start);
    let Some(hit) = found.iter().find(|p| p.message.contains(message)) else {
        panic!("no problem mentions `{message}`; got: {found:#?}");
    };
    let loc = hit.location.expect("problem has a location");
    assert_eq!(
        (loc.line, loc.column),
        (line, column),
        "`{message}` located at {loc:?}, expected {line}:{column}; all: {found:#?}"
    );
}

#[test]
fn the_builtin_spatial_issue_loads_in_dimension_order() {
    let world = orbit_scenario::builtin().unwrap();
    let issue = &world.spatial_issues[0];
    assert_eq!(issue.id, "russian_air_base_2d");
    let dims: Vec<&str> = issue.dimensions.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(dims, ["scope", "permanence"]);
    assert_eq!(issue.positions.len(), 7);
    let rus = &issue.positions[0];
    assert_eq!(world.code(rus.actor), "RUS");
    assert_eq!(rus.position, [90.0, 100.0]);
    assert_eq!(rus.salience, [0.3, 0.3]);
    let blr = &issue.positions[1];
    assert_eq!(blr.position, [40.0, 10.0]);
    assert_eq!(blr.salience, [0.25, 0.45]);
    for p in &issue.positions {
        assert!(p.salience.iter().sum::<f64>() <= 1.0);
    }
    assert_eq!(issue.dimensions[1].status_quo, 30.0);
    assert_eq!(issue.dimensions[0].to_unit(25.0), 0.25);
}

#[test]
fn a_missing_dimension_is_not_zero() {
    check(
        "position = { scope = 90.0, permanence = 100.0 }",
        "position = { scope = 90.0 }",
        "`position` lacks dimension `permanence`",
        "{ scope = 90.0 }",
    );
}

#[test]
fn an_unknown_dimension_is_named() {
    check(
        "salience = { scope = 0.3, permanence = 0.3 }",
        "salience = { scope = 0.3, permanance = 0.3 }",
        "`salience` names unknown dimension `permanance`",
        "0.3 }",
    );
}

#[test]
fn saliences_summing_above_one_are_refused() {
    check(
        "salience = { scope = 0.3, permanence = 0.3 }",
        "salience = { scope = 0.7, permanence = 0.6 }",
        "the saliences sum to 1.3",
        "{ scope = 0.7",
    );
}

#[test]
fn a_salience_outside_the_unit_interval_is_refused() {
    check(
        "salience = { scope = 0.3, permanence = 0.3 }",
        "salience = { scope = 30.0, permanence = 0.3 }",
        "`salience.scope` is 30, outside [0, 1]",
        "30.0, permanence = 0.3",
    );
}

#[test]
fn a_position_off_its_dimension_scale_is_refused() {
    check(
        "position = { scope = 90.0, permanence = 100.0 }",
        "position = { scope = 90.0, permanence = 140.0 }",
        "`position.permanence` 140 is outside the dimension's scale [0, 100]",
        "140.0",
    );
}

#[test]
fn a_non_positive_capability_is_refused() {
    check(
        "capability = 55.0",
        "capability = 0.0",
        "`capability` is 0; KTAB's SMP needs it in (0, 1e8]",
        "0.0\nposition",
    );
}

#[test]
fn a_status_quo_off_scale_is_refused() {
    check(
        "status_quo = 25.0",
        "status_quo = 125.0",
        "`status_quo` 125 is outside the dimension's scale [0, 100]",
        "125.0",
    );
}

#[test]
fn a_duplicate_dimension_id_is_refused() {
    check(
        "id = \"permanence\"",
        "id = \"scope\"",
        "duplicate dimension id `scope`",
        "\"scope\"\nname = \"Legal",
    );
}

#[test]
fn hindsight_is_refused() {
    check(
        "source_date = \"2015-09\"",
        "source_date = \"2022-02\"",
        "after the issue's as_of 2021-08 (hindsight)",
        "\"2022-02\"",
    );
}

#[test]
fn fewer_than_three_actors_are_refused() {
    let start = BUILTIN_TOML.find(BLOCK_START).unwrap();
    let cut = start
        + BUILTIN_TOML[start..]
            .find("[[spatial_issues.positions]]\nactor = \"POL\"")
            .unwrap();
    let end = BUILTIN_TOML[start..]
        .find("# --- end of spatial issues")
        .unwrap()
        + start;
    let text = format!("{}{}", &BUILTIN_TOML[..cut], &BUILTIN_TOML[end..]);
    let found = problems(&text);
    assert!(
        found.iter().any(|p| p
            .message
            .contains("2 positions; KTAB's SMP needs 3 to 250 actors")
            && p.location.is_some()),
        "{found:#?}"
    );
}

#[test]
fn an_unknown_actor_is_located() {
    check(
        "actor = \"UKR\"\ncapability = 1.0\nposition = { scope",
        "actor = \"UKRR\"\ncapability = 1.0\nposition = { scope",
        "refers to unknown actor `UKRR`",
        "\"UKRR\"",
    );
}
