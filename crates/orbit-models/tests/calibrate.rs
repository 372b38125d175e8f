//! Calibration of the bargain: recovering known parameters, the no-leak rule, the reference CSV.

use orbit_models::alliance_bargain::{BargainInputs, BargainParams, adjust_price, target_price};
use orbit_models::calibrate::{
    CalibrationError, CalibrationSpec, DEFAULT_REFERENCE_SERIES, MMBTU_PER_1000_M3, ModelParams,
    Observation, Parameter, calibrate_world, fit, parse_reference_csv,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

const REFERENCE_CSV: &str = include_str!("data/european_gas_price_yearly.csv");

fn truth() -> ModelParams {
    ModelParams {
        bargain: BargainParams {
            beta: 0.5,
            v0: 0.3,
            v_tau: 0.6,
            v_kappa: 0.05,
            c_eps: 1.5,
            o_eps: 0.0,
            o_sigma: 0.0,
        },
        mu: 0.6,
    }
}

/// Prices simulated from (11) with `params` on a design whose covariates all vary.
fn simulated(params: &ModelParams, noise_sd: f64, seed: u64) -> Vec<Observation> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = Normal::new(0.0, noise_sd.max(1e-300)).unwrap();
    let mut previous = 50.0;
    let mut out = Vec::new();
    for (i, year) in (1993..=2022).enumerate() {
        let t = i as f64;
        let inputs = BargainInputs {
            year,
            transit: 0.25 + 0.2 * (0.7 * t).sin(),
            patron_conflict: f64::from(u8::try_from(i % 3).unwrap()),
            west_access: 0.3 + 0.2 * (0.45 * t).cos(),
            sanctions: 0.0,
        };
        let reference = 200.0 + 120.0 * (0.33 * t).sin() + 4.0 * t;
        let target = target_price(&params.bargain, &inputs, reference).unwrap();
        let e = if noise_sd > 0.0 {
            noise.sample(&mut rng)
        } else {
            0.0
        };
        let price = adjust_price(previous, target, params.mu, 1) + e;
        out.push(Observation {
            year,
            price,
            reference,
            previous_year: year - 1,
            previous_price: previous,
            inputs,
        });
        previous = price;
    }
    out
}

fn value(c: &orbit_models::calibrate::Calibration, name: &str) -> (f64, Option<f64>) {
    let p = c.parameters.iter().find(|p| p.name == name).unwrap();
    (p.value, p.std_error)
}

#[test]
fn recovers_known_parameters_without_noise() {
    let obs = simulated(&truth(), 0.0, 1);
    let c = fit(&obs, 2022, &CalibrationSpec::default(), "simulated", vec![]).unwrap();
    let t = truth();
    for (name, want) in [
        ("v0", t.bargain.v0),
        ("v_tau", t.bargain.v_tau),
        ("v_kappa", t.bargain.v_kappa),
        ("c_eps", t.bargain.c_eps),
        ("mu", t.mu),
    ] {
        let (got, _) = value(&c, name);
        assert!((got - want).abs() < 1e-4, "{name}: {got} vs {want}");
    }
    assert!(c.rmse < 1e-6, "rmse {}", c.rmse);
}

#[test]
fn recovers_known_parameters_with_noise_inside_their_standard_errors() {
    let obs = simulated(&truth(), 3.0, 7);
    let c = fit(&obs, 2022, &CalibrationSpec::default(), "simulated", vec![]).unwrap();
    let t = truth();
    for (name, want) in [
        ("v0", t.bargain.v0),
        ("v_tau", t.bargain.v_tau),
        ("v_kappa", t.bargain.v_kappa),
        ("c_eps", t.bargain.c_eps),
        ("mu", t.mu),
    ] {
        let (got, se) = value(&c, name);
        let se = se.expect("standard error");
        assert!(se > 0.0 && se.is_finite());
        assert!(
            (got - want).abs() < 4.0 * se,
            "{name}: {got} ± {se} vs {want}"
        );
    }
    assert!(c.rmse < c.persistence_rmse);
}

#[test]
fn a_constant_covariate_is_held_not_fitted() {
    let mut obs = simulated(&truth(), 0.0, 1);
    for o in &mut obs {
        o.inputs.patron_conflict = 0.0;
    }
    let c = fit(&obs, 2022, &CalibrationSpec::default(), "simulated", vec![]).unwrap();
    assert!(!c.free.contains(&Parameter::VKappa));
    assert!(c.notes.iter().any(|n| n.contains("v_kappa")));
}

#[test]
fn too_few_observations_is_an_error() {
    let obs = simulated(&truth(), 0.0, 1);
    let err = fit(
        &obs[..4],
        1996,
        &CalibrationSpec::default(),
        "simulated",
        vec![],
    )
    .unwrap_err();
    assert!(
        matches!(err, CalibrationError::TooFewObservations { .. }),
        "{err}"
    );
}

#[test]
fn reference_csv_reads_the_default_series_and_converts_it() {
    let r = parse_reference_csv(REFERENCE_CSV, DEFAULT_REFERENCE_SERIES).unwrap();
    assert_eq!(r.points.first().unwrap().year, 1995);
    assert_eq!(r.points.last().unwrap().year, 2022);
    // 2006: 7.87 USD/mmbtu × 34.12 ≈ 268.5 USD/1000 m3.
    let p2006 = r.price(2006).unwrap();
    assert!((p2006 - 7.87 * MMBTU_PER_1000_M3).abs() < 0.5, "{p2006}");
}

#[test]
fn reference_csv_errors_are_located() {
    let text = "year,series,value,unit,source\n2000,S,1.0,USD/mmbtu,x\n2001,S,abc,USD/mmbtu,x\n";
    let err = parse_reference_csv(text, "S").unwrap_err();
    assert!(
        matches!(err, CalibrationError::BadReferenceLine { line: 3, .. }),
        "{err}"
    );
    let text = "year,series,value,unit,source\n2000,S,1.0,USD/MWh,x\n";
    assert!(parse_reference_csv(text, "S").is_err());
    let text = "year,series,value,unit,source\n2000,S,1.0,USD/mmbtu,x\n2000,S,2.0,USD/mmbtu,x\n";
    assert!(parse_reference_csv(text, "S").is_err());
    assert!(matches!(
        parse_reference_csv("year,series,value,unit\n", "S"),
        Err(CalibrationError::NoReferenceSeries(_))
    ));
    assert!(parse_reference_csv("", "S").is_err());
}

/// The no-leak rule: changing every datum dated after the cutoff (prices, trade shares,
/// sanctions, the reference series) leaves the calibration exactly as it was.
#[test]
fn no_datum_after_the_cutoff_changes_the_fit() {
    let world = orbit_scenario::builtin().unwrap();
    let reference = parse_reference_csv(REFERENCE_CSV, DEFAULT_REFERENCE_SERIES).unwrap();
    let cutoff = 2016;
    let (base, _) =
        calibrate_world(&world, &reference, cutoff, &CalibrationSpec::default()).unwrap();

    let mut w = world.clone();
    for e in w.energy.iter_mut().filter(|e| e.year > cutoff) {
        e.price = e.price.map(|p| p * 3.0 + 17.0);
        e.reference_price = Some(999.0);
    }
    for t in w.trade.iter_mut().filter(|t| t.year > cutoff) {
        t.share = Some(0.01);
    }
    for s in w.sanctions.iter_mut().filter(|s| s.start.year > cutoff) {
        s.start.year = cutoff + 1;
    }
    let mut r = reference.clone();
    for p in r.points.iter_mut().filter(|p| p.year > cutoff) {
        p.usd_per_mmbtu *= 5.0;
    }
    let (moved, _) = calibrate_world(&w, &r, cutoff, &CalibrationSpec::default()).unwrap();
    assert_eq!(base, moved);

    // And a datum before the cutoff does change it (the test can fail).
    let mut w = world.clone();
    for e in w.energy.iter_mut().filter(|e| e.year == 2011) {
        e.price = e.price.map(|p| p * 0.5);
    }
    let (changed, _) =
        calibrate_world(&w, &reference, cutoff, &CalibrationSpec::default()).unwrap();
    assert_ne!(base.params, changed.params);
}

/// The built-in scenario's benchmark series is the fixture's EI German import price.
#[test]
fn the_scenario_benchmark_is_the_fixture_series() {
    use orbit_models::calibrate::{DEFAULT_BENCHMARK_SERIES, ReferenceSeries};
    let world = orbit_scenario::builtin().unwrap();
    let from_world = ReferenceSeries::from_world(&world, DEFAULT_BENCHMARK_SERIES).unwrap();
    let from_csv = parse_reference_csv(REFERENCE_CSV, DEFAULT_REFERENCE_SERIES).unwrap();
    assert_eq!(from_world.points.len(), from_csv.points.len());
    for (a, b) in from_world.points.iter().zip(&from_csv.points) {
        assert_eq!(a.year, b.year);
        assert!(
            (a.usd_per_mmbtu - b.usd_per_mmbtu).abs() < 1e-6,
            "{}",
            a.year
        );
    }
    assert!(matches!(
        ReferenceSeries::from_world(&world, "no-such-series"),
        Err(CalibrationError::NoReferenceSeries(_))
    ));
}
