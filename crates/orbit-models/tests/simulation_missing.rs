//! Missing is missing in the yearly simulation (issue 15, item 7): a value no record states
//! is never a 0 in the output. A share or dependence without any record is left out (no
//! series, no link through it) and the notes say so; a share or price recorded only after the
//! first simulated year starts at its first record, and the notes say that too.

use orbit_models::simulation::Simulator;
use orbit_scenario::World;

fn example_text() -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/example.toml");
    std::fs::read_to_string(path).expect("scenarios/example.toml is in the repository")
}

fn load(text: &str) -> World {
    orbit_scenario::load_str("test.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

fn series(sim: &Simulator, name: &str) -> Option<usize> {
    sim.indicator_names.iter().position(|n| n == name)
}

/// On `scenarios/example.toml` the trade records give values, not shares: the shares and the
/// dependence were 0.000 every year; now they are absent and named in the notes, and so are
/// the two links that read or move them.
#[test]
fn example_shares_without_records_are_left_out_not_zero() {
    let world = load(&example_text());
    let sim = Simulator::new(&world, 2019, 2030).unwrap();
    for name in [
        "trade_share.exports.BLR.RUS",
        "trade_share.exports.BLR.EU",
        "dependence.BLR.RUS",
    ] {
        assert!(series(&sim, name).is_none(), "{name} is still a series");
        assert!(
            sim.notes
                .iter()
                .any(|n| n.contains(&format!("`{name}` is left out"))),
            "no note for {name}: {:?}",
            sim.notes
        );
    }
    assert!(sim.link_ids.is_empty(), "{:?}", sim.link_ids);
    assert_eq!(
        sim.notes.iter().filter(|n| n.starts_with("link `")).count(),
        world.links.len(),
        "{:?}",
        sim.notes
    );
    // The rest still runs, and the stated gas price is the one on record.
    let t = sim.run_central().unwrap();
    let price = series(&sim, "price.gas.BLR").unwrap();
    assert!(t.indicators.iter().all(|row| row[price] == 127.0));
}

/// The built-in scenario's shares start in 2017: simulated from 2015 they start at their first
/// record (noted), and no trade share or dependence is 0 in the first year.
#[test]
fn builtin_shares_recorded_after_the_start_begin_at_their_first_record() {
    let world = orbit_scenario::builtin().unwrap();
    let sim = Simulator::new(&world, 2015, 2030).unwrap();
    let t = sim.run_central().unwrap();
    for (i, name) in sim.indicator_names.iter().enumerate() {
        if name.starts_with("trade_share.") || name.starts_with("dependence.") {
            assert!(
                t.indicators[0][i] > 0.0,
                "{name} is {} in 2015",
                t.indicators[0][i]
            );
        }
    }
    assert!(
        sim.notes
            .iter()
            .any(|n| n.contains("it starts at its first record, 2017's")),
        "{:?}",
        sim.notes
    );
}

/// A minimal scenario: one share recorded only in 2021, one gas price only in 2021, simulated
/// from 2019. Before, the share started at its record but the price at 0 until 2021.
#[test]
fn defect_item_7_a_price_first_observed_later_does_not_start_at_zero() {
    let text = example_text()
        + r#"
[[trade]]
reporter = "BLR"
partner = "RUS"
year = 2021
flow = "imports"
share = 0.5
source = "test"

[[energy]]
importer = "POL"
exporter = "GAZPROM"
commodity = "gas"
year = 2021
price = 200.0
source = "test"
"#;
    let world = load(&text);
    let sim = Simulator::new(&world, 2019, 2022).unwrap();
    let t = sim.run_central().unwrap();
    let price = series(&sim, "price.gas.POL").unwrap();
    let column: Vec<f64> = t.indicators.iter().map(|row| row[price]).collect();
    assert_eq!(column, [200.0, 200.0, 200.0, 200.0]);
    assert!(
        sim.notes.iter().any(|n| n.contains("`price.gas.POL` has no price on record on or before 2019: it starts at its first observation, 2021's")),
        "{:?}",
        sim.notes
    );
    let share = series(&sim, "trade_share.imports.BLR.RUS").unwrap();
    assert_eq!(t.indicators[0][share], 0.5);
    // The dependence is now the mean of the shares on record: the import share alone.
    let dependence = series(&sim, "dependence.BLR.RUS").unwrap();
    assert_eq!(t.indicators[0][dependence], 0.5);
}
