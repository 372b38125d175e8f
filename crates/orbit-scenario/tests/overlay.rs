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
