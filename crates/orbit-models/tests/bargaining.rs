//! Integration tests of `orbit_models::bargaining` against the reference data in
//! `/work/shared/data/bargaining` (read-only; only used as oracles here).

use std::path::PathBuf;

use orbit_models::bargaining::{
    Actor, BargainingError, BargainingInput, EumOptions, OfferKind, StopReason, StopRule,
    Variant, baselines, compromise, median_voter, nash_bargaining, run_eum, validate,
    weighted_median,
};
use proptest::prelude::*;

fn data_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/bargaining")
        .join(file)
}

/// Rows of a CSV file without comment lines (`#`), split on commas (no quoting in these files
/// except a trailing free-text column we never read past).
fn read_csv(file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(data_path(file))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", data_path(file).display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split(',').map(|f| f.trim().to_string()).collect())
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

/// The EC emission-standards case (BDM 1994, p. 78; Scholz et al. 2011, Table 1).
fn ec_input() -> BargainingInput {
    let rows = read_csv("bdm1994_ec_emissions_actors.csv");
    assert_eq!(rows[0], ["Actor", "Capability", "Position", "Salience"]);
    BargainingInput::new(
        rows[1..]
            .iter()
            .map(|r| Actor::new(&r[0], num(&r[1]), num(&r[2]), num(&r[3])))
            .collect(),
    )
}

#[test]
fn ec_scholz2011_reproduces_every_round() {
    let input = ec_input();
    let result = run_eum(&input, &EumOptions::scholz2011()).unwrap();
    let rows = read_csv("bdm_scholz_example_expected_rounds.csv");
    let header = &rows[0];
    assert_eq!(header[0], "round");
    assert_eq!(header[1], "mean_logged");
    // Actor columns follow the input order.
    assert_eq!(&header[2..], result.actors.as_slice());
    assert_eq!(result.rounds.len(), 11);
    assert_eq!(rows.len() - 1, 11);
    for row in &rows[1..] {
        let t: usize = row[0].parse().unwrap();
        let round = &result.rounds[t];
        assert_eq!(round.round, t);
        let mean = num(&row[1]);
        assert!(
            (round.mean - mean).abs() < 1e-9,
            "round {t}: mean {} vs {mean}",
            round.mean
        );
        for (a, cell) in row[2..].iter().enumerate() {
            let expected = num(cell);
            let got = round.positions[a];
            assert!(
                (got - expected).abs() < 1e-9,
                "round {t}, {}: {got} vs {expected}",
                result.actors[a]
            );
        }
    }
    // Initial median voter 7 (BDM 1994; Scholz et al. 2011), and the forecast.
    assert_eq!(result.rounds[0].median, 7.0);
    assert_eq!(result.forecast, 7.0);
    assert_eq!(result.stop, StopReason::RoundsCompleted);
}

#[test]
fn ec_scholz2011_reproduces_every_offer() {
    let input = ec_input();
    let result = run_eum(&input, &EumOptions::scholz2011()).unwrap();
    let rows = read_csv("bdm_scholz_example_expected_offers.csv");
    assert_eq!(
        rows[0],
        [
            "round",
            "actor",
            "offer_type",
            "counterpart",
            "eu_self",
            "eu_counterpart",
            "new_position"
        ]
    );
    let expected = &rows[1..];
    assert_eq!(result.offers.len(), expected.len());
    for (offer, row) in result.offers.iter().zip(expected) {
        let what = format!("{offer:?} vs {row:?}");
        assert_eq!(offer.round, row[0].parse::<usize>().unwrap(), "{what}");
        // `actor` is the one who moves (the receiver), `counterpart` the proposer.
        assert_eq!(offer.to, row[1], "{what}");
        assert_eq!(offer.from, row[3], "{what}");
        let kind = match row[2].as_str() {
            "confrontation" => OfferKind::Confrontation,
            "compromise" => OfferKind::Compromise,
            "capitulation" => OfferKind::Capitulation,
            other => panic!("unknown offer type {other}"),
        };
        assert_eq!(offer.kind, kind, "{what}");
        assert!((offer.eu_self - num(&row[4])).abs() < 1e-9, "{what}");
        assert!((offer.eu_counterpart - num(&row[5])).abs() < 1e-9, "{what}");
        assert!((offer.new_position - num(&row[6])).abs() < 1e-9, "{what}");
    }
}

#[test]
fn ec_json_shape() {
    let input = ec_input();
    let result = run_eum(&input, &EumOptions::scholz2011()).unwrap();
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["model"], "eum");
    assert_eq!(json["variant"], "scholz2011");
    assert_eq!(json["forecast"], 7.0);
    let round0 = &json["rounds"][0];
    assert_eq!(round0["round"], 0);
    assert_eq!(round0["positions"]["Netherlands"], 4.0);
    assert_eq!(round0["median"], 7.0);
    // Positions serialise in input order.
    let text = serde_json::to_string(&result).unwrap();
    let nl = text.find("\"Netherlands\"").unwrap();
    let be = text.find("\"Belgium\"").unwrap();
    assert!(nl < be);
    let offer = &json["offers"][0];
    assert_eq!(offer["round"], 1);
    assert_eq!(offer["from"], "France");
    assert_eq!(offer["to"], "Belgium");
    assert_eq!(offer["kind"], "compromise");
    assert_eq!(json["stop"]["reason"], "rounds_completed");
    // The name → position helper.
    let map = result.position_map(1).unwrap();
    assert!((map["Belgium"] - 8.415932315426764).abs() < 1e-12);
}
