//! The thesis backtest: scores by hand, the no-leak rule per cutoff, and that it can fail.

use orbit_models::calibrate::{CalibrationSpec, DEFAULT_REFERENCE_SERIES, parse_reference_csv};
use orbit_models::thesis_backtest::{
    FanSettings, ForecastRow, Target, price_fan, score, thesis_backtest,
};

const REFERENCE_CSV: &str = include_str!("data/european_gas_price_yearly.csv");

fn row(
    cutoff: i32,
    horizon: i32,
    recorded: f64,
    model: f64,
    persistence: f64,
    drift: f64,
) -> ForecastRow {
    ForecastRow {
        target: Target::GasPrice,
        cutoff,
        horizon,
        year: cutoff + horizon,
        recorded,
        model: Some(model),
        persistence: Some(persistence),
        drift: Some(drift),
        model_given_reference: None,
        fan_q10: None,
        fan_q90: None,
    }
}

/// By hand: errors model 10, 30 (MAE 20); persistence 20, 20 (MAE 20); drift 5, 15 (MAE 10).
/// Skill model 1 − 20/20 = 0, drift 1 − 10/20 = 0.5; model better once, worse once.
#[test]
fn scores_by_hand() {
    let rows = vec![
        row(2010, 1, 100.0, 110.0, 80.0, 95.0),
        row(2011, 1, 100.0, 130.0, 120.0, 115.0),
        row(2010, 2, 100.0, 100.0, 100.0, 100.0),
    ];
    let s = score(&rows);
    let h1 = s
        .iter()
        .find(|s| s.target == Target::GasPrice && s.horizon == 1)
        .unwrap();
    assert_eq!(h1.n, 2);
    assert_eq!(h1.mae_model, Some(20.0));
    assert_eq!(h1.mae_persistence, Some(20.0));
    assert_eq!(h1.mae_drift, Some(10.0));
    assert_eq!(h1.skill_model, Some(0.0));
    assert_eq!(h1.skill_drift, Some(0.5));
    assert_eq!((h1.better, h1.ties, h1.worse), (1, 0, 1));
    // A perfect persistence leaves the skill undefined, not infinite.
    let h2 = s
        .iter()
        .find(|s| s.target == Target::GasPrice && s.horizon == 2)
        .unwrap();
    assert_eq!(h2.skill_model, None);
    assert_eq!(h2.ties, 1);
    let h3 = s
        .iter()
        .find(|s| s.target == Target::GasPrice && s.horizon == 3)
        .unwrap();
    assert_eq!((h3.n, h3.mae_model), (0, None));
}

/// Every forecast made at a cutoff stays the same when every datum after the cutoff changes;
/// only the recorded outcomes it is scored against move.
#[test]
fn forecasts_at_a_cutoff_ignore_every_later_datum() {
    let world = orbit_scenario::builtin().unwrap();
    let reference = parse_reference_csv(REFERENCE_CSV, DEFAULT_REFERENCE_SERIES).unwrap();
    let cutoff = 2012;
    let spec = CalibrationSpec::default();
    let base = thesis_backtest(
        &world,
        &reference,
        &[cutoff],
        &spec,
        &FanSettings::default(),
    );
    let mut w = world.clone();
    for e in w.energy.iter_mut().filter(|e| e.year > cutoff) {
        e.price = e.price.map(|p| p + 50.0);
    }
    for t in w.trade.iter_mut().filter(|t| t.year > cutoff) {
        t.share = t.share.map(|s| s * 0.5);
    }
    let mut r = reference.clone();
    for p in r.points.iter_mut().filter(|p| p.year > cutoff) {
        p.usd_per_mmbtu *= 2.0;
    }
    let moved = thesis_backtest(&w, &r, &[cutoff], &spec, &FanSettings::default());
    assert_eq!(base.fits, moved.fits);
    assert_eq!(base.rows.len(), moved.rows.len());
    assert!(!base.rows.is_empty());
    for (a, b) in base.rows.iter().zip(&moved.rows) {
        assert_eq!(
            (a.model, a.persistence, a.drift),
            (b.model, b.persistence, b.drift)
        );
        if a.target == Target::GasPrice {
            assert_eq!(a.recorded + 50.0, b.recorded);
        }
    }
}

/// The backtest can fail: on the built-in record the bargain's gas-price forecast has a
/// computed skill at every horizon with a sample, and that skill is a number that can be
/// negative (it is: see docs/backtest.md), not a constant.
#[test]
fn the_built_in_backtest_scores_the_gas_price() {
    let world = orbit_scenario::builtin().unwrap();
    let reference = parse_reference_csv(REFERENCE_CSV, DEFAULT_REFERENCE_SERIES).unwrap();
    let cutoffs: Vec<i32> = (2000..=2021).collect();
    let bt = thesis_backtest(
        &world,
        &reference,
        &cutoffs,
        &CalibrationSpec::default(),
        &FanSettings::default(),
    );
    assert_eq!(bt.fits.len(), cutoffs.len());
    // No calibration before there are enough recorded prices, with the reason.
    let early = bt.fits.iter().find(|f| f.cutoff == 2003).unwrap();
    assert!(early.calibration.is_none() && early.error.is_some());
    let h1 = bt
        .scores
        .iter()
        .find(|s| s.target == Target::GasPrice && s.horizon == 1)
        .unwrap();
    assert!(h1.n >= 8, "{h1:?}");
    assert!(h1.skill_model.is_some_and(f64::is_finite));
    assert_eq!(h1.better + h1.ties + h1.worse, h1.n);
    // Every scored row's model forecast is a finite price.
    assert!(
        bt.rows
            .iter()
            .filter_map(|r| r.model)
            .all(|m| m.is_finite() && m >= 0.0)
    );
}

/// The fans widen with the horizon, reproduce from the seed, and differ with another seed.
#[test]
fn fans_widen_with_the_horizon_and_reproduce_from_the_seed() {
    let world = orbit_scenario::builtin().unwrap();
    let reference = parse_reference_csv(REFERENCE_CSV, DEFAULT_REFERENCE_SERIES).unwrap();
    let spec = CalibrationSpec::default();
    let (c, panel) =
        orbit_models::calibrate::calibrate_world(&world, &reference, 2016, &spec).unwrap();
    let fan = price_fan(&c, &panel, &reference, 5, 400, 7).unwrap();
    assert_eq!(fan.years, vec![2017, 2018, 2019, 2020, 2021]);
    let width: Vec<f64> = fan.q90.iter().zip(&fan.q10).map(|(h, l)| h - l).collect();
    assert!(width[0] > 0.0);
    assert!(width[4] > width[0], "{width:?}");
    for i in 0..5 {
        assert!(fan.q10[i] <= fan.q50[i] && fan.q50[i] <= fan.q90[i]);
    }
    assert_eq!(fan, price_fan(&c, &panel, &reference, 5, 400, 7).unwrap());
    assert_ne!(
        fan.q50,
        price_fan(&c, &panel, &reference, 5, 400, 8).unwrap().q50
    );
}

/// The Yamal–Europe overlay validates, keeps Belarus in the transit game after 2022, and by
/// the bargain's comparative statics lowers the target price at the same parameters.
#[test]
fn yamal_never_stopped_overlay_keeps_belarus_in_the_transit_game() {
    use orbit_scenario::{BUILTIN_NAME, BUILTIN_TOML, overlay::load_with_overlays};
    const YAMAL: &str = include_str!("../../../scenarios/overlays/yamal-europe-never-stopped.toml");
    let base = orbit_scenario::builtin().unwrap();
    let over = load_with_overlays(
        BUILTIN_NAME,
        BUILTIN_TOML,
        &[("yamal".to_string(), YAMAL.to_string())],
        &[],
    )
    .unwrap();
    let blr = base.actor_id("BLR").unwrap();
    let share = |w: &orbit_scenario::World| {
        let mut notes = Vec::new();
        orbit_models::simulation::transit_shares(w, 2025, &mut notes)
            .get(&blr)
            .copied()
            .unwrap_or(0.0)
    };
    assert_eq!(share(&base), 0.0);
    let tau = share(&over);
    assert!(tau > 0.0, "{tau}");
    let params = orbit_models::alliance_bargain::BargainParams {
        v_tau: 1.0,
        ..Default::default()
    };
    let inputs = |transit| orbit_models::alliance_bargain::BargainInputs {
        year: 2025,
        transit,
        patron_conflict: 0.0,
        west_access: 0.0,
        sanctions: 0.0,
    };
    let price =
        |t| orbit_models::alliance_bargain::target_price(&params, &inputs(t), 300.0).unwrap();
    assert!(price(tau) < price(0.0));
}

/// Done means "determinism across thread counts": the whole backtest (calibrations, fans,
/// scores) is the same bit for bit run inside a one-thread and a two-thread rayon pool, and
/// run twice.
#[test]
fn the_backtest_is_the_same_on_one_and_two_threads() {
    let world = orbit_scenario::builtin().unwrap();
    let reference = parse_reference_csv(REFERENCE_CSV, DEFAULT_REFERENCE_SERIES).unwrap();
    let cutoffs: Vec<i32> = (2009..=2013).collect();
    let fan = FanSettings {
        draws: 100,
        seed: 3,
    };
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                thesis_backtest(
                    &world,
                    &reference,
                    &cutoffs,
                    &CalibrationSpec::default(),
                    &fan,
                )
            })
    };
    let one = on(1);
    assert!(!one.fans.is_empty() && !one.rows.is_empty());
    assert_eq!(one, on(2));
    assert_eq!(one, on(1));
}
