//! The gas-price model: the asymmetric Nash bargaining price by hand, its bounds, the no-leak
//! rule of its backtest, and the built-in scenario's predictions.

use approx::assert_abs_diff_eq;
use orbit_models::gas_price::{
    GasPriceError, GasPriceOptions, backtest_prices, nash_price, predict,
};
use orbit_scenario::{Commodity, World};

fn union_state() -> World {
    orbit_scenario::builtin().unwrap()
}

#[test]
fn closed_form_by_hand() {
    // w_R = 3, w_B = 1 over [50, 200]: p* = (3·200 + 1·50)/4 = 162.5.
    assert_abs_diff_eq!(nash_price(50.0, 200.0, 3.0, 1.0), 162.5, epsilon = 1e-12);
    // Equal weights split the gap; all power to one side gives its best price.
    assert_abs_diff_eq!(nash_price(50.0, 200.0, 1.0, 1.0), 125.0, epsilon = 1e-12);
    assert_abs_diff_eq!(nash_price(50.0, 200.0, 1.0, 0.0), 200.0, epsilon = 1e-12);
    assert_abs_diff_eq!(nash_price(50.0, 200.0, 0.0, 2.0), 50.0, epsilon = 1e-12);
    // It maximises the weighted Nash product (p − p_low)^w_R (p_ref − p)^w_B on a fine grid.
    let (lo, hi, wr, wb) = (46.68, 230.0, 89.6, 8.6);
    let product = |p: f64| wr * (p - lo).ln() + wb * (hi - p).ln();
    let best = (1..100_000)
        .map(|k| lo + (hi - lo) * k as f64 / 100_000.0)
        .max_by(|a, b| product(*a).total_cmp(&product(*b)))
        .unwrap();
    assert_abs_diff_eq!(nash_price(lo, hi, wr, wb), best, epsilon = 1e-2);
}

#[test]
fn prediction_lies_between_floor_and_reference() {
    for (lo, hi) in [(0.0, 1.0), (46.68, 230.0), (100.0, 100.0), (127.0, 203.0)] {
        for wr in [0.0, 0.5, 1.0, 7.0, 130.0] {
            for wb in [0.0, 0.1, 8.6, 40.0] {
                if wr + wb == 0.0 {
                    continue;
                }
                let p = nash_price(lo, hi, wr, wb);
                assert!(
                    (lo - 1e-9..=hi + 1e-9).contains(&p),
                    "{lo} {hi} {wr} {wb}: {p}"
                );
            }
        }
    }
    let world = union_state();
    for year in [2006, 2012, 2020, 2022] {
        let p = predict(&world, year, &GasPriceOptions::default()).unwrap();
        assert!(
            p.floor <= p.price && p.price <= p.reference,
            "{year}: {p:?}"
        );
        assert_abs_diff_eq!(
            p.price,
            nash_price(p.floor, p.reference, p.supplier_weight, p.focus_weight),
            epsilon = 1e-9
        );
    }
    // Options override the scenario bounds; a floor above the reference is refused.
    let given = GasPriceOptions {
        reference: Some(300.0),
        floor: Some(60.0),
    };
    let p = predict(&world, 2012, &given).unwrap();
    assert_eq!((p.reference, p.floor), (300.0, 60.0));
    assert_eq!((p.reference_year, p.floor_year), (None, None));
    let bad = GasPriceOptions {
        reference: Some(50.0),
        floor: Some(60.0),
    };
    assert!(matches!(
        predict(&world, 2012, &bad),
        Err(GasPriceError::BadBounds { .. })
    ));
}

fn set_gas_prices(world: &mut World, years: impl Fn(i32) -> bool, price: f64) {
    let focus = world.meta.focus;
    for e in &mut world.energy {
        if e.commodity == Commodity::Gas
            && e.importer == focus
            && years(e.year)
            && e.price.is_some()
        {
            e.price = Some(price);
        }
    }
}

#[test]
fn no_leak_from_later_or_same_year_prices() {
    let world = union_state();
    let row = |w: &World, year: i32| {
        backtest_prices(w, &GasPriceOptions::default())
            .rows
            .into_iter()
            .find(|r| r.year == year)
            .unwrap()
    };
    let base = row(&world, 2015);
    assert!(base.model.is_some());
    // Every price recorded after 2015, and 2015's own, changed: the 2015 forecast is not.
    let mut later = world.clone();
    set_gas_prices(&mut later, |y| y >= 2015, 999.0);
    let moved = row(&later, 2015);
    assert_eq!(moved.model, base.model);
    assert_eq!(moved.persistence, base.persistence);
    assert_eq!(moved.ratio, base.ratio);
    assert_eq!(moved.prediction, base.prediction);
    assert_eq!(moved.recorded, 999.0);
    // A later reference price does not leak either (2019's 203 is after 2015).
    let mut later_ref = world.clone();
    for e in &mut later_ref.energy {
        if e.year > 2015 && e.reference_price.is_some() {
            e.reference_price = Some(1.0e4);
        }
    }
    assert_eq!(row(&later_ref, 2015).prediction, base.prediction);
    // The same change before 2015 does move it, so the check can fail.
    let mut earlier = world.clone();
    set_gas_prices(&mut earlier, |y| y < 2010, 20.0);
    assert_ne!(row(&earlier, 2015).model, base.model);
}

#[test]
fn union_state_predictions_for_the_years_with_data() {
    let world = union_state();
    let bt = backtest_prices(&world, &GasPriceOptions::default());
    let years: Vec<i32> = bt.rows.iter().map(|r| r.year).collect();
    for y in [
        2004, 2005, 2006, 2007, 2008, 2009, 2010, 2011, 2012, 2019, 2020, 2021, 2022,
    ] {
        assert!(years.contains(&y), "{y} missing from {years:?}");
    }
    for r in &bt.rows {
        if r.year < 2006 {
            // No reference price is on record before 2006: no prediction, with a note.
            assert!(r.model.is_none());
            assert!(bt.notes.iter().any(|n| n.starts_with(&r.year.to_string())));
            continue;
        }
        let p = r.prediction.as_ref().unwrap();
        assert_eq!(r.model, Some(p.price));
        assert_eq!((p.supplier.as_str(), p.focus.as_str()), ("RUS", "BLR"));
        assert!(p.floor_year.unwrap() < r.year);
        assert!(p.reference_year.unwrap() <= r.year);
        assert_abs_diff_eq!(r.model_error.unwrap(), (p.price - r.recorded).abs());
        assert!(r.persistence.is_some());
    }
    // 2006: the recorded reference ($230) and the 2004 floor ($46.68).
    let r06 = bt.rows.iter().find(|r| r.year == 2006).unwrap();
    let p06 = r06.prediction.as_ref().unwrap();
    assert_eq!((p06.reference, p06.floor), (230.0, 46.68));
    assert_eq!(r06.persistence, Some(46.68));
    // 2022: Yamal–Europe stopped, Belarus holds no counted transit, so Gazprom takes p_ref.
    let r22 = bt.rows.iter().find(|r| r.year == 2022).unwrap();
    assert_abs_diff_eq!(r22.model.unwrap(), 203.0, epsilon = 1e-9);
}
