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

// ---- Energy records with ids, and the four counterfactual overlays ------------------------

mod counterfactuals {
    use orbit_scenario::overlay::{OverlayError, load_with_overlays};
    use orbit_scenario::{BUILTIN_NAME, BUILTIN_TOML, Commodity, World};

    const EUROPEAN_PRICES: &str =
        include_str!("../../../scenarios/overlays/european-gas-prices-from-2011.toml");
    const NO_SANCTIONS: &str =
        include_str!("../../../scenarios/overlays/no-eu-sanctions-after-2020.toml");
    const NS2: &str = include_str!("../../../scenarios/overlays/nord-stream-2-from-2021.toml");
    const YAMAL: &str = include_str!("../../../scenarios/overlays/yamal-europe-never-stopped.toml");

    fn load(name: &str, text: &str) -> Result<World, OverlayError> {
        load_with_overlays(
            BUILTIN_NAME,
            BUILTIN_TOML,
            &[(name.to_string(), text.to_string())],
            &[],
        )
    }

    fn blr_gas(world: &World) -> Vec<&orbit_scenario::EnergyRecord> {
        let blr = world.actor_id("BLR").unwrap();
        world
            .energy
            .iter()
            .filter(|e| e.importer == blr && e.commodity == Commodity::Gas)
            .collect()
    }

    #[test]
    fn every_overlay_loads_and_validates() {
        for (name, text) in [
            ("european-gas-prices-from-2011.toml", EUROPEAN_PRICES),
            ("no-eu-sanctions-after-2020.toml", NO_SANCTIONS),
            ("nord-stream-2-from-2021.toml", NS2),
            ("yamal-europe-never-stopped.toml", YAMAL),
        ] {
            load(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn european_prices_overlay_sets_every_price_from_2011_to_the_reference() {
        let base = orbit_scenario::builtin().unwrap();
        let world = load("eu.toml", EUROPEAN_PRICES).unwrap();
        assert_eq!(
            world.energy.len(),
            base.energy.len(),
            "edits, never appends"
        );
        let reference = |year: i32| {
            world
                .benchmark_series("ei_german_import_cif")
                .find(|b| b.year == year)
                .map(|b| b.value * 34.12)
                .unwrap()
        };
        let (before, after) = (blr_gas(&base), blr_gas(&world));
        let mut changed = 0;
        for (b, a) in before.iter().zip(&after) {
            assert_eq!((b.year, &b.period, b.volume), (a.year, &a.period, a.volume));
            match (b.year >= 2011, b.price) {
                (true, Some(_)) => {
                    let p = a.price.unwrap();
                    assert!((p - reference(a.year)).abs() < 0.006, "{}: {p}", a.year);
                    assert!(a.id.is_some(), "{}", a.year);
                    changed += 1;
                }
                // Before 2011, and records without a price, stay as recorded.
                _ => assert_eq!(a.price, b.price, "{} {:?}", b.year, b.period),
            }
        }
        assert_eq!(changed, 13);
    }

    #[test]
    fn an_energy_id_edits_one_record_and_a_wrong_one_is_an_error() {
        let world = load(
            "one.toml",
            "[[energy]]\nid = \"gas-blr-2012\"\nprice = 300.0\n",
        )
        .unwrap();
        let base = orbit_scenario::builtin().unwrap();
        let differ: Vec<i32> = blr_gas(&world)
            .iter()
            .zip(blr_gas(&base))
            .filter(|(a, b)| a.price != b.price)
            .map(|(a, _)| a.year)
            .collect();
        assert_eq!(differ, vec![2012]);
        let err = load(
            "drop.toml",
            "[[energy]]\nid = \"gas-blr-1990\"\ndrop = true\n",
        )
        .unwrap_err();
        assert!(
            matches!(&err, OverlayError::UnknownId { section, id, .. } if section == "energy" && id == "gas-blr-1990"),
            "{err}"
        );
        // A dropped record is gone.
        let dropped = load(
            "drop.toml",
            "[[energy]]\nid = \"gas-blr-2012\"\ndrop = true\n",
        )
        .unwrap();
        assert_eq!(dropped.energy.len(), base.energy.len() - 1);
    }

    #[test]
    fn duplicate_energy_ids_are_located() {
        let text = BUILTIN_TOML.replacen("id = \"gas-blr-2013\"", "id = \"gas-blr-2012\"", 1);
        let err = orbit_scenario::load_str("dup.toml", &text).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("duplicate energy id `gas-blr-2012`"),
            "{message}"
        );
    }

    #[test]
    fn the_other_overlays_change_what_they_say() {
        let base = orbit_scenario::builtin().unwrap();
        let world = load("no.toml", NO_SANCTIONS).unwrap();
        assert!(world.sanctions.len() < base.sanctions.len());
        let ns2 = load("ns2.toml", NS2).unwrap();
        let pipe = ns2
            .pipelines
            .iter()
            .find(|p| p.id == "nord-stream-2")
            .unwrap();
        assert!(pipe.in_service(2021) && pipe.in_service(2030));
        let yamal = load("yamal.toml", YAMAL).unwrap();
        let pipe = yamal
            .pipelines
            .iter()
            .find(|p| p.id == "yamal-europe")
            .unwrap();
        assert!(pipe.in_service(2025));
        let stopped = base
            .pipelines
            .iter()
            .find(|p| p.id == "yamal-europe")
            .unwrap();
        assert!(!stopped.in_service(2025));
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
