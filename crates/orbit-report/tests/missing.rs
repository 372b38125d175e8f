//! Missing is missing in the report's files (`orbit run --out DIR`): no CSV cell holds `NaN`,
//! `inf` or a 0 standing for a value the data do not have; a gap is an empty cell, and
//! `notes.csv` says why. Three scenarios: one with no trade data and a late first price,
//! the example scenario, and the built-in one.

use orbit_pipeline::{RawForecastOptions, RawRunOptions};
use orbit_report::{RunReport, files};
use orbit_scenario::World;

const MINIMAL: &str = r#"
[scenario]
id = "minimal"
name = "No trade data, a late first price"
start_year = 2000
end_year = 2022
focus = "BLR"
patron = "RUS"

[[actors]]
id = "RUS"
name = "Russia"
kind = "state"
source = "test"

[[actors]]
id = "BLR"
name = "Belarus"
kind = "state"
source = "test"

[[indicators]]
actor = "BLR"
name = "gdp_usd"
year = 2021
value = 6.0e10
unit = "USD"
source = "test"

[[energy]]
importer = "BLR"
exporter = "RUS"
commodity = "gas"
year = 2021
price = 128.5
reference_price = 280.0
reference_source = "test"
source = "test"

[[issues]]
id = "price"
name = "Gas price"
description = "test"
scale_min = 0.0
scale_max = 300.0
min_label = "free"
max_label = "300"
status_quo = 128.5
as_of = "2021"
source = "test"

[[issues.positions]]
actor = "RUS"
position = 200.0
salience = 0.5
capability = 60.0
rationale = "test"

[[issues.positions]]
actor = "BLR"
position = 70.0
salience = 0.9
capability = 40.0
rationale = "test"
"#;

fn report(world: &World, simulate: bool) -> RunReport {
    let raw = RawRunOptions {
        forecast: RawForecastOptions {
            runs: Some(20),
            seed: Some(5),
            ..RawForecastOptions::default()
        },
        no_simulation: !simulate,
        simulation_runs: simulate.then_some(4),
        backtest_cutoffs: simulate.then(|| vec![2019]),
        ..RawRunOptions::default()
    };
    let plan = orbit_pipeline::resolve(world, &raw, &orbit_pipeline::Limits::COMMAND_LINE)
        .expect("the plan checks");
    let results = orbit_pipeline::run(world, &plan, &orbit_pipeline::Silent).expect("it runs");
    orbit_report::build(world, results)
}

/// (file, header, row) -> cell of every CSV the report writes.
fn csv_cells(report: &RunReport) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for f in files(report)
        .into_iter()
        .filter(|f| f.path.ends_with(".csv"))
    {
        let mut reader = csv::Reader::from_reader(f.contents.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("a header row")
            .iter()
            .map(str::to_string)
            .collect();
        for row in reader.records() {
            let row = row.expect("valid CSV");
            out.push((
                f.path.clone(),
                header.clone(),
                row.iter().map(str::to_string).collect(),
            ));
        }
    }
    out
}

fn assert_no_non_finite(report: &RunReport) {
    for (file, header, row) in csv_cells(report) {
        for (h, cell) in header.iter().zip(&row) {
            let lower = cell.to_ascii_lowercase();
            assert!(
                !matches!(
                    lower.as_str(),
                    "nan" | "inf" | "-inf" | "infinity" | "-infinity"
                ),
                "{file}: `{h}` is `{cell}`"
            );
        }
    }
}

fn notes_csv(report: &RunReport) -> String {
    files(report)
        .into_iter()
        .find(|f| f.path == "notes.csv")
        .expect("the report writes notes.csv")
        .contents
}

#[test]
fn without_trade_data_the_dependence_table_is_empty_cells_and_notes_say_why() {
    let world = orbit_scenario::load_str("minimal.toml", MINIMAL).unwrap();
    let r = report(&world, true);
    assert_no_non_finite(&r);
    for (file, header, row) in csv_cells(&r) {
        if file == "dependence_by_year.csv" {
            for (h, cell) in header.iter().zip(&row).skip(1) {
                assert_eq!(cell, "", "{h} in {}: no data, no number", row[0]);
            }
        }
        if file == "dependence.csv" {
            panic!("no dependence figure can be computed, yet a row was written: {row:?}");
        }
    }
    let notes = notes_csv(&r);
    assert!(notes.starts_with("part,note\n"), "{notes}");
    assert!(
        notes.contains("2021: no gas subsidy from the RUS record: no volume"),
        "the subsidy that cannot be computed is named: {notes}"
    );
}

#[test]
fn the_example_writes_no_zero_for_a_missing_share() {
    let world = orbit_scenario::load_str(
        "example.toml",
        include_str!("../../../scenarios/example.toml"),
    )
    .unwrap();
    let r = report(&world, false);
    assert_no_non_finite(&r);
    // Every year without an export share of the patron has an empty cell, never `0`.
    let p = &r.dependence;
    for (file, header, row) in csv_cells(&r) {
        if file != "dependence_by_year.csv" {
            continue;
        }
        let year: i32 = row[0].parse().unwrap();
        let y = p.years.iter().find(|y| y.year == year).unwrap();
        let column = header
            .iter()
            .position(|h| h.starts_with("exports to"))
            .unwrap();
        let share = y.share(orbit_scenario::TradeFlow::Exports, &p.patron);
        match share {
            None => assert_eq!(row[column], "", "{year}: a missing share is an empty cell"),
            Some(s) => assert_eq!(row[column].parse::<f64>().unwrap(), s.share),
        }
    }
    if !p.notes.is_empty() {
        let notes = notes_csv(&r);
        for n in &p.notes {
            assert!(notes.contains(n.as_str()), "`{n}` not in notes.csv");
        }
    }
}

#[test]
fn the_builtin_report_writes_every_gap_as_an_empty_cell_with_its_notes() {
    let world = orbit_scenario::builtin().unwrap();
    let r = report(&world, true);
    assert_no_non_finite(&r);
    let notes = notes_csv(&r);
    // The backtest names the coding each question was scored with, and the run the earlier
    // codings it did not forecast.
    assert!(
        notes.contains("backtest 2019,")
            && notes.contains("scored with the coding `russian_air_base_2019` as of 2019-11"),
        "{notes}"
    );
    assert!(
        notes.contains("`russian_air_base_2015` (as of 2015-10) is not forecast"),
        "{notes}"
    );
    for n in &r.dependence.notes {
        assert!(notes.contains(n.as_str()), "`{n}` not in notes.csv");
    }
    // A year's subsidy that sums only some of the commodities computed in other years is
    // said so.
    let every: std::collections::BTreeSet<String> = r
        .dependence
        .years
        .iter()
        .flat_map(|y| y.energy_subsidy.iter().map(|s| s.commodity.to_string()))
        .collect();
    for y in &r.dependence.years {
        let have: std::collections::BTreeSet<String> = y
            .energy_subsidy
            .iter()
            .map(|s| s.commodity.to_string())
            .collect();
        if !have.is_empty() && have != every {
            assert!(
                notes.contains(&format!("{}: `energy subsidy/GDP`", y.year)),
                "{}: partial subsidy total not noted",
                y.year
            );
        }
    }
}

/// The transit table's shares: a player that is not in an epoch's game has no share there
/// (`None`, drawn as "–"), never a Shapley share of 0; the players of an epoch sum to 1.
#[test]
fn a_player_absent_from_an_epoch_has_no_share_not_zero() {
    let world = orbit_scenario::builtin().unwrap();
    let r = report(&world, false);
    let transit = r
        .transit
        .as_ref()
        .expect("the built-in scenario has a transit game");
    let game = r.transit_game.as_ref().unwrap();
    for (epoch, shown) in game.epochs.iter().zip(&transit.epochs) {
        for (player, share) in transit.players.iter().zip(&shown.shares) {
            let in_game = epoch.results.iter().find(|x| x.player == player.code);
            match (in_game, share) {
                (Some(x), Some(s)) => assert_eq!(x.shapley_share, *s),
                (None, None) => {}
                other => panic!("{} in {}: {other:?}", player.code, shown.label),
            }
        }
        let total: f64 = shown.shares.iter().flatten().sum();
        assert!((total - 1.0).abs() < 1e-9, "{}: {total}", shown.label);
    }
}
