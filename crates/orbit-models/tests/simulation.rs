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

// ---- backtest ----------------------------------------------------------------------------

mod backtests {
    use super::*;
    use orbit_models::backtest::{QuestionKind, backtest, cutoff_world};

    /// What a simulation built at the cutoff sees: the cutoff world and its central run.
    fn cutoff_state(world: &World, cutoff: i32) -> String {
        let (past, notes) = cutoff_world(world, cutoff);
        let sim = Simulator::new(&past, cutoff, 2030).unwrap();
        let run = sim.run_central().unwrap();
        serde_json::to_string(&(&past, notes, &sim.indicator_names, run)).unwrap()
    }

    /// Every kind of datum dated after 2019, each mutated on its own, leaves the 2019 state as
    /// it was; the same mutation before the cutoff changes it (so the check can fail).
    #[test]
    fn nothing_after_the_cutoff_leaks_in() {
        const CUTOFF: i32 = 2019;
        let cutoff = CUTOFF;
        let world = builtin();
        let reference = cutoff_state(&world, cutoff);
        type Mutation = Box<dyn Fn(&mut World, bool) -> bool>;
        let after = |y: i32, later: bool| if later { y > CUTOFF } else { y <= CUTOFF };
        let mutations: Vec<(&str, Mutation)> = vec![
            (
                "trade",
                Box::new(move |w, later| {
                    let mut hit = false;
                    // Records that state a share (value-only records are not simulation input).
                    for t in w
                        .trade
                        .iter_mut()
                        .filter(|t| t.share.is_some() && after(t.year, later))
                    {
                        t.share = Some(0.99);
                        hit = true;
                    }
                    hit
                }),
            ),
            (
                "energy",
                Box::new(move |w, later| {
                    let mut hit = false;
                    for e in w.energy.iter_mut().filter(|e| after(e.year, later)) {
                        e.price = Some(999.0);
                        hit = true;
                    }
                    hit
                }),
            ),
            (
                "indicators",
                Box::new(move |w, later| {
                    let mut hit = false;
                    for i in w
                        .indicators
                        .iter_mut()
                        .filter(|i| after(i.years.first, later))
                    {
                        i.value += 1.0;
                        hit = true;
                    }
                    hit
                }),
            ),
            (
                "sanctions",
                Box::new(move |w, later| {
                    let n = w.sanctions.len();
                    w.sanctions.retain(|s| !after(s.start.year, later));
                    w.sanctions.len() != n
                }),
            ),
            (
                "events",
                Box::new(move |w, later| {
                    let mut hit = false;
                    for e in w.events.iter_mut().filter(|e| after(e.date.year, later)) {
                        e.kind = orbit_scenario::EventKind::Repression;
                        hit = true;
                    }
                    hit
                }),
            ),
            (
                "pipeline openings",
                Box::new(move |w, later| {
                    let mut hit = false;
                    for p in w.pipelines.iter_mut() {
                        if p.opened.is_some_and(|o| after(o, later)) {
                            p.opened = None;
                            hit = true;
                        }
                    }
                    hit
                }),
            ),
            (
                "pipeline closures",
                Box::new(move |w, later| {
                    let mut hit = false;
                    for p in w.pipelines.iter_mut() {
                        if p.closed.is_some_and(|c| after(c, later)) {
                            p.closed = Some(CUTOFF + 1);
                            hit = true;
                        }
                    }
                    hit
                }),
            ),
            (
                "benchmarks",
                Box::new(move |w, later| {
                    let mut hit = false;
                    for b in w.benchmarks.iter_mut().filter(|b| after(b.year, later)) {
                        b.value *= 3.0;
                        hit = true;
                    }
                    hit
                }),
            ),
            (
                "spatial issues",
                Box::new(move |w, later| {
                    let mut hit = false;
                    for i in w
                        .spatial_issues
                        .iter_mut()
                        .filter(|i| after(i.as_of.year, later))
                    {
                        for p in &mut i.positions {
                            p.capability *= 2.0;
                        }
                        hit = true;
                    }
                    hit
                }),
            ),
            (
                "outcomes",
                Box::new(move |w, later| {
                    let mut hit = false;
                    for i in w.issues.iter_mut() {
                        for o in i.outcomes.iter_mut().filter(|o| after(o.date.year, later)) {
                            o.value = i.scale_max;
                            hit = true;
                        }
                    }
                    hit
                }),
            ),
        ];
        for (what, mutate) in &mutations {
            let mut later = world.clone();
            assert!(
                mutate(&mut later, true),
                "no {what} after {cutoff} to mutate"
            );
            assert!(
                cutoff_state(&later, cutoff) == reference,
                "changing {what} after {cutoff} changed the cutoff state"
            );
            let mut earlier = world.clone();
            if mutate(&mut earlier, false) && *what != "pipeline closures" && *what != "outcomes" {
                assert!(
                    cutoff_state(&earlier, cutoff) != reference,
                    "changing {what} before {cutoff} should change the state"
                );
            }
        }
    }

    #[test]
    fn issues_dated_after_the_cutoff_are_skipped_with_a_note() {
        let world = builtin();
        let (past, notes) = cutoff_world(&world, 2019);
        // In 2019 each question is known by its latest coding by then: the Nov 2019 snapshots,
        // one for every question.
        let mut kept: Vec<&str> = past.issues.iter().map(|i| i.id.as_str()).collect();
        kept.sort();
        assert_eq!(
            kept,
            [
                "common_currency_2019",
                "deeper_integration_2019",
                "gas_price_2019",
                "neutrality_2019",
                "political_prisoners_2019",
                "russian_air_base_2019"
            ]
        );
        assert!(past.issues.iter().all(|i| i.as_of.year <= 2019));
        assert!(notes.iter().any(|n| n.contains("deeper_integration")));
        assert!(
            past.links
                .iter()
                .all(|l| !l.to_name.starts_with("position."))
        );
        let (past, _) = cutoff_world(&world, 2021);
        // Every question is known by 2021, each with its latest coding only.
        let questions = world
            .issues
            .iter()
            .filter(|i| i.snapshot_of.is_none())
            .count();
        assert_eq!(past.issues.len(), questions);
        assert!(
            past.issues
                .iter()
                .all(|i| i.outcomes.iter().all(|o| o.date.year <= 2021))
        );
    }

    #[test]
    fn backtest_2021_scores_issues_and_indicators() {
        let world = builtin();
        let settings = SimulationSettings {
            runs: 20,
            seed: 3,
            ..SimulationSettings::default()
        };
        let bt = backtest(&world, 2021, &settings).unwrap();
        let issues: Vec<_> = bt
            .scores
            .iter()
            .filter(|s| s.kind == QuestionKind::Issue)
            .collect();
        assert!(
            issues
                .iter()
                .any(|s| s.question == "neutrality" && s.observed == 100.0)
        );
        for s in &issues {
            assert!(s.model_brier.is_some_and(|b| (0.0..=1.0).contains(&b)));
            assert_eq!(s.status_quo_error, (s.status_quo - s.observed).abs());
        }
        let bt = backtest(&world, 2019, &settings).unwrap();
        assert!(
            bt.scores
                .iter()
                .filter(|s| s.kind == QuestionKind::Issue)
                .all(|s| s.question.ends_with("_2019") || s.question.ends_with("_2015"))
        );
        assert!(
            bt.scores
                .iter()
                .any(|s| s.question == "russian_air_base_2019" && s.observed == 80.0)
        );
        assert!(
            bt.scores
                .iter()
                .any(|s| s.question == "price.gas.BLR" && s.date == "2021")
        );
    }
}

// ---- overlays ----------------------------------------------------------------------------

fn with_overlay(file: &str, text: &str) -> World {
    orbit_scenario::overlay::load_with_overlays(
        orbit_scenario::BUILTIN_NAME,
        orbit_scenario::BUILTIN_TOML,
        &[(file.to_string(), text.to_string())],
        &[],
    )
    .unwrap()
}

fn central_value(world: &World, name: &str, year: i32) -> f64 {
    let sim = Simulator::new(world, 2015, 2030).unwrap();
    let t = sim.run_central().unwrap();
    let c = sim.indicator_names.iter().position(|n| n == name).unwrap();
    t.indicators[(year - 2015) as usize][c]
}

#[test]
fn overlays_change_the_run() {
    let base = builtin();
    let ns2 = with_overlay(
        "ns2.toml",
        include_str!("../../../scenarios/overlays/nord-stream-2-from-2021.toml"),
    );
    assert_eq!(
        central_value(&ns2, "transit_share.BLR", 2020),
        central_value(&base, "transit_share.BLR", 2020)
    );
    assert!(
        central_value(&ns2, "transit_share.BLR", 2021)
            < central_value(&base, "transit_share.BLR", 2021)
    );
    let calm = with_overlay(
        "calm.toml",
        include_str!("../../../scenarios/overlays/no-eu-sanctions-after-2020.toml"),
    );
    let eu = "trade_share.exports.BLR.EU";
    assert_eq!(
        central_value(&calm, eu, 2020),
        central_value(&base, eu, 2020)
    );
    assert!(central_value(&calm, eu, 2022) > central_value(&base, eu, 2022));
}

/// Defect 8 of issue 15: `orbit transit --epoch 2022` gave Belarus 0 while the simulation
/// kept 2021's share for 2022 (its network cache was keyed on the pipelines in service at
/// any time of the year, the game on those standing at its end). Both now use the network
/// standing at the end of each year.
#[test]
fn defect_8_simulation_transit_share_agrees_with_the_transit_epoch() {
    let world = builtin();
    let sim = Simulator::new(&world, 2019, 2023).unwrap();
    let t = sim.run_central().unwrap();
    let c = sim
        .indicator_names
        .iter()
        .position(|n| n == "transit_share.BLR")
        .unwrap();
    let blr = world.actor_id("BLR").unwrap();
    for year in 2019..=2023 {
        let mut notes = Vec::new();
        let game = transit_shares(&world, year, &mut notes)
            .get(&blr)
            .copied()
            .unwrap_or(0.0);
        let simulated = t.indicators[(year - 2019) as usize][c];
        assert!(
            (simulated - game).abs() < 1e-12,
            "{year}: simulated {simulated}, transit game {game}"
        );
    }
    assert_eq!(t.indicators[(2022 - 2019) as usize][c], 0.0);
}
