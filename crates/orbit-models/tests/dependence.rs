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
