//! The yearly stepper, its Monte Carlo, the cutoff filter and the backtest.

use orbit_models::simulation::{
    SimulationSettings, Simulator, monte_carlo, renormalise_shares, transit_shares,
};
use orbit_scenario::World;
use proptest::prelude::*;

fn builtin() -> World {
    orbit_scenario::builtin().expect("the built-in scenario is valid")
}

#[test]
fn central_run_of_the_builtin_scenario() {
    let world = builtin();
    let sim = Simulator::new(&world, 2015, 2030).unwrap();
    let t = sim.run_central().unwrap();
    assert_eq!(t.years, (2015..=2030).collect::<Vec<_>>());
    let col = |name: &str| {
        sim.indicator_names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no indicator `{name}`"))
    };
    // Shocks from the timeline: EU measures in force (liftings not counted), observed prices.
    let sanctions = col("sanctions.EU.BLR");
    let at = |year: i32, c: usize| t.indicators[(year - 2015) as usize][c];
    assert_eq!(at(2019, sanctions), 0.0);
    assert_eq!(at(2020, sanctions), 3.0);
    assert_eq!(at(2022, sanctions), 10.0);
    assert_eq!(at(2019, col("price.gas.BLR")), 127.0);
    assert_eq!(at(2021, col("price.gas.BLR")), 128.5);
    // Links: the 2020-2022 rounds lower the EU's export share and raise Russia's.
    let eu = col("trade_share.exports.BLR.EU");
    let rus = col("trade_share.exports.BLR.RUS");
    assert!(at(2022, eu) < at(2019, eu));
    assert!(at(2022, rus) > at(2019, rus));
    // The transit game: Belarus has a share while Yamal-Europe runs, none once it stops.
    let transit = col("transit_share.BLR");
    assert!(at(2021, transit) > 0.0);
    assert_eq!(at(2023, transit), 0.0);
    // Forecasts stay on their scales.
    for (issue, input) in sim.issue_inputs().iter().enumerate() {
        let (lo, hi) = input.scale.unwrap();
        for y in 0..t.years.len() {
            assert!((lo..=hi).contains(&t.eum[y][issue]));
            assert!((lo..=hi).contains(&t.compromise[y][issue]));
        }
    }
}

#[test]
fn transit_game_of_2021_gives_belarus_a_share() {
    let world = builtin();
    let mut notes = Vec::new();
    let shares = transit_shares(&world, 2021, &mut notes);
    let total: f64 = shares.values().sum();
    assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
    let blr = shares[&world.actor_id("BLR").unwrap()];
    let ukr = shares[&world.actor_id("UKR").unwrap()];
    assert!(blr > 0.0 && ukr > blr, "BLR {blr}, UKR {ukr}");
}

fn settings(runs: usize) -> SimulationSettings {
    SimulationSettings {
        runs,
        seed: 7,
        ..SimulationSettings::default()
    }
}

/// Conservation: in every run and year, each reporter's shares of one flow stay in [0, 1]
/// and sum to at most 1, even with every link drawn across its whole range.
#[test]
fn shares_are_conserved_in_every_run() {
    let world = builtin();
    let sim = Simulator::new(&world, 2015, 2030).unwrap();
    let result = monte_carlo(&sim, &settings(64), &|| {}).unwrap();
    for fan in &result.fans {
        if fan.name.starts_with("trade_share.") {
            for v in fan.p5.iter().chain(&fan.p95) {
                assert!((0.0..=1.0).contains(v), "{}: {v}", fan.name);
            }
        }
    }
    for flow in ["exports", "imports"] {
        let prefix = format!("trade_share.{flow}.BLR.");
        let cols: Vec<usize> = sim
            .indicator_names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.starts_with(&prefix))
            .map(|(i, _)| i)
            .collect();
        assert!(cols.len() >= 2);
        for k in 0..16u64 {
            let (p, issues) = orbit_models::simulation::draw_run(&sim, &settings(64), k);
            let t = sim.run(&p, &issues).unwrap();
            for row in &t.indicators {
                let sum: f64 = cols.iter().map(|&c| row[c]).sum();
                assert!(sum <= 1.0 + 1e-12, "{flow} shares sum to {sum}");
            }
        }
    }
}

/// A link that pushes a share far past 1 is renormalised, not left to overflow.
#[test]
fn an_extreme_link_keeps_shares_conserved() {
    let text = orbit_scenario::BUILTIN_TOML.replace(
        "parameter = 0.005\nrange = [0.0, 0.015]",
        "parameter = 5.0\nrange = [0.0, 5.0]",
    );
    assert_ne!(text, orbit_scenario::BUILTIN_TOML);
    let world = orbit_scenario::load_str("extreme.toml", &text).unwrap();
    let sim = Simulator::new(&world, 2015, 2030).unwrap();
    let t = sim.run_central().unwrap();
    let cols: Vec<usize> = sim
        .indicator_names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with("trade_share.exports.BLR."))
        .map(|(i, _)| i)
        .collect();
    let rus = sim
        .indicator_names
        .iter()
        .position(|n| n == "trade_share.exports.BLR.RUS")
        .unwrap();
    let last = t.indicators.last().unwrap();
    let sum: f64 = cols.iter().map(|&c| last[c]).sum();
    assert!(
        (sum - 1.0).abs() < 1e-12 && last[rus] > 0.7,
        "sum {sum}, RUS {}",
        last[rus]
    );
}

#[test]
fn monte_carlo_is_independent_of_the_thread_count() {
    let world = builtin();
    let sim = Simulator::new(&world, 2015, 2030).unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| monte_carlo(&sim, &settings(40), &|| {}).unwrap())
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one, two);
    assert_eq!(one.eum_runs, two.eum_runs);
    // A different seed gives different fans.
    let other = monte_carlo(
        &sim,
        &SimulationSettings {
            seed: 8,
            ..settings(40)
        },
        &|| {},
    )
    .unwrap();
    assert_ne!(one.fans, other.fans);
    // Fans are ordered.
    for fan in &one.fans {
        for y in 0..fan.p5.len() {
            assert!(
                fan.p5[y] <= fan.p50[y] && fan.p50[y] <= fan.p95[y],
                "{}",
                fan.name
            );
        }
    }
}

#[test]
fn empty_years_are_an_error() {
    let world = builtin();
    assert!(Simulator::new(&world, 2020, 2019).is_err());
}

proptest! {
    #[test]
    fn renormalised_shares_stay_in_the_simplex(mut shares in prop::collection::vec(-2.0f64..3.0, 0..8)) {
        renormalise_shares(&mut shares);
        prop_assert!(shares.iter().all(|s| (0.0..=1.0).contains(s)));
        prop_assert!(shares.iter().sum::<f64>() <= 1.0 + 1e-12);
    }
}
