//! Dependence indices against values computed by hand (the arithmetic is in the comments).

use approx::assert_relative_eq;
use orbit_models::dependence::*;
use orbit_scenario::{TradeFlow, World, load_str};

const EXAMPLE: &str = include_str!("../../../scenarios/example.toml");

fn example_with(extra: &str) -> World {
    load_str("example.toml", &format!("{EXAMPLE}\n{extra}")).unwrap()
}

#[test]
fn concentration_indices_by_hand() {
    // 0.5² + 0.3² + 0.2² = 0.25 + 0.09 + 0.04 = 0.38
    assert_relative_eq!(
        herfindahl_hirschman(&[0.5, 0.3, 0.2]),
        0.38,
        epsilon = 1e-12
    );
    // 100·√0.38 = 61.6441...
    assert_relative_eq!(
        hirschman_concentration(&[0.5, 0.3, 0.2]),
        61.644140029689765,
        epsilon = 1e-9
    );
    // one partner takes all: HHI 1, Hirschman 100; n equal partners: 1/n
    assert_relative_eq!(herfindahl_hirschman(&[1.0]), 1.0);
    assert_relative_eq!(hirschman_concentration(&[1.0]), 100.0);
    assert_relative_eq!(herfindahl_hirschman(&[0.25; 4]), 0.25);
    // known 0.5 and 0.3: lower 0.34, remainder 0.2 as one partner adds 0.04
    let (lo, hi) = herfindahl_hirschman_bounds(&[0.5, 0.3]).unwrap();
    assert_relative_eq!(lo, 0.34, epsilon = 1e-12);
    assert_relative_eq!(hi, 0.38, epsilon = 1e-12);
    assert_eq!(herfindahl_hirschman_bounds(&[0.7, 0.5]), None);
    assert_eq!(herfindahl_hirschman(&[]), 0.0);
}

#[test]
fn dyadic_measures_by_hand() {
    assert_eq!(partner_share(1.0, 0.0), None);
    assert_relative_eq!(
        partner_share(13.13, 32.9).unwrap(),
        0.399088145896656,
        epsilon = 1e-12
    );
    // (13.13 + 16.4) / 61.371755326 = 0.481166...
    let d = trade_dependence(13.13e9, 16.4e9, 61_371_755_326.0).unwrap();
    assert_relative_eq!(d, 29.53 / 61.371755326, epsilon = 1e-12);
    assert_eq!(trade_dependence(1.0, 1.0, 0.0), None);
    assert_relative_eq!(asymmetry(0.48, 0.02), 0.46, epsilon = 1e-12);
    assert_relative_eq!(asymmetry(0.02, 0.48), 0.46, epsilon = 1e-12);
    // (203 - 127) USD/1000 m3 × 20 bcm = 76 × 20e6 thousand m3 = 1.52e9 USD
    assert_relative_eq!(
        energy_subsidy_usd(127.0, 203.0, 20.0),
        1.52e9,
        epsilon = 1e-3
    );
    assert!(energy_subsidy_usd(250.0, 203.0, 20.0) < 0.0);
}

#[test]
fn profile_of_the_example() {
    let world = example_with("");
    let blr = world.actor_id("BLR").unwrap();
    let rus = world.actor_id("RUS").unwrap();
    let p = profile(&world, blr, rus);
    assert_eq!(p.actor, "BLR");
    // trade years 2020, energy year 2019 (no GDP for 2019 in the example: no subsidy, so
    // 2019 has no figure and is left out)
    let years: Vec<i32> = p.years.iter().map(|y| y.year).collect();
    assert_eq!(years, vec![2020]);
    let y = &p.years[0];
    // no exports_total_usd indicator: shares cannot be derived from values
    assert!(y.export_shares.is_empty());
    let dyad = y.patron_dyad.as_ref().unwrap();
    assert_relative_eq!(dyad.dependence, 29.53e9 / 61_371_755_326.0, epsilon = 1e-12);
    assert_relative_eq!(
        dyad.partner_dependence,
        29.53e9 / 1_493_075_894_362.0,
        epsilon = 1e-12
    );
    assert_relative_eq!(
        dyad.asymmetry,
        dyad.dependence - dyad.partner_dependence,
        epsilon = 1e-12
    );
    assert_eq!(p.subsidy_estimates.len(), 1);
    assert_relative_eq!(p.subsidy_estimates[0].value, 0.03);
}

#[test]
fn shares_derived_from_totals_and_concentration_bounds() {
    let world = example_with(
        r#"
[[indicators]]
actor = "BLR"
name = "exports_total_usd"
year = 2020
value = 29000000000.0
unit = "USD"
source = "test"

[[indicators]]
actor = "BLR"
name = "imports_total_usd"
year = 2020
value = 32000000000.0
unit = "USD"
source = "test"

[[indicators]]
actor = "BLR"
name = "gdp_usd"
year = 2019
value = 64410122847.0
unit = "USD"
source = "World Bank"

[[trade]]
reporter = "BLR"
partner = "POL"
year = 2020
flow = "exports"
share = 0.05
source = "test"
"#,
    );
    let blr = world.actor_id("BLR").unwrap();
    let rus = world.actor_id("RUS").unwrap();
    let p = profile(&world, blr, rus);
    let y2020 = p.years.iter().find(|y| y.year == 2020).unwrap();
    // 13.13 / 29 = 0.452758...; EU 5.5 / 29 = 0.189655...; POL stated 0.05
    let rus_share = y2020.share(TradeFlow::Exports, "RUS").unwrap();
    assert_relative_eq!(rus_share.share, 13.13 / 29.0, epsilon = 1e-12);
    assert!(matches!(rus_share.provenance, Provenance::Derived { .. }));
    let pol = y2020.share(TradeFlow::Exports, "POL").unwrap();
    assert!(matches!(pol.provenance, Provenance::Sourced { .. }));
    // imports from RUS: 16.4 / 32 = 0.5125
    assert_relative_eq!(
        y2020.share(TradeFlow::Imports, "RUS").unwrap().share,
        0.5125,
        epsilon = 1e-12
    );
    // turnover with RUS: (13.13 + 16.4) / (29 + 32) = 0.484098...
    assert_relative_eq!(
        y2020.share(TradeFlow::Turnover, "RUS").unwrap().share,
        29.53 / 61.0,
        epsilon = 1e-12
    );
    // export HHI: s = (0.452758, 0.189655, 0.05); Σs² = 0.204990 + 0.035969 + 0.0025
    let s = [13.13 / 29.0, 5.5 / 29.0, 0.05];
    let c = y2020.export_concentration.as_ref().unwrap();
    let lower: f64 = s.iter().map(|x| x * x).sum();
    let rest = 1.0 - s.iter().sum::<f64>();
    assert_relative_eq!(c.hhi_lower, lower, epsilon = 1e-12);
    assert_relative_eq!(c.hhi_upper, lower + rest * rest, epsilon = 1e-12);
    assert_relative_eq!(c.coverage, s.iter().sum::<f64>(), epsilon = 1e-12);
    // 2019 gas: 1.52e9 / 64.410122847e9 = 0.023598...
    let y2019 = p.years.iter().find(|y| y.year == 2019).unwrap();
    assert_eq!(y2019.energy_subsidy.len(), 1);
    assert_relative_eq!(
        y2019.energy_subsidy[0].share_of_gdp,
        1.52e9 / 64_410_122_847.0,
        epsilon = 1e-12
    );
}

#[test]
fn figure_checks_compare_claims_with_data() {
    let text = EXAMPLE.replacen(
        "events = [\"2020-10-02-eu-sanctions\"]",
        "events = [\"2020-10-02-eu-sanctions\"]\nfigure = 0.41\nmeasure = \"exports_share:RUS\"",
        1,
    );
    let world = load_str(
        "x.toml",
        &format!(
            "{text}\n[[indicators]]\nactor = \"BLR\"\nname = \"exports_total_usd\"\nyear = 2020\nvalue = 29000000000.0\nunit = \"USD\"\nsource = \"test\"\n"
        ),
    )
    .unwrap();
    let blr = world.actor_id("BLR").unwrap();
    let rus = world.actor_id("RUS").unwrap();
    let p = profile(&world, blr, rus);
    let checks = figure_checks(&world, &p);
    assert_eq!(checks.len(), 1);
    let c = &checks[0];
    assert_eq!(c.observations.len(), 1);
    assert_relative_eq!(c.closest_gap.unwrap(), 0.41 - 13.13 / 29.0, epsilon = 1e-12);
}

// ---- missing is missing ------------------------------------------------------------------

const BARE: &str = r#"
[scenario]
id = "bare"
name = "No trade data"
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
"#;

/// Every number the profile reports, so a test can check none of them stands for a gap.
fn all_values(p: &DependenceProfile) -> Vec<f64> {
    let mut v = Vec::new();
    for y in &p.years {
        for s in y
            .export_shares
            .iter()
            .chain(&y.import_shares)
            .chain(&y.turnover_shares)
        {
            v.push(s.share);
        }
        if let Some(d) = &y.patron_dyad {
            v.extend([d.dependence, d.partner_dependence, d.asymmetry]);
        }
        for s in &y.energy_subsidy {
            v.extend([s.subsidy_usd, s.share_of_gdp]);
        }
    }
    v
}

#[test]
fn a_scenario_without_trade_data_has_no_figures_and_no_zeros() {
    let world = load_str("bare.toml", BARE).unwrap();
    let (blr, rus) = (
        world.actor_id("BLR").unwrap(),
        world.actor_id("RUS").unwrap(),
    );
    let p = profile(&world, blr, rus);
    assert!(p.years.is_empty(), "{:?}", p.years);
    assert!(p.subsidy_estimates.is_empty());
    assert!(p.notes.is_empty(), "nothing was dropped: {:?}", p.notes);
}

#[test]
fn a_price_that_comes_late_leaves_the_earlier_years_empty() {
    // The first (and only) price is for 2021 and has no volume: no year before 2021 gets a
    // subsidy, and 2021 gets none either, with a note saying what is missing.
    let world = load_str(
        "late.toml",
        &format!(
            "{BARE}
[[indicators]]
actor = \"BLR\"
name = \"gdp_usd\"
year = 2021
value = 6.0e10
unit = \"USD\"
source = \"test\"

[[energy]]
importer = \"BLR\"
exporter = \"RUS\"
commodity = \"gas\"
year = 2021
price = 128.5
reference_price = 280.0
reference_source = \"test\"
source = \"test\"
"
        ),
    )
    .unwrap();
    let (blr, rus) = (
        world.actor_id("BLR").unwrap(),
        world.actor_id("RUS").unwrap(),
    );
    let p = profile(&world, blr, rus);
    assert!(p.years.iter().all(|y| y.year >= 2021));
    assert!(all_values(&p).is_empty(), "no figure without a volume");
    assert_eq!(
        p.notes,
        ["2021: no gas subsidy from the RUS record: no volume"],
        "the dropped subsidy is reported"
    );
}

#[test]
fn the_example_reports_what_it_cannot_compute_and_never_reports_zero() {
    let world = load_str("example.toml", EXAMPLE).unwrap();
    let (blr, rus) = (
        world.actor_id("BLR").unwrap(),
        world.actor_id("RUS").unwrap(),
    );
    let p = profile(&world, blr, rus);
    assert!(!p.years.is_empty());
    assert!(all_values(&p).iter().all(|v| *v != 0.0 && v.is_finite()));
    // The example has 2020 values in USD but no 2020 totals: each is named in the notes.
    assert!(
        p.notes
            .iter()
            .any(|n| n.starts_with("2020: RUS exports has a USD value but no exports_total_usd")),
        "{:?}",
        p.notes
    );
}

#[test]
fn raw_and_smoothed_flows_use_the_declared_variant_and_flag_disagreement() {
    let world = example_with(
        r#"
[[indicators]]
actor = "BLR"
name = "exports_total_usd"
year = 2021
value = 4.0e10
unit = "USD"
source = "total"

[[trade]]
reporter = "BLR"
partner = "POL"
year = 2021
flow = "exports"
raw_usd = 1.0e9
smoothed_usd = 4.0e9
uses = "smoothed"
reported_by = "partner"
source = "cow"

[[trade]]
reporter = "BLR"
partner = "EU"
year = 2021
flow = "exports"
value_eur = 6.9e9
reported_by = "partner"
source = "eurostat"
"#,
    );
    let (blr, rus) = (
        world.actor_id("BLR").unwrap(),
        world.actor_id("RUS").unwrap(),
    );
    let p = profile(&world, blr, rus);
    let y = p.years.iter().find(|y| y.year == 2021).unwrap();
    let pol = y.share(TradeFlow::Exports, "POL").unwrap();
    // 4e9 / 4e10 = 0.1 (the smoothed flow, as declared)
    assert_relative_eq!(pol.share, 0.1, epsilon = 1e-12);
    assert!(pol.flag.is_some(), "1e9 against 4e9 is more than 2x apart");
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("POL exports share 0.100 is flagged"))
    );
    // The EUR record makes no share and says why.
    assert!(
        p.notes
            .iter()
            .any(|n| n == "2021: EU exports is given in EUR only: no USD share without a sourced exchange rate"),
        "{:?}",
        p.notes
    );
}

#[test]
fn a_stated_share_wins_over_a_derived_one_and_the_other_is_reported() {
    let world = example_with(
        r#"
[[indicators]]
actor = "BLR"
name = "exports_total_usd"
year = 2021
value = 4.0e10
unit = "USD"
source = "total"

[[trade]]
reporter = "BLR"
partner = "POL"
year = 2021
flow = "exports"
value_usd = 2.0e9
source = "value"

[[trade]]
reporter = "BLR"
partner = "POL"
year = 2021
flow = "exports"
share = 0.04
source = "stated"
"#,
    );
    let (blr, rus) = (
        world.actor_id("BLR").unwrap(),
        world.actor_id("RUS").unwrap(),
    );
    let p = profile(&world, blr, rus);
    let y = p.years.iter().find(|y| y.year == 2021).unwrap();
    let pol = y.share(TradeFlow::Exports, "POL").unwrap();
    assert_relative_eq!(pol.share, 0.04);
    assert_eq!(
        y.export_shares
            .iter()
            .filter(|s| s.partner == "POL")
            .count(),
        1
    );
    assert!(
        p.notes.iter().any(
            |n| n.starts_with("2021: POL exports: two records") && n.contains("left out 0.050")
        ),
        "{:?}",
        p.notes
    );
}

#[test]
fn the_builtin_scenario_meets_the_panel_targets() {
    let world = orbit_scenario::builtin().unwrap();
    let (blr, rus) = (
        world.actor_id("BLR").unwrap(),
        world.actor_id("RUS").unwrap(),
    );
    let p = profile(&world, blr, rus);
    let years = |flow, partner: &str| {
        p.years
            .iter()
            .filter(|y| (1992..=2022).contains(&y.year) && y.share(flow, partner).is_some())
            .count()
    };
    assert!(years(TradeFlow::Exports, "RUS") >= 25);
    assert!(years(TradeFlow::Imports, "RUS") >= 25);
    assert!(years(TradeFlow::Exports, "EU") >= 20);
    assert!(years(TradeFlow::Imports, "EU") >= 20);
    // The reference gas price is a typed yearly series with a source per value.
    let wb: Vec<_> = world.benchmark_series("wb_ngas_europe").collect();
    assert!(wb.len() >= 28);
    assert!(
        wb.iter()
            .all(|b| b.unit == "USD/mmbtu" && !b.source.is_empty())
    );
}
