//! Overlays: edits are checked, never silently ignored.

use orbit_scenario::overlay::{OverlayError, load_with_overlays};

/// Defect 14 of issue 15: `drop = "true"` (a string) was read as "do not drop" and the
/// entry stayed without a word.
#[test]
fn defect_14_a_drop_that_is_not_a_boolean_is_an_error() {
    let overlay = r#"
[[sanctions]]
id = "eu-2020-10"
drop = "true"
"#;
    let base = orbit_scenario::BUILTIN_TOML;
    let err = load_with_overlays(
        orbit_scenario::BUILTIN_NAME,
        base,
        &[("drop.toml".to_string(), overlay.to_string())],
        &[],
    )
    .unwrap_err();
    match &err {
        OverlayError::Shape { expected, .. } => {
            assert!(expected.contains("without quotes"), "{err}");
        }
        other => panic!("expected a shape error, got {other}"),
    }
}

fn load(overlays: &[(&str, &str)], sets: &[&str]) -> Result<orbit_scenario::World, OverlayError> {
    let overlays: Vec<(String, String)> = overlays
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    load_with_overlays(
        orbit_scenario::BUILTIN_NAME,
        orbit_scenario::BUILTIN_TOML,
        &overlays,
        &sets,
    )
}

fn only_problem(err: &OverlayError) -> &orbit_scenario::Diagnostic {
    match err {
        OverlayError::Invalid(orbit_scenario::ScenarioError::Invalid(d)) => {
            assert_eq!(d.problems.len(), 1, "{err}");
            &d.problems[0]
        }
        other => panic!("expected validation problems, got {other}"),
    }
}

/// Defect 11 of issue 15: a `--set` error pointed at a line of the merged text, which the
/// user never sees; it now names the `--set` argument itself.
#[test]
fn defect_11_a_set_error_points_at_the_set_argument() {
    let set = "links.dependence-pulls-integration.parameter=0.9";
    let err = load(&[], &[set]).unwrap_err();
    let problem = only_problem(&err);
    assert_eq!(
        problem.file.as_deref(),
        Some(format!("--set {set}").as_str())
    );
    assert_eq!(problem.location, None);
    let shown = err.to_string();
    assert!(shown.contains(&format!("  --> --set {set}\n")), "{shown}");
    assert!(shown.contains("outside its range"), "{shown}");
}

/// Defect 11 of issue 15: an overlay's error points at the overlay file's own line and
/// column (here line 4, the `parameter` value), not into the merged text.
#[test]
fn defect_11_an_overlay_error_points_into_the_overlay_file() {
    let overlay =
        "# a comment\n[[links]]\nid = \"dependence-pulls-integration\"\nparameter = 0.9\n";
    let err = load(&[("strong.toml", overlay)], &[]).unwrap_err();
    let problem = only_problem(&err);
    assert_eq!(problem.file.as_deref(), Some("strong.toml"));
    let at = problem.location.expect("a line and column in the overlay");
    assert_eq!((at.line, at.column), (4, 13), "{err}");
    let shown = err.to_string();
    assert!(shown.contains("  --> strong.toml:4:13\n"), "{shown}");
    assert!(shown.contains("4 | parameter = 0.9"), "{shown}");
}

/// An entry an overlay appends is located in the overlay too, and a problem of a base entry
/// the overlay did not touch stays in the base file.
#[test]
fn appended_entries_are_located_in_their_overlay_and_later_sets_win() {
    let overlay = "[[links]]\nid = \"dependence-pulls-integration\"\nparameter = 0.9\n";
    // The set replaces the overlay's value: the set is where the (still bad) value came from.
    let set = "links.dependence-pulls-integration.parameter=0.95";
    let err = load(&[("strong.toml", overlay)], &[set]).unwrap_err();
    assert_eq!(
        only_problem(&err).file.as_deref(),
        Some(format!("--set {set}").as_str())
    );
    // A set that fixes the overlay's value: no problem at all.
    load(
        &[("strong.toml", overlay)],
        &["links.dependence-pulls-integration.parameter=0.3"],
    )
    .unwrap();
}
