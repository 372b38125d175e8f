//! The patron–client bargain: a worked example by hand and its comparative statics.

use approx::assert_relative_eq;
use orbit_models::alliance_bargain::{BargainInputs, BargainParams, solve, target_price};
use proptest::prelude::*;

fn hand_params() -> BargainParams {
    BargainParams {
        beta: 0.4,
        v0: 0.3,
        v_tau: 1.0,
        v_kappa: 0.0,
        c_eps: 2.0,
        o_eps: 0.2,
        o_sigma: 0.1,
    }
}

fn hand_inputs(sanctions: f64) -> BargainInputs {
    BargainInputs {
        year: 2010,
        transit: 0.2,
        patron_conflict: 0.0,
        west_access: 0.25,
        sanctions,
    }
}

/// By hand: v = 0.3 + 1·0.2 = 0.5; c = 1 + 2·0.25 = 1.5; a* = v/c = 1/3;
/// (c/2)a*² = 0.75/9 = 1/12; S = v·a* − 1/12 = 1/12 (= v²/2c); β·S = 1/30.
/// Without sanctions o_C = 0.2·0.25 = 0.05 > 1/30 binds: U_C = 0.05, d = 0.05 + 1/12 = 2/15,
/// p = 300·(13/15) = 260. With one sanction o_C = max(0, 0.05 − 0.1) = 0: U_C = 1/30,
/// d = 1/30 + 1/12 = 7/60, p = 300·53/60 = 265.
#[test]
fn worked_example_by_hand() {
    let s = solve(&hand_params(), &hand_inputs(0.0)).unwrap();
    assert_relative_eq!(s.need, 0.5, epsilon = 1e-12);
    assert_relative_eq!(s.autonomy_cost, 1.5, epsilon = 1e-12);
    assert_relative_eq!(s.alignment, 1.0 / 3.0, epsilon = 1e-12);
    assert_relative_eq!(s.surplus, 1.0 / 12.0, epsilon = 1e-12);
    assert_relative_eq!(s.outside_option, 0.05, epsilon = 1e-12);
    assert!(s.outside_option_binds && !s.breakdown);
    assert_relative_eq!(s.client_payoff, 0.05, epsilon = 1e-12);
    assert_relative_eq!(s.discount, 2.0 / 15.0, epsilon = 1e-12);
    assert_relative_eq!(
        target_price(&hand_params(), &hand_inputs(0.0), 300.0).unwrap(),
        260.0,
        epsilon = 1e-9
    );

    let s = solve(&hand_params(), &hand_inputs(1.0)).unwrap();
    assert_relative_eq!(s.outside_option, 0.0, epsilon = 1e-12);
    assert!(!s.outside_option_binds);
    assert_relative_eq!(s.client_payoff, 1.0 / 30.0, epsilon = 1e-12);
    assert_relative_eq!(s.discount, 7.0 / 60.0, epsilon = 1e-12);
    assert_relative_eq!(
        target_price(&hand_params(), &hand_inputs(1.0), 300.0).unwrap(),
        265.0,
        epsilon = 1e-9
    );
}

/// o_C = 1·0.25 = 0.25 > S = 1/12: no bundle is acceptable, the reference price is paid.
#[test]
fn breakdown_when_the_outside_option_exceeds_the_surplus() {
    let p = BargainParams {
        o_eps: 1.0,
        ..hand_params()
    };
    let s = solve(&p, &hand_inputs(0.0)).unwrap();
    assert!(s.breakdown);
    assert_eq!((s.alignment, s.discount), (0.0, 0.0));
    assert_relative_eq!(target_price(&p, &hand_inputs(0.0), 300.0).unwrap(), 300.0);
}

/// v = 2.2 > c = 1.5: full alignment a* = 1, S = 2.2 − 0.75 = 1.45, d = 0.4·1.45 + 0.75 = 1.33,
/// capped at 1 (a free gift, never a negative price).
#[test]
fn corner_alignment_and_capped_discount() {
    let p = BargainParams {
        v0: 2.0,
        ..hand_params()
    };
    let s = solve(&p, &hand_inputs(0.0)).unwrap();
    assert_relative_eq!(s.alignment, 1.0);
    assert_relative_eq!(s.surplus, 1.45, epsilon = 1e-12);
    assert!(s.discount_capped);
    assert_relative_eq!(s.discount, 1.0);
}

/// The symmetric Nash bargain without outside options splits S equally (Nash 1950).
#[test]
fn symmetric_split_without_outside_options() {
    let p = BargainParams {
        beta: 0.5,
        o_eps: 0.0,
        o_sigma: 0.0,
        ..hand_params()
    };
    let s = solve(&p, &hand_inputs(0.0)).unwrap();
    assert_relative_eq!(s.client_payoff, s.surplus / 2.0, epsilon = 1e-12);
    let patron_payoff = s.need * s.alignment - s.discount;
    assert_relative_eq!(patron_payoff, s.surplus / 2.0, epsilon = 1e-12);
}

fn params() -> impl Strategy<Value = BargainParams> {
    (
        0.0..=1.0f64,
        0.0..2.0f64,
        0.0..3.0f64,
        0.0..1.0f64,
        0.0..5.0f64,
        0.0..1.0f64,
        0.0..0.2f64,
    )
        .prop_map(
            |(beta, v0, v_tau, v_kappa, c_eps, o_eps, o_sigma)| BargainParams {
                beta,
                v0,
                v_tau,
                v_kappa,
                c_eps,
                o_eps,
                o_sigma,
            },
        )
}

fn inputs() -> impl Strategy<Value = BargainInputs> {
    (0.0..=1.0f64, 0.0..3.0f64, 0.0..=1.0f64, 0.0..10.0f64).prop_map(
        |(transit, patron_conflict, west_access, sanctions)| BargainInputs {
            year: 2000,
            transit,
            patron_conflict,
            west_access,
            sanctions,
        },
    )
}

proptest! {
    /// More transit leverage never raises the price, and never lowers the alignment bought.
    #[test]
    fn more_transit_never_raises_the_price(p in params(), x in inputs(), more in 0.0..=1.0f64) {
        let more_transit = BargainInputs { transit: (x.transit + more).min(1.0), ..x };
        let base = solve(&p, &x).unwrap();
        let higher = solve(&p, &more_transit).unwrap();
        prop_assert!(higher.price_ratio() <= base.price_ratio() + 1e-12);
        prop_assert!(higher.alignment >= base.alignment - 1e-12);
    }

    /// A smaller outside option of the client (less access to the West, more sanctions) never
    /// lowers the alignment it concedes.
    #[test]
    fn smaller_outside_option_never_lowers_concessions(
        p in params(), x in inputs(), less_west in 0.0..=1.0f64, more_sanctions in 0.0..5.0f64,
    ) {
        let isolated = BargainInputs {
            west_access: (x.west_access - less_west).max(0.0),
            sanctions: x.sanctions + more_sanctions,
            ..x
        };
        let base = solve(&p, &x).unwrap();
        let weaker = solve(&p, &isolated).unwrap();
        prop_assert!(weaker.outside_option <= base.outside_option + 1e-12);
        prop_assert!(weaker.alignment >= base.alignment - 1e-12);
    }

    /// The solution is individually rational and inside its bounds.
    #[test]
    fn solution_is_bounded_and_individually_rational(p in params(), x in inputs()) {
        let s = solve(&p, &x).unwrap();
        prop_assert!((0.0..=1.0).contains(&s.discount));
        prop_assert!((0.0..=1.0).contains(&s.alignment));
        if !s.breakdown && !s.discount_capped {
            prop_assert!(s.client_payoff >= s.outside_option - 1e-12);
            let patron = s.need * s.alignment - s.discount;
            prop_assert!(patron >= -1e-12);
        }
    }
}
