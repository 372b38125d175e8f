//! Integration tests of `orbit_models::bargaining` against the reference data copied into
//! `tests/data/bargaining` at the repository root (sources named in `tests/data/README.md`).

use std::path::PathBuf;

use orbit_models::bargaining::{
    Actor, BargainingError, BargainingInput, EumOptions, OfferKind, StopReason, StopRule, Variant,
    baselines, compromise, median_voter, nash_bargaining, run_eum, validate, weighted_median,
};
use proptest::prelude::*;

fn data_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/bargaining")
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
    let mut worst: f64 = 0.0;
    for row in &rows[1..] {
        let t: usize = row[0].parse().unwrap();
        let round = &result.rounds[t];
        assert_eq!(round.round, t);
        let mean = num(&row[1]);
        for (a, cell) in row[2..].iter().enumerate() {
            worst = worst.max((round.positions[a] - num(cell)).abs());
        }
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
    // The stated tolerance of `scholz2011` (help text, docs): every position within 1e-14 of
    // the published run (measured: 7.1e-15, from the order in which the prefix-sum table adds
    // the votes; the reference code adds them voter by voter).
    assert!(worst <= 1e-14, "largest deviation {worst:e}");
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

// ---------------------------------------------------------------------------------------------
// Baselines

fn input_of(actors: &[(&str, f64, f64, f64)]) -> BargainingInput {
    BargainingInput::new(
        actors
            .iter()
            .map(|&(name, c, x, s)| Actor::new(name, c, x, s))
            .collect(),
    )
}

#[test]
fn ec_baselines_by_hand() {
    // Weights w = c·s: NL .064, BE .032, LU .006, DE .128, FR .096, IT .096, UK .144, IE .005,
    // DK .050, GR .056; Σw = .677.
    // Σw·x = 4·(.064+.006+.128+.050) + 7·(.032+.005+.056) + 10·(.096+.096+.144)
    //      = 4·.248 + 7·.093 + 10·.336 = .992 + .651 + 3.360 = 5.003
    // compromise = 5.003 / .677 = 7.389955686853767...
    // weighted median: cumulative weight .248 at 4 (< .3385 = half), .341 at 7 (≥ half) → 7.
    // median voter: f(a) = Σ w|x − a|: f(4) = .093·3 + .336·6 = 2.295, f(7) = .248·3 + .336·3
    // = 1.752, f(10) = .248·6 + .093·3 = 1.767; M(7, b) = f(b) − f(7) > 0 for b = 4, 10 → 7.
    let input = ec_input();
    let b = baselines(&input).unwrap();
    assert!((b.compromise - 5.003 / 0.677).abs() < 1e-12);
    assert!((b.compromise - 7.389955686853767).abs() < 1e-12);
    assert_eq!(b.weighted_median, 7.0);
    assert_eq!(b.median_voter, 7.0);
    assert_eq!(b.nash, None);
    assert_eq!(compromise(&input).unwrap(), b.compromise);
    assert_eq!(weighted_median(&input).unwrap(), 7.0);
    assert_eq!(median_voter(&input).unwrap(), 7.0);
    assert_eq!(
        nash_bargaining(&input),
        Err(BargainingError::MissingStatusQuo)
    );
}

#[test]
fn central_tendency_expected_table() {
    let rows = read_csv("central_tendency_expected.csv");
    assert_eq!(
        &rows[0][..4],
        [
            "dataset",
            "weighted_mean",
            "weighted_median",
            "median_voter_bdm"
        ]
    );
    let mut checked = 0;
    for row in &rows[1..] {
        let input = match row[0].as_str() {
            "bdm1994_ec_emissions_actors.csv" => ec_input(),
            "greece_eu_2015_actors.csv" => {
                // Saliences there are on 0–100; dividing all of them by 100 scales every weight
                // c·s by the same factor, which changes neither the mean nor the median.
                let table = read_csv("greece_eu_2015_actors.csv");
                assert_eq!(table[0], ["actor", "capability", "position", "salience"]);
                BargainingInput::new(
                    table[1..]
                        .iter()
                        .map(|r| Actor::new(&r[0], num(&r[1]), num(&r[2]), num(&r[3]) / 100.0))
                        .collect(),
                )
            }
            other => panic!("unexpected dataset {other}"),
        };
        let b = baselines(&input).unwrap();
        assert!((b.compromise - num(&row[1])).abs() < 1e-9, "{row:?}");
        assert_eq!(b.weighted_median, num(&row[2]), "{row:?}");
        if !row[3].is_empty() {
            assert_eq!(b.median_voter, num(&row[3]), "{row:?}");
        }
        checked += 1;
    }
    assert_eq!(checked, 2);
}

#[test]
fn greece_by_hand() {
    // c·s (saliences /100): Greece 100, USA 30, IMF 20, Juncker 10, Germany 80, France 70,
    // Dijsselbloem 28, Tusk 28, Italy 50, ECB 14, Spain 20; total 450.
    // Σ w x = 40·100 + 60·30 + 70·20 + 80·10 + 100·(80+70+28+28+50+14+20) = 4000 + 1800 + 1400
    // + 800 + 29000 = 37000 → mean 37000/450 = 82.2222...; cumulative weight reaches 225 only
    // at 100 (160 at 80) → weighted median 100.
    let input = input_of(&[
        ("Greece", 100.0, 40.0, 1.0),
        ("USA", 30.0, 60.0, 1.0),
        ("IMF", 20.0, 70.0, 1.0),
        ("Juncker", 10.0, 80.0, 1.0),
        ("Germany", 100.0, 100.0, 0.8),
        ("France", 70.0, 100.0, 1.0),
        ("Dijsselbloem", 70.0, 100.0, 0.4),
        ("Tusk", 70.0, 100.0, 0.4),
        ("Italy", 50.0, 100.0, 1.0),
        ("ECB", 20.0, 100.0, 0.7),
        ("Spain", 20.0, 100.0, 1.0),
    ]);
    assert!((compromise(&input).unwrap() - 37000.0 / 450.0).abs() < 1e-9);
    assert_eq!(weighted_median(&input).unwrap(), 100.0);
    assert_eq!(median_voter(&input).unwrap(), 100.0);
}

#[test]
fn median_tie_rule() {
    // Weights A 1 at 0, B .5 at 1, C .5 at 4; total 2, half 1.
    // Weighted median: cumulative 1 at 0 reaches half → 0.
    // f(0) = .5·1 + .5·4 = 2.5, f(1) = 1·1 + .5·3 = 2.5, f(4) = 4 + 1.5 = 5.5: 0 and 1 tie (zero
    // margin). Mean = (0 + .5 + 2)/2 = 1.25; the tied position closest to it is 1.
    let input = input_of(&[
        ("A", 1.0, 0.0, 1.0),
        ("B", 1.0, 1.0, 0.5),
        ("C", 1.0, 4.0, 0.5),
    ]);
    assert_eq!(weighted_median(&input).unwrap(), 0.0);
    assert_eq!(median_voter(&input).unwrap(), 1.0);
    // Two equal weights at 1 and 3: tie, mean 2 equidistant → the lower, 1.
    let input = input_of(&[("A", 1.0, 1.0, 1.0), ("B", 1.0, 3.0, 1.0)]);
    assert_eq!(weighted_median(&input).unwrap(), 1.0);
    assert_eq!(median_voter(&input).unwrap(), 1.0);
}

#[test]
fn nash_by_hand() {
    // d = 0, A at 10, B at 20, weights 1 and 1. Gains (quadratic loss):
    // g_A = 10² − (x − 10)² = x(20 − x), g_B = 20² − (x − 20)² = x(40 − x).
    // Maximise 2 ln x + ln(20 − x) + ln(40 − x): 2/x = 1/(20 − x) + 1/(40 − x)
    // ⇔ 4x² − 180x + 1600 = 0 ⇔ x² − 45x + 400 = 0 ⇒ x = (45 − √425)/2 = 12.19224...
    let mut input = input_of(&[("A", 1.0, 10.0, 1.0), ("B", 2.0, 20.0, 0.5)]);
    input.status_quo = Some(0.0);
    let expected = (45.0 - 425f64.sqrt()) / 2.0;
    assert!((nash_bargaining(&input).unwrap() - expected).abs() < 1e-9);
    assert_eq!(
        baselines(&input).unwrap().nash,
        nash_bargaining(&input).ok()
    );

    // Weights 1 and 3: 4/x = 1/(20 − x) + 3/(40 − x) ⇔ 8x² − 340x + 3200 = 0
    // ⇔ x² − 42.5x + 400 = 0 ⇒ x = (42.5 − √206.25)/2 = 14.06930...
    let mut input = input_of(&[("A", 1.0, 10.0, 1.0), ("B", 3.0, 20.0, 1.0)]);
    input.status_quo = Some(0.0);
    let expected = (42.5 - 206.25f64.sqrt()) / 2.0;
    assert!((nash_bargaining(&input).unwrap() - expected).abs() < 1e-9);

    // Mirror image: everything negated gives the negated solution.
    let mut mirrored = input_of(&[("A", 1.0, -10.0, 1.0), ("B", 3.0, -20.0, 1.0)]);
    mirrored.status_quo = Some(0.0);
    assert!((nash_bargaining(&mirrored).unwrap() + expected).abs() < 1e-9);

    // Status quo between the actors: nothing is unanimously better, so x* = d.
    let mut inside = input_of(&[("A", 1.0, 10.0, 1.0), ("B", 3.0, 20.0, 1.0)]);
    inside.status_quo = Some(15.0);
    assert_eq!(nash_bargaining(&inside).unwrap(), 15.0);

    // Far-away status quo: the NBS tends to the compromise model (Achen 2006).
    let mut far = ec_input();
    far.status_quo = Some(-1e7);
    let nbs = nash_bargaining(&far).unwrap();
    assert!((nbs - 7.389955686853767).abs() < 1e-4, "{nbs}");
    // And it stays between the nearest and farthest positions for any d below them.
    for d in [-100.0, 0.0, 3.0, 3.999] {
        far.status_quo = Some(d);
        let nbs = nash_bargaining(&far).unwrap();
        assert!((4.0..=10.0).contains(&nbs), "d = {d}: {nbs}");
    }
}

// ---------------------------------------------------------------------------------------------
// Validation

#[test]
fn validation_names_the_actor() {
    let ok = || input_of(&[("A", 1.0, 0.0, 0.5), ("B", 1.0, 1.0, 0.5)]);
    assert_eq!(validate(&ok()), Ok(()));

    let one = input_of(&[("A", 1.0, 0.0, 0.5)]);
    assert_eq!(
        validate(&one),
        Err(BargainingError::TooFewActors { count: 1 })
    );

    let mut dup = ok();
    dup.actors[1].name = "A".into();
    let err = validate(&dup).unwrap_err();
    assert!(err.to_string().contains("`A`"), "{err}");

    type Spoil = fn(&mut Actor);
    let cases: [(Spoil, &str); 6] = [
        (|a| a.capability = f64::NAN, "capability"),
        (|a| a.position = f64::INFINITY, "position"),
        (|a| a.salience = f64::NEG_INFINITY, "salience"),
        (|a| a.capability = -0.1, "negative capability"),
        (|a| a.salience = 1.5, "salience outside"),
        (|a| a.salience = -0.01, "salience outside"),
    ];
    for (spoil, words) in cases {
        let mut input = ok();
        spoil(&mut input.actors[1]);
        let err = validate(&input).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`B`") && text.contains(words), "{text}");
    }

    let same = input_of(&[("A", 1.0, 2.0, 0.5), ("B", 1.0, 2.0, 0.5)]);
    let err = validate(&same).unwrap_err();
    assert!(matches!(err, BargainingError::AllPositionsEqual { ref actor, .. } if actor == "A"));

    let zero = input_of(&[("A", 0.0, 0.0, 0.5), ("B", 1.0, 1.0, 0.0)]);
    assert!(matches!(
        validate(&zero),
        Err(BargainingError::BadTotalWeight { .. })
    ));

    let mut off = ok();
    off.scale = Some((0.0, 0.5));
    let err = validate(&off).unwrap_err();
    assert!(err.to_string().contains("`B`"), "{err}");
    let mut bad_scale = ok();
    bad_scale.scale = Some((1.0, 0.0));
    assert!(matches!(
        validate(&bad_scale),
        Err(BargainingError::InvalidScale { .. })
    ));
    let mut bad_sq = ok();
    bad_sq.status_quo = Some(f64::NAN);
    assert!(matches!(
        validate(&bad_sq),
        Err(BargainingError::InvalidStatusQuo { .. })
    ));

    // Every model entry point validates first.
    assert!(run_eum(&same, &EumOptions::default()).is_err());
    assert!(baselines(&same).is_err());
    let bad_options = EumOptions {
        status_quo_prob: 1.5,
        ..EumOptions::default()
    };
    assert!(matches!(
        run_eum(&ok(), &bad_options),
        Err(BargainingError::InvalidOption { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// EUM, `bdm` variant and stop rules

#[test]
fn ec_bdm_runs_and_converges() {
    let input = ec_input();
    let result = run_eum(&input, &EumOptions::default()).unwrap();
    assert_eq!(result.variant, Variant::Bdm);
    assert!(matches!(
        result.stop,
        StopReason::Converged { .. } | StopReason::FixedPoint
    ));
    assert_eq!(result.forecast, result.rounds.last().unwrap().median);
    assert_eq!(result.rounds[0].median, 7.0);
    // The bdm forecast on the EC case is the initial median voter, 7.
    assert_eq!(result.forecast, 7.0);
    for round in &result.rounds {
        for x in &round.positions {
            assert!((4.0..=10.0).contains(x));
        }
    }
    // Offers are recorded by round, then receiver in input order.
    for pair in result.offers.windows(2) {
        assert!((pair[0].round, pair[0].to_index) < (pair[1].round, pair[1].to_index));
    }
    let quiet = EumOptions {
        record_offers: false,
        ..EumOptions::default()
    };
    let result2 = run_eum(&input, &quiet).unwrap();
    assert!(result2.offers.is_empty());
    assert_eq!(result2.rounds, result.rounds);
}

#[test]
fn stop_rules() {
    let input = ec_input();
    let fixed = EumOptions {
        stop: StopRule::FixedRounds(3),
        ..EumOptions::default()
    };
    let result = run_eum(&input, &fixed).unwrap();
    assert_eq!(result.rounds.len(), 4);
    assert_eq!(result.stop, StopReason::RoundsCompleted);

    let zero = EumOptions {
        stop: StopRule::FixedRounds(0),
        ..EumOptions::default()
    };
    let result = run_eum(&input, &zero).unwrap();
    assert_eq!(result.rounds.len(), 1);
    assert_eq!(result.forecast, 7.0);

    // Three actors that all end at 0 after two rounds (C moves to A, B to C's old position,
    // then B to A); round 3 repeats round 2.
    let trio = input_of(&[
        ("A", 1.0, 0.0, 0.9),
        ("B", 1.0, 2.0, 0.5),
        ("C", 0.5, 1.0, 0.5),
    ]);
    let repeated = EumOptions {
        stop: StopRule::RepeatedState { max_rounds: 50 },
        ..EumOptions::default()
    };
    let result = run_eum(&trio, &repeated).unwrap();
    assert_eq!(
        result.stop,
        StopReason::Repeated {
            first_round: 2,
            period: 1
        }
    );
    assert_eq!(result.final_positions(), [0.0, 0.0, 0.0]);
    match result.stop {
        StopReason::Repeated {
            first_round,
            period,
        } => {
            let last = result.rounds.len() - 1;
            assert_eq!(first_round + period, last);
            assert_eq!(
                result.rounds[first_round].positions,
                result.rounds[last].positions
            );
        }
        other => panic!("expected a repeated state, got {other:?}"),
    }
    let result = run_eum(&trio, &EumOptions::default()).unwrap();
    assert_eq!(result.stop, StopReason::FixedPoint);
    assert_eq!(result.rounds.len(), 4);

    // Two actors: B compromises by the same fraction of the (shrinking) range every round, so
    // positions never repeat exactly, but the movement ratio decays geometrically.
    let pair = input_of(&[("A", 1.0, 0.0, 0.9), ("B", 0.2, 1.0, 0.3)]);
    let result = run_eum(&pair, &EumOptions::default()).unwrap();
    match result.stop {
        StopReason::Converged { ratio } => assert!(ratio < 0.02),
        other => panic!("expected convergence, got {other:?}"),
    }
    let result = run_eum(&pair, &repeated).unwrap();
    assert_eq!(result.stop, StopReason::MaxRounds);
    assert_eq!(result.rounds.len(), 51);
}

#[test]
fn bdm_with_q_below_one_stays_in_range() {
    let input = ec_input();
    let options = EumOptions {
        status_quo_prob: 0.5,
        improvement_prob: 0.3,
        stop: StopRule::FixedRounds(10),
        ..EumOptions::default()
    };
    let result = run_eum(&input, &options).unwrap();
    for round in &result.rounds {
        for x in &round.positions {
            assert!((4.0..=10.0).contains(x));
        }
    }
}

/// A deterministic synthetic issue large enough to use the parallel code paths.
fn synthetic(n: usize, seed: u64) -> BargainingInput {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    BargainingInput::new(
        (0..n)
            .map(|i| {
                Actor::new(
                    format!("actor{i}"),
                    0.05 + next(),
                    (100.0 * next()).round(),
                    0.1 + 0.9 * next(),
                )
            })
            .collect(),
    )
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let input = synthetic(150, 7);
    for variant in [Variant::Bdm, Variant::Scholz2011] {
        let options = EumOptions {
            variant,
            stop: StopRule::FixedRounds(4),
            ..EumOptions::default()
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run_eum(&input, &options).unwrap())
        };
        let one = run(1);
        let two = run(2);
        let three = run(3);
        assert_eq!(one, two);
        assert_eq!(one, three);
        assert!(!one.offers.is_empty());
    }
}

#[test]
fn large_issue_stays_in_range() {
    let input = synthetic(300, 11);
    for variant in [Variant::Bdm, Variant::Scholz2011] {
        let options = EumOptions {
            variant,
            stop: StopRule::FixedRounds(3),
            ..EumOptions::default()
        };
        let result = run_eum(&input, &options).unwrap();
        for round in &result.rounds {
            assert!(round.positions.iter().all(|x| (0.0..=100.0).contains(x)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

fn actors_strategy() -> impl Strategy<Value = BargainingInput> {
    proptest::collection::vec(
        (
            0.0f64..2.0,
            prop_oneof![(0u8..6).prop_map(f64::from), -3.0f64..3.0],
            0.0f64..=1.0,
        ),
        2..9,
    )
    .prop_map(|rows| {
        BargainingInput::new(
            rows.into_iter()
                .enumerate()
                .map(|(i, (c, x, s))| Actor::new(format!("actor{i}"), c, x, s))
                .collect(),
        )
    })
    .prop_filter("valid input", |input| validate(input).is_ok())
}

fn in_initial_range(input: &BargainingInput, variant: Variant) -> Result<(), TestCaseError> {
    let (lo, hi) = input.position_range();
    let options = EumOptions {
        variant,
        stop: StopRule::FixedRounds(8),
        ..EumOptions::default()
    };
    let result = run_eum(input, &options).unwrap();
    for round in &result.rounds {
        for x in &round.positions {
            prop_assert!((lo..=hi).contains(x), "{x} outside [{lo}, {hi}]");
        }
        prop_assert!((lo..=hi).contains(&round.median));
        prop_assert!(round.mean >= lo - 1e-12 && round.mean <= hi + 1e-12);
    }
    prop_assert!((lo..=hi).contains(&result.forecast));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn positions_stay_in_initial_range_bdm(input in actors_strategy()) {
        in_initial_range(&input, Variant::Bdm)?;
    }

    #[test]
    fn positions_stay_in_initial_range_scholz(input in actors_strategy()) {
        in_initial_range(&input, Variant::Scholz2011)?;
    }

    #[test]
    fn bdm_forecast_is_permutation_invariant(
        input in actors_strategy(),
        shuffle in any::<proptest::sample::Index>(),
        rotate in any::<proptest::sample::Index>(),
    ) {
        let options = EumOptions {
            stop: StopRule::RelativeChange { threshold: 0.02, max_rounds: 30 },
            ..EumOptions::default()
        };
        let reference = run_eum(&input, &options).unwrap();
        // A permutation: swap two actors, then rotate.
        let mut permuted = input.clone();
        let n = permuted.actors.len();
        permuted.actors.swap(0, shuffle.index(n));
        permuted.actors.rotate_left(rotate.index(n));
        let other = run_eum(&permuted, &options).unwrap();
        prop_assert_eq!(reference.forecast, other.forecast);
        prop_assert_eq!(reference.rounds.len(), other.rounds.len());
        prop_assert_eq!(reference.stop, other.stop);
        for t in 0..reference.rounds.len() {
            prop_assert_eq!(reference.position_map(t), other.position_map(t));
        }
        // The baselines are order-free too.
        let a = baselines(&input).unwrap();
        let b = baselines(&permuted).unwrap();
        prop_assert_eq!(a.weighted_median, b.weighted_median);
        prop_assert_eq!(a.median_voter, b.median_voter);
        prop_assert!((a.compromise - b.compromise).abs() <= 1e-12 * (1.0 + a.compromise.abs()));
    }

    #[test]
    fn nothing_panics_on_arbitrary_floats(
        rows in proptest::collection::vec(
            (0u8..4, any::<f64>(), any::<f64>(), any::<f64>()),
            0..6,
        ),
        status_quo in proptest::option::of(any::<f64>()),
        scale in proptest::option::of((any::<f64>(), any::<f64>())),
    ) {
        let input = BargainingInput {
            actors: rows
                .into_iter()
                .map(|(name, c, x, s)| Actor::new(format!("a{name}"), c, x, s))
                .collect(),
            status_quo,
            scale,
        };
        if validate(&input).is_ok() {
            for variant in [Variant::Bdm, Variant::Scholz2011] {
                let options = EumOptions {
                    variant,
                    stop: StopRule::FixedRounds(3),
                    ..EumOptions::default()
                };
                let result = run_eum(&input, &options).unwrap();
                prop_assert_eq!(result.rounds.len(), 4);
            }
            let _ = baselines(&input).unwrap();
        }
    }

    #[test]
    fn nothing_panics_on_valid_extremes(
        rows in proptest::collection::vec(
            (
                prop_oneof![Just(0.0), Just(f64::MIN_POSITIVE), Just(1e300), 0.0f64..1.0],
                prop_oneof![Just(-1e300), Just(1e300), Just(0.0), Just(5e-324), -1.0f64..1.0],
                prop_oneof![Just(0.0), Just(1.0), 0.0f64..=1.0],
            ),
            2..6,
        ),
        q in 0.0f64..=1.0,
    ) {
        let input = BargainingInput::new(
            rows.into_iter()
                .enumerate()
                .map(|(i, (c, x, s))| Actor::new(format!("a{i}"), c, x, s))
                .collect(),
        );
        if validate(&input).is_ok() {
            for stop in [
                StopRule::FixedRounds(3),
                StopRule::RepeatedState { max_rounds: 5 },
                StopRule::RelativeChange { threshold: 0.5, max_rounds: 5 },
            ] {
                let options = EumOptions { stop, status_quo_prob: q, ..EumOptions::default() };
                let _ = run_eum(&input, &options).unwrap();
            }
            let _ = run_eum(&input, &EumOptions::scholz2011()).unwrap();
        }
    }
}

/// Defect 13: `A,1,0,1` / `B,1e308,10,1` gave a compromise of `inf`. Weights are brought to a
/// common power-of-two scale first, so every model gives a finite answer, the one it gives for
/// the same table with capabilities divided by 2^1000 (only ratios matter).
#[test]
fn huge_capabilities_give_finite_answers_equal_to_the_scaled_tables() {
    let table = |big: f64| {
        let mut input = BargainingInput::new(vec![
            Actor::new("A", 1.0, 0.0, 1.0),
            Actor::new("B", big, 10.0, 1.0),
        ]);
        input.status_quo = Some(-1.0);
        input
    };
    let huge = table(1e308);
    let small = {
        let mut t = table(1e308);
        for a in &mut t.actors {
            a.capability *= 2f64.powi(-1000);
        }
        t
    };
    let c = compromise(&huge).unwrap();
    assert!(c.is_finite() && (c - 10.0).abs() < 1e-12, "compromise {c}");
    assert_eq!(c.to_bits(), compromise(&small).unwrap().to_bits());
    for (name, f) in [
        (
            "weighted_median",
            weighted_median as fn(&BargainingInput) -> Result<f64, BargainingError>,
        ),
        ("median_voter", median_voter),
        ("nash_bargaining", nash_bargaining),
    ] {
        let (a, b) = (f(&huge).unwrap(), f(&small).unwrap());
        assert!(a.is_finite(), "{name}: {a}");
        assert_eq!(a.to_bits(), b.to_bits(), "{name}");
    }
    for options in [EumOptions::default(), EumOptions::scholz2011()] {
        let (a, b) = (
            run_eum(&huge, &options).unwrap(),
            run_eum(&small, &options).unwrap(),
        );
        assert!(a.forecast.is_finite());
        assert!(
            a.rounds
                .iter()
                .all(|r| r.mean.is_finite() && r.median.is_finite())
        );
        assert_eq!(a, b);
    }
    // Two capabilities of 1e308 sum to infinity unscaled; they are a valid table all the same.
    let mut two = table(1e308);
    two.actors[0].capability = 1e308;
    assert_eq!(compromise(&two).unwrap(), 5.0);
}

/// Scaling every capability by a power of two changes no bit of any model (the scaling of
/// large capabilities relies on it).
#[test]
fn power_of_two_capability_scale_changes_no_bit() {
    let input = ec_input();
    for exponent in [-300, -70, 70, 300] {
        let mut scaled = input.clone();
        for a in &mut scaled.actors {
            a.capability *= 2f64.powi(exponent);
        }
        assert_eq!(
            compromise(&input).unwrap().to_bits(),
            compromise(&scaled).unwrap().to_bits()
        );
        assert_eq!(
            median_voter(&input).unwrap().to_bits(),
            median_voter(&scaled).unwrap().to_bits()
        );
        for options in [EumOptions::default(), EumOptions::scholz2011()] {
            assert_eq!(
                run_eum(&input, &options).unwrap(),
                run_eum(&scaled, &options).unwrap()
            );
        }
    }
}
