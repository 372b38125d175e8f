//! One entry function per reader of user files, for the fuzz targets of `fuzz/` and for the
//! corpus smoke test in orbit-models' test suite (which includes this file as a module).
//!
//! Each takes arbitrary bytes and must neither panic, hang, nor let a non-finite number out
//! of an `Ok`: a reader either refuses its input with an error or gives a model input on which
//! every model returns finite numbers (or an error). A panic here is a finding.

use orbit_models::bargaining::{Actor, BargainingInput, EumOptions, StopRule, baselines, run_eum};
use orbit_models::games::{
    ShapleyMethod, ShapleyOptions, TuGame, banzhaf, parse_game_json, parse_network_json, shapley,
};

/// The base scenario the overlay target merges its input over.
const BASE_SCENARIO: &str = include_str!("../../scenarios/example.toml");

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Scenario reader: `orbit_scenario::load_bytes` (parse, then validate into a `World`).
pub fn scenario(data: &[u8]) {
    let _ = orbit_scenario::load_bytes("fuzz.toml", data);
}

/// Overlay reader: the input as an overlay over the example scenario; its first line, when it
/// looks like one, also as a `--set` assignment.
pub fn overlay(data: &[u8]) {
    let Some(overlay) = text(data) else { return };
    let overlays = vec![("fuzz-overlay.toml".to_string(), overlay.to_string())];
    let _ =
        orbit_scenario::overlay::load_with_overlays("example.toml", BASE_SCENARIO, &overlays, &[]);
    if let Some(first) = overlay.lines().next().filter(|l| l.contains('=')) {
        let sets = vec![first.to_string()];
        let _ =
            orbit_scenario::overlay::load_with_overlays("example.toml", BASE_SCENARIO, &[], &sets);
    }
}

/// Actor-table reader (`forecast --actors`), then every bargaining model on what it accepts.
pub fn actor_table(data: &[u8]) {
    let Some(table) = text(data) else { return };
    let percent = data.first().is_some_and(|b| b & 1 == 1);
    let Ok(rows) = orbit_scenario::actor_table::parse_actor_table("fuzz.csv", table, percent)
    else {
        return;
    };
    let mut input = BargainingInput::new(
        rows.iter()
            .map(|r| Actor::new(r.name.clone(), r.capability, r.position, r.salience))
            .collect(),
    );
    input.status_quo = rows.first().map(|r| r.position);
    if let Ok(base) = baselines(&input) {
        for (model, value) in [
            ("compromise", base.compromise),
            ("weighted median", base.weighted_median),
            ("median voter", base.median_voter),
            ("nash", base.nash.unwrap_or(0.0)),
        ] {
            assert!(value.is_finite(), "{model} gave {value}");
        }
    }
    let bdm = EumOptions {
        stop: StopRule::RelativeChange {
            threshold: 0.02,
            max_rounds: 20,
        },
        record_offers: false,
        ..EumOptions::default()
    };
    for options in [bdm, EumOptions::scholz2011()] {
        if let Ok(run) = run_eum(&input, &options) {
            assert!(run.forecast.is_finite(), "EUM forecast {}", run.forecast);
            for round in &run.rounds {
                assert!(round.positions.iter().all(|x| x.is_finite()));
                assert!(round.mean.is_finite() && round.median.is_finite());
            }
        }
    }
}

/// Game-file reader (`orbit game --game`), then Shapley and Banzhaf on small games.
pub fn game_json(data: &[u8]) {
    let Some(json) = text(data) else { return };
    let Ok((players, game)) = parse_game_json(json) else {
        return;
    };
    assert_eq!(players.len(), game.n());
    if game.n() <= 12 {
        solve(&game);
    }
}

/// Network-file reader (`orbit game --network`), then the grand coalition and a sampled
/// Shapley value.
pub fn network_json(data: &[u8]) {
    let Some(json) = text(data) else { return };
    let Ok((players, game)) = parse_network_json(json) else {
        return;
    };
    assert_eq!(players.len(), game.n());
    let _ = game.grand_value();
    if game.n() <= 8 {
        solve(&game);
    } else if game.n() <= 200 {
        let options = ShapleyOptions {
            method: ShapleyMethod::Sampled,
            permutations: 64,
            ..ShapleyOptions::default()
        };
        if let Ok(phi) = shapley(&game, &options) {
            assert!(phi.values.iter().all(|v| v.is_finite()));
        }
    }
}

fn solve(game: &impl TuGame) {
    let options = ShapleyOptions {
        method: ShapleyMethod::Exact,
        ..ShapleyOptions::default()
    };
    if let Ok(phi) = shapley(game, &options) {
        assert!(phi.values.iter().all(|v| v.is_finite()));
    }
    if let Ok(b) = banzhaf(game) {
        assert!(b.raw.iter().all(|v| v.is_finite()));
    }
}
