//! The patron–client bargain as a stage of the yearly stepper: calibrated on the world it is
//! handed, setting `price.gas.<client>` after the data end by eq. (11) and `alignment.<client>`
//! every year, its uncertainty in the Monte Carlo, and the `bargain.*` sweep factors.

use orbit_models::alliance_bargain::BargainInputs;
use orbit_models::backtest::cutoff_world;
use orbit_models::calibrate::{ModelParams, Parameter};
use orbit_models::design::{self, IssueWidths, Target};
use orbit_models::simulation::{
    BargainDraw, SimulationSettings, Simulator, draw_run_with_bargain, monte_carlo, observed_price,
    price_step,
};
use orbit_scenario::{Commodity, World};
use proptest::prelude::*;

fn builtin() -> World {
    orbit_scenario::builtin().expect("the built-in scenario is valid")
}

fn col(sim: &Simulator, name: &str) -> usize {
    sim.indicator_names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no indicator `{name}`"))
}

fn settings(runs: usize) -> SimulationSettings {
    SimulationSettings {
        runs,
        seed: 3,
        ..SimulationSettings::default()
    }
}

#[test]
fn the_stage_follows_history_then_eq_11() {
    let world = builtin();
    let sim = Simulator::new(&world, 2015, 2030).unwrap();
    let stage = sim
        .bargain
        .as_ref()
        .expect("the built-in scenario has the stage");
    assert_eq!(stage.last_price_year, 2022);
    assert_eq!(stage.calibration.cutoff, 2022);
    assert!(
        sim.notes
            .iter()
            .any(|n| n.starts_with("bargain stage: calibrated on `price.gas.BLR`")),
        "{:?}",
        sim.notes
    );
    let t = sim.run_central().unwrap();
    let price = col(&sim, "price.gas.BLR");
    let alignment = col(&sim, "alignment.BLR");
    let blr = world.actor_id("BLR").unwrap();
    // History is history: every recorded year's price is the record.
    for (y, &year) in t.years.iter().enumerate() {
        if let Some(p) = observed_price(&world, Commodity::Gas, blr, year) {
            assert_eq!(t.indicators[y][price], p, "{year}");
        }
    }
    // 2023 by hand from eq. (11): the 2022 price, the 2023 covariates in the state, the
    // reference held at its 2022 value.
    let y23 = (2023 - 2015) as usize;
    let state = &t.indicators[y23];
    let eu: Vec<f64> = ["trade_share.exports.BLR.EU", "trade_share.imports.BLR.EU"]
        .iter()
        .filter_map(|n| sim.indicator_names.iter().position(|m| m == n))
        .map(|c| t.indicators[y23 - 1][c])
        .collect();
    let inputs = BargainInputs {
        year: 2023,
        transit: state[col(&sim, "transit_share.BLR")],
        patron_conflict: sim
            .indicator_names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.starts_with("sanctions.") && n.ends_with(".RUS"))
            .map(|(c, _)| state[c])
            .sum(),
        west_access: eu.iter().sum::<f64>() / eu.len() as f64,
        sanctions: state[col(&sim, "sanctions.EU.BLR")],
    };
    let (a, p) = price_step(
        &stage.calibration.params,
        &inputs,
        t.indicators[y23 - 1][price],
        stage.reference_last.1,
        0.0,
    )
    .unwrap();
    assert!((state[price] - p).abs() < 1e-9, "{} vs {p}", state[price]);
    assert!((state[alignment] - a).abs() < 1e-12);
    // After the data end the price is the bargain's, not carried forward.
    assert_ne!(t.indicators[y23][price], t.indicators[y23 - 1][price]);
    for row in &t.indicators {
        assert!(row.iter().all(|v| v.is_finite()));
    }
}

#[test]
fn the_stage_is_left_out_of_the_example_with_a_note() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/example.toml"
    ))
    .unwrap();
    let world = orbit_scenario::load_str("example.toml", &text).unwrap();
    let sim = Simulator::new(&world, world.meta.years.last - 2, world.meta.years.last + 5).unwrap();
    assert!(sim.bargain.is_none());
    let note = sim
        .notes
        .iter()
        .find(|n| n.starts_with("bargain stage left out: "))
        .unwrap_or_else(|| panic!("{:?}", sim.notes));
    assert!(
        note.contains("ei_german_import_cif") || note.contains("gas price"),
        "{note}"
    );
    assert!(
        !sim.indicator_names
            .iter()
            .any(|n| n.starts_with("alignment."))
    );
    sim.run_central().unwrap();
}

/// Every datum after the cutoff (prices, reference prices, trade shares, sanctions) mutated on
/// its own leaves the calibration and the whole simulated path of the cutoff world unchanged;
/// the same mutation before the cutoff changes the calibration (so the check can fail).
#[test]
fn the_stage_sees_only_the_world_it_is_handed() {
    const CUTOFF: i32 = 2019;
    let state = |world: &World| {
        let (past, _) = cutoff_world(world, CUTOFF);
        let sim = Simulator::new(&past, 2015, 2026).unwrap();
        let stage = sim.bargain.as_ref().expect("the 2019 world has the stage");
        let run = sim.run_central().unwrap();
        let mc = monte_carlo(&sim, &settings(4), &|| {}).unwrap();
        serde_json::to_string(&(&stage.calibration, run, mc.fans)).unwrap()
    };
    let world = builtin();
    let reference = state(&world);
    type Mutation = Box<dyn Fn(&mut World, bool) -> bool>;
    let pick = |y: i32, later: bool| {
        if later {
            y > CUTOFF
        } else {
            (2008..=CUTOFF).contains(&y)
        }
    };
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "gas prices",
            Box::new(move |w, later| {
                let mut hit = false;
                for e in w.energy.iter_mut().filter(|e| pick(e.year, later)) {
                    if e.price.is_some() {
                        e.price = Some(e.price.unwrap() * 1.5 + 7.0);
                        hit = true;
                    }
                }
                hit
            }),
        ),
        (
            "reference prices",
            Box::new(move |w, later| {
                let mut hit = false;
                for b in w.benchmarks.iter_mut().filter(|b| pick(b.year, later)) {
                    b.value *= 1.7;
                    hit = true;
                }
                hit
            }),
        ),
        (
            "trade shares",
            Box::new(move |w, later| {
                let mut hit = false;
                for t in w
                    .trade
                    .iter_mut()
                    .filter(|t| t.share.is_some() && pick(t.year, later))
                {
                    t.share = Some(0.6);
                    hit = true;
                }
                hit
            }),
        ),
        (
            "sanctions",
            Box::new(move |w, later| {
                let n = w.sanctions.len();
                w.sanctions.retain(|s| !pick(s.start.year, later));
                w.sanctions.len() != n
            }),
        ),
    ];
    for (what, mutate) in &mutations {
        let mut later = world.clone();
        assert!(mutate(&mut later, true), "no {what} after {CUTOFF}");
        assert!(
            state(&later) == reference,
            "changing {what} after {CUTOFF} changed the stage"
        );
        let mut earlier = world.clone();
        if mutate(&mut earlier, false) && *what != "sanctions" {
            assert!(
                state(&earlier) != reference,
                "changing {what} before {CUTOFF} should change the stage"
            );
        }
    }
}

#[test]
fn monte_carlo_with_the_stage_is_independent_of_the_thread_count_and_widens() {
    let world = builtin();
    let sim = Simulator::new(&world, 2019, 2030).unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| monte_carlo(&sim, &settings(24), &|| {}).unwrap())
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one, two);
    let fan = one.fans.iter().find(|f| f.name == "price.gas.BLR").unwrap();
    let width = |y: i32| {
        let i = (y - 2019) as usize;
        fan.p95[i] - fan.p5[i]
    };
    // History: no spread in recorded years; the model's years spread, wider with the horizon.
    assert_eq!(width(2021), 0.0);
    assert!(width(2023) > 0.0);
    assert!(
        width(2030) > width(2023),
        "{} vs {}",
        width(2030),
        width(2023)
    );
    for f in &one.fans {
        assert!(
            f.p5.iter()
                .chain(&f.p50)
                .chain(&f.p95)
                .all(|v| v.is_finite())
        );
    }
    // The draws of one run: parameters inside their bounds, one stream per run.
    let (_, _, a) = draw_run_with_bargain(&sim, &settings(24), 5);
    let (_, _, b) = draw_run_with_bargain(&sim, &settings(24), 5);
    let (_, _, c) = draw_run_with_bargain(&sim, &settings(24), 6);
    assert_eq!(a, b);
    assert_ne!(a, c);
    let a = a.unwrap();
    assert!(a.params.bargain.check().is_ok() && (0.0..=1.0).contains(&a.params.mu));
}

#[test]
fn the_gas_price_issue_and_the_price_are_one_quantity() {
    let world = builtin();
    let sim = Simulator::new(&world, 2015, 2030).unwrap();
    let price = col(&sim, "price.gas.BLR");
    let issues: Vec<usize> = ["gas_price", "gas_price_2015"]
        .iter()
        .map(|id| sim.issue_ids.iter().position(|i| i == id).unwrap())
        .collect();
    let check = |t: &orbit_models::simulation::Trajectory| {
        for y in 0..t.years.len() {
            for &i in &issues {
                assert_eq!(t.eum[y][i], t.indicators[y][price]);
                assert_eq!(t.compromise[y][i], t.indicators[y][price]);
            }
        }
    };
    check(&sim.run_central().unwrap());
    for k in 0..6 {
        let (p, issues_in, bargain) = draw_run_with_bargain(&sim, &settings(6), k);
        check(&sim.run_with(&p, &issues_in, bargain.as_ref()).unwrap());
    }
    let mc = monte_carlo(&sim, &settings(6), &|| {}).unwrap();
    let fan = |name: &str| mc.fans.iter().find(|f| f.name == name).unwrap();
    assert_eq!(fan("price.gas.BLR").p50, fan("eum.gas_price").p50);
    assert_eq!(fan("price.gas.BLR").p95, fan("compromise.gas_price").p95);
}

/// More transit leverage never raises the simulated price: with the same bargain (`v_τ = 1`),
/// Yamal-Europe kept running (Belarus keeps a transit share after 2022) gives a price at or
/// below the built-in one every year, and strictly below once the shares differ.
#[test]
fn more_transit_leverage_never_raises_the_simulated_price() {
    let base = builtin();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/overlays/yamal-europe-never-stopped.toml"
    ))
    .unwrap();
    let yamal = orbit_scenario::overlay::load_with_overlays(
        orbit_scenario::BUILTIN_NAME,
        orbit_scenario::BUILTIN_TOML,
        &[("yamal.toml".to_string(), text)],
        &[],
    )
    .unwrap();
    let a = Simulator::new(&base, 2019, 2030).unwrap();
    let b = Simulator::new(&yamal, 2019, 2030).unwrap();
    let mut draw: BargainDraw = a.bargain.as_ref().unwrap().central(2019, 2030);
    draw.params.set(Parameter::VTau, 1.0);
    let ta = a
        .run_with(&a.link_parameters, a.issue_inputs(), Some(&draw))
        .unwrap();
    let tb = b
        .run_with(&b.link_parameters, b.issue_inputs(), Some(&draw))
        .unwrap();
    let (pa, pb) = (col(&a, "price.gas.BLR"), col(&b, "price.gas.BLR"));
    let (sa, sb) = (col(&a, "transit_share.BLR"), col(&b, "transit_share.BLR"));
    let mut strictly = false;
    for y in 0..ta.years.len() {
        assert!(
            tb.indicators[y][pb] <= ta.indicators[y][pa] + 1e-9,
            "{}",
            ta.years[y]
        );
        if ta.years[y] > 2023 && tb.indicators[y][sb] > ta.indicators[y][sa] {
            strictly |= tb.indicators[y][pb] < ta.indicators[y][pa];
        }
    }
    assert!(strictly, "the leverage should lower the price somewhere");
}

#[test]
fn the_concession_link_moves_belarus_toward_russia() {
    let world = builtin();
    let sim = Simulator::new(&world, 2015, 2030).unwrap();
    let k = sim
        .link_ids
        .iter()
        .position(|l| l == "bargain-concessions-pull-integration")
        .expect("the concession link is kept");
    let pos = col(&sim, "position.deeper_integration.BLR");
    let rus = col(&sim, "position.deeper_integration.RUS");
    let mut draw = sim.bargain.as_ref().unwrap().central(2015, 2030);
    // A bargain in which the alignment bought rises: autonomy costs more with access to the
    // West (c_ε > 0), and the EU's share of Belarus's trade falls as sanctions accumulate.
    draw.params.set(Parameter::CEps, 5.0);
    draw.params.set(Parameter::V0, 0.5);
    let mut with = sim.link_parameters.clone();
    with[k] = 10.0;
    let mut without = sim.link_parameters.clone();
    without[k] = 0.0;
    let tw = sim
        .run_with(&with, sim.issue_inputs(), Some(&draw))
        .unwrap();
    let to = sim
        .run_with(&without, sim.issue_inputs(), Some(&draw))
        .unwrap();
    let last = tw.years.len() - 1;
    let gap = |t: &orbit_models::simulation::Trajectory| {
        (t.indicators[last][rus] - t.indicators[last][pos]).abs()
    };
    assert!(gap(&tw) < gap(&to), "{} vs {}", gap(&tw), gap(&to));
    // Toward Russia, never past it (Russia's position is above Belarus's on this issue).
    let start = to.indicators[0][pos];
    for (w, o) in tw.indicators.iter().zip(&to.indicators) {
        assert!(w[pos] >= o[pos] - 1e-9 && w[pos] <= w[rus] && w[pos] >= start.min(o[pos]));
    }
    let a = col(&sim, "alignment.BLR");
    assert!(tw.indicators[last][a] > tw.indicators[0][a]);
}

#[test]
fn bargain_parameters_are_sweep_factors() {
    let world = builtin();
    let sim = Simulator::new(&world, 2015, 2030).unwrap();
    let factors = design::factors(&sim, &IssueWidths::default());
    let bargain: Vec<_> = factors
        .iter()
        .filter(|f| matches!(f.target, Target::Bargain { .. }))
        .collect();
    let names: Vec<&str> = bargain.iter().map(|f| f.name.as_str()).collect();
    assert!(
        names.contains(&"bargain.v0") && names.contains(&"bargain.mu"),
        "{names:?}"
    );
    assert!(
        factors
            .iter()
            .any(|f| f.name == "link.bargain-concessions-pull-integration")
    );
    for f in &bargain {
        assert!(f.low >= 0.0 && f.low < f.high, "{f:?}");
        if f.name == "bargain.mu" {
            assert!(f.high <= 1.0);
        }
    }
    let outcomes = design::Outcomes::new(&sim, &["price.gas.BLR".to_string()], &[2030]).unwrap();
    let mu = factors.iter().position(|f| f.name == "bargain.mu").unwrap();
    let central: Vec<f64> = factors
        .iter()
        .map(|f| match f.target {
            Target::Bargain { parameter } => sim
                .bargain
                .as_ref()
                .unwrap()
                .calibration
                .params
                .get(parameter),
            _ => 0.5 * (f.low + f.high),
        })
        .collect();
    let mut slow = central.clone();
    slow[mu] = factors[mu].low;
    let mut fast = central.clone();
    fast[mu] = factors[mu].high;
    let a = design::evaluate(&sim, &factors, &outcomes, &slow).unwrap();
    let b = design::evaluate(&sim, &factors, &outcomes, &fast).unwrap();
    assert_ne!(a, b);
    // At the fitted values the sweep's bargain is the central one.
    let draw = design::bargain_at(&sim, &factors, &central).unwrap();
    assert_eq!(
        draw.params,
        sim.bargain.as_ref().unwrap().calibration.params
    );
}

#[test]
fn bad_bargain_draws_are_errors_not_panics() {
    let world = builtin();
    let sim = Simulator::new(&world, 2019, 2025).unwrap();
    let mut draw = sim.bargain.as_ref().unwrap().central(2019, 2025);
    draw.price_shocks.pop();
    assert!(
        sim.run_with(&sim.link_parameters, sim.issue_inputs(), Some(&draw))
            .is_err()
    );
    let mut draw = sim.bargain.as_ref().unwrap().central(2019, 2025);
    draw.params.mu = f64::NAN;
    assert!(
        sim.run_with(&sim.link_parameters, sim.issue_inputs(), Some(&draw))
            .is_err()
    );
    let mut draw = sim.bargain.as_ref().unwrap().central(2019, 2025);
    draw.params.bargain.v0 = -1.0;
    assert!(
        sim.run_with(&sim.link_parameters, sim.issue_inputs(), Some(&draw))
            .is_err()
    );
}

fn params() -> impl Strategy<Value = ModelParams> {
    (
        0.0..1.0f64,
        0.0..2.0f64,
        0.0..5.0f64,
        0.0..0.2f64,
        0.0..5.0f64,
        0.0..0.5f64,
        0.0..0.1f64,
        0.0..=1.0f64,
    )
        .prop_map(|(beta, v0, v_tau, v_kappa, c_eps, o_eps, o_sigma, mu)| {
            let mut m = ModelParams::default();
            m.bargain.beta = beta;
            m.bargain.v0 = v0;
            m.bargain.v_tau = v_tau;
            m.bargain.v_kappa = v_kappa;
            m.bargain.c_eps = c_eps;
            m.bargain.o_eps = o_eps;
            m.bargain.o_sigma = o_sigma;
            m.mu = mu;
            m
        })
}

fn inputs() -> impl Strategy<Value = BargainInputs> {
    (0.0..=1.0f64, 0.0..10.0f64, 0.0..=1.0f64, 0.0..20.0f64).prop_map(|(t, k, e, s)| {
        BargainInputs {
            year: 2025,
            transit: t,
            patron_conflict: k.floor(),
            west_access: e,
            sanctions: s.floor(),
        }
    })
}

proptest! {
    /// The stepper's yearly rule: more transit leverage never raises the price.
    #[test]
    fn more_leverage_never_raises_the_step_price(
        m in params(), x in inputs(), more in 0.0..=1.0f64,
        last in 0.0..600.0f64, reference in 1.0..900.0f64, shock in -50.0..50.0f64,
    ) {
        let hi = BargainInputs { transit: (x.transit + more).min(1.0), ..x };
        let (_, p0) = price_step(&m, &x, last, reference, shock).unwrap();
        let (_, p1) = price_step(&m, &hi, last, reference, shock).unwrap();
        prop_assert!(p1 <= p0 + 1e-9, "{p1} > {p0}");
        prop_assert!(p0.is_finite() && p0 >= 0.0);
    }

    /// A smaller outside option (less access to the West, more sanctions) never lowers the
    /// concessions the stepper sets.
    #[test]
    fn a_smaller_outside_option_never_lowers_the_concessions(
        m in params(), x in inputs(), less in 0.0..=1.0f64, more_sanctions in 0u32..5,
    ) {
        let small = BargainInputs {
            west_access: (x.west_access - less).max(0.0),
            sanctions: x.sanctions + f64::from(more_sanctions),
            ..x
        };
        let (a0, _) = price_step(&m, &x, 100.0, 300.0, 0.0).unwrap();
        let (a1, _) = price_step(&m, &small, 100.0, 300.0, 0.0).unwrap();
        prop_assert!(a1 >= a0 - 1e-12, "{a1} < {a0}");
    }
}

#[test]
fn an_issue_indicator_that_is_not_a_price_is_a_located_error() {
    let text = orbit_scenario::BUILTIN_TOML.replacen(
        "indicator = \"price.gas.BLR\"",
        "indicator = \"transit_share.BLR\"",
        1,
    );
    let err = orbit_scenario::load_str("bad.toml", &text).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("is not a price"), "{shown}");
    assert!(shown.contains("bad.toml:"), "{shown}");
    let text = orbit_scenario::BUILTIN_TOML.replacen(
        "indicator = \"price.gas.BLR\"",
        "indicator = \"price.gas.XXX\"",
        1,
    );
    assert!(orbit_scenario::load_str("bad.toml", &text).is_err());
}
