//! Transit power: a hand-computed pipeline game, the example scenario, and the Union State
//! scenario's epochs.

use approx::assert_abs_diff_eq;
use orbit_models::games::{Link, Network, NetworkGame, Node, shapley_exact};
use orbit_models::transit::{LeftOutReason, TransitError, TransitOptions, epoch, epochs};

fn node(id: &str, owner: Option<usize>, supply: f64, demand: f64) -> Node {
    Node {
        id: id.into(),
        owner,
        supply,
        demand,
        value: 0.0,
    }
}

fn link(from: &str, to: &str, capacity: f64, owner: usize) -> Link {
    Link {
        from: from.into(),
        to: to.into(),
        capacity,
        owner: Some(owner),
        cost: 0.0,
    }
}

/// Russia (player 0) supplies 100; two parallel routes to Germany (held by nobody), through
/// Belarus (player 1, 30) and Ukraine (player 2, 50).
fn two_routes(demand: f64) -> Network {
    Network {
        players: vec!["RUS".into(), "BLR".into(), "UKR".into()],
        nodes: vec![
            node("ru", Some(0), 100.0, 0.0),
            node("by", Some(1), 0.0, 0.0),
            node("ua", Some(2), 0.0, 0.0),
            node("de", None, 0.0, demand),
        ],
        links: vec![
            link("ru", "by", 30.0, 1),
            link("by", "de", 30.0, 1),
            link("ru", "ua", 50.0, 2),
            link("ua", "de", 50.0, 2),
        ],
    }
}

#[test]
fn two_parallel_routes_by_hand() {
    // v(R,B) = 30, v(R,U) = 50, v(N) = 80, every other coalition 0. Over the six orders:
    // φ_R = (0+0+30+80+50+80)/6 = 40, φ_B = (30+30+0+0+30+0)/6 = 15, φ_U = (50+50+50)/6 = 25.
    let phi = shapley_exact(&NetworkGame::new(&two_routes(1000.0)).unwrap()).unwrap();
    for (got, want) in phi.iter().zip([40.0, 15.0, 25.0]) {
        assert_abs_diff_eq!(*got, want, epsilon = 1e-9);
    }
    // Demand 60 makes the routes substitutes: v(R,B) = 30, v(R,U) = 50, v(N) = 60.
    // φ_R = (0+0+30+60+50+60)/6 = 200/6, φ_B = (30+10+0+0+10+0)/6 = 50/6,
    // φ_U = (30+50+30)/6 = 110/6: Belarus loses most when its route is no longer needed.
    let phi = shapley_exact(&NetworkGame::new(&two_routes(60.0)).unwrap()).unwrap();
    for (got, want) in phi.iter().zip([200.0 / 6.0, 50.0 / 6.0, 110.0 / 6.0]) {
        assert_abs_diff_eq!(*got, want, epsilon = 1e-9);
    }
}

fn example() -> orbit_scenario::World {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/example.toml");
    orbit_scenario::load_file(std::path::Path::new(path)).unwrap()
}

#[test]
fn example_scenario_is_a_three_player_chain() {
    // Yamal-Europe RUS -> BLR -> POL, 33 bcm/yr: all three are needed, so each gets 11.
    let e = epoch(&example(), 2010, &TransitOptions::default()).unwrap();
    assert_eq!(e.players, ["RUS", "BLR", "POL"]);
    assert_abs_diff_eq!(e.grand_value, 33.0, epsilon = 1e-9);
    for r in &e.results {
        assert_abs_diff_eq!(r.shapley, 11.0, epsilon = 1e-9);
        assert_abs_diff_eq!(r.nucleolus.unwrap(), 11.0, epsilon = 1e-6);
    }
    assert_eq!(e.core_empty, Some(false));
    assert_abs_diff_eq!(e.focus_share, 1.0 / 3.0, epsilon = 1e-12);
    // Gazprom's section in Belarus is held by Belarus.
    assert_eq!(e.segments[0].owner, "GAZPROM");
    assert_eq!(e.segments[0].player, "BLR");
    // A documented export figure below capacity binds.
    let e = epoch(&example(), 2010, &TransitOptions { supply: Some(20.0) }).unwrap();
    assert_abs_diff_eq!(e.grand_value, 20.0, epsilon = 1e-9);
    // Closed in 2022: nothing stands at the end of the year.
    assert_eq!(
        epoch(&example(), 2022, &TransitOptions::default()),
        Err(TransitError::NoNetwork(2022))
    );
    assert!(matches!(
        epoch(&example(), 2010, &TransitOptions { supply: Some(-1.0) }),
        Err(TransitError::BadSupply(_))
    ));
}

#[test]
fn union_state_epochs() {
    let world = orbit_scenario::builtin().unwrap();
    let report = epochs(
        &world,
        &[2005, 2012, 2020, 2022],
        &TransitOptions::default(),
    )
    .unwrap();
    assert_eq!(report.focus, "BLR");
    assert_eq!(report.supplier, "RUS");
    let [e05, e12, e20, e22] = &report.epochs[..] else {
        panic!("four epochs")
    };
    for e in &report.epochs {
        // Efficiency, and the supplier first.
        let sum: f64 = e.results.iter().map(|r| r.shapley).sum();
        assert_abs_diff_eq!(sum, e.grand_value, epsilon = 1e-6);
        assert_eq!(e.players[0], "RUS");
        let nucleolus: f64 = e.results.iter().map(|r| r.nucleolus.unwrap()).sum();
        assert_abs_diff_eq!(nucleolus, e.grand_value, epsilon = 1e-6);
        // Every number traces back to the segments used, each with a source.
        assert!(e.segments.iter().all(|s| !s.source.is_empty()));
    }
    // 2005: Yamal-Europe 33 + Ukrainian GTS 146 + Blue Stream 16.
    assert_abs_diff_eq!(e05.grand_value, 195.0, epsilon = 1e-9);
    // Nord Stream 1 adds 55 bcm/yr and dilutes Belarus's share.
    assert_abs_diff_eq!(e12.grand_value, 250.0, epsilon = 1e-9);
    assert!(e12.focus_share < e05.focus_share);
    assert!(e05.focus_share > 0.02);
    // TurkStream adds 31.5.
    assert_abs_diff_eq!(e20.grand_value, 281.5, epsilon = 1e-9);
    assert!(e20.focus_share < e12.focus_share);
    // 2022: Yamal-Europe and Nord Stream 1 stopped; Belarus holds no route from Russia.
    assert!(e22.focus_share.abs() < 1e-9);
    assert!(!e22.segments.iter().any(|s| s.pipeline == "yamal-europe"));
    assert!(
        e22.left_out
            .iter()
            .any(|s| s.pipeline == "yamal-europe" && s.reason == LeftOutReason::NotInService)
    );
    // The Ukrainian exit to Slovakia has no capacity in the data.
    assert!(e05.left_out.iter().any(|s| s.pipeline == "ukrainian-gts"
        && s.to == "SVK"
        && s.reason == LeftOutReason::NoCapacity));
    assert_eq!(report.trend.len(), 4);
    assert!(report.trend.windows(2).all(|w| w[1].share <= w[0].share));
}

/// The Shapley-only path (the simulation's shocks, the calibration's covariate) gives
/// `epoch`'s Shapley shares and left-out segments bit for bit, and the same error where
/// there is no network, in every year of the built-in scenario.
#[test]
fn shapley_shares_are_the_epochs_bit_for_bit() {
    let world = orbit_scenario::builtin().unwrap();
    let options = TransitOptions::default();
    let mut solved = 0;
    for year in world.meta.years.first - 1..=world.meta.years.last + 1 {
        match (
            epoch(&world, year, &options),
            orbit_models::transit::shapley_shares(&world, year, &options),
        ) {
            (Ok(e), Ok(s)) => {
                let expected: Vec<(String, u64)> = e
                    .results
                    .iter()
                    .map(|r| (r.player.clone(), r.shapley_share.to_bits()))
                    .collect();
                let got: Vec<(String, u64)> = s
                    .shares
                    .iter()
                    .map(|(p, x)| (p.clone(), x.to_bits()))
                    .collect();
                assert_eq!(got, expected, "{year}");
                assert_eq!(s.left_out, e.left_out, "{year}");
                solved += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{year}"),
            (a, b) => panic!(
                "{year}: epoch {:?} but shapley_shares {:?}",
                a.is_ok(),
                b.is_ok()
            ),
        }
    }
    assert!(solved >= 20, "only {solved} years have a network");
}
