//! Tests of the extensive-form engine (textbook games with known answers, normal-form
//! equilibria, Gambit round trips, located errors) and of the dispute games built from the
//! built-in scenario.

use orbit_models::disputes::{self, DisputeSettings, NetworkChoice};
use orbit_models::extensive::gambit::{GambitError, read_efg, read_nfg, write_efg, write_nfg};
use orbit_models::extensive::normal::{
    NormalForm, extreme_equilibria, pure_equilibria, reduced_normal_form,
};
use orbit_models::extensive::{Game, GameError, GameSpec, NodeKind, TreeSpec, backward_induction};

fn t(a: f64, b: f64) -> TreeSpec {
    TreeSpec::terminal("", vec![a, b])
}

fn game(players: [&str; 2], root: TreeSpec) -> Game {
    Game::new(&GameSpec {
        title: "test".into(),
        players: players.iter().map(|p| p.to_string()).collect(),
        root,
    })
    .unwrap()
}

/// Ultimatum game over 4 units in whole units: the proposer offers x, the responder accepts
/// (4 − x, x) or rejects (0, 0).
fn ultimatum(min_offer: u32) -> Game {
    let offers: Vec<(String, TreeSpec)> = (min_offer..=4)
        .map(|x| {
            let x = f64::from(x);
            (
                format!("offer {x}"),
                TreeSpec::decision(
                    format!("respond to {x}"),
                    "Responder",
                    vec![("accept", t(4.0 - x, x)), ("reject", t(0.0, 0.0))],
                ),
            )
        })
        .collect();
    game(
        ["Proposer", "Responder"],
        TreeSpec::decision(
            "propose",
            "Proposer",
            offers
                .iter()
                .map(|(a, n)| (a.as_str(), n.clone()))
                .collect(),
        ),
    )
}

/// Rosenthal's (1981) centipede in four moves: taking at move k ends the game; the pot
/// doubles each time it is passed.
fn centipede() -> Game {
    let payoffs = [(1.0, 0.0), (0.0, 2.0), (3.0, 1.0), (2.0, 4.0)];
    let mut tree = t(5.0, 3.0);
    for (k, &(a, b)) in payoffs.iter().enumerate().rev() {
        let mover = if k % 2 == 0 { "P1" } else { "P2" };
        tree = TreeSpec::decision(
            format!("move {}", k + 1),
            mover,
            vec![("take", t(a, b)), ("pass", tree)],
        );
    }
    game(["P1", "P2"], tree)
}

/// Selten's entry deterrence (one market): the entrant stays out (0, 2) or enters; the
/// incumbent fights (−1, −1) or accommodates (1, 1).
fn entry() -> Game {
    game(
        ["Entrant", "Incumbent"],
        TreeSpec::decision(
            "enter?",
            "Entrant",
            vec![
                ("out", t(0.0, 2.0)),
                (
                    "in",
                    TreeSpec::decision(
                        "respond",
                        "Incumbent",
                        vec![("fight", t(-1.0, -1.0)), ("accommodate", t(1.0, 1.0))],
                    ),
                ),
            ],
        ),
    )
}

fn bimatrix(a: &[&[f64]], b: &[&[f64]]) -> NormalForm {
    let m = a.len();
    let n = a[0].len();
    let mut payoffs = Vec::new();
    for j in 0..n {
        for i in 0..m {
            payoffs.push(a[i][j]);
            payoffs.push(b[i][j]);
        }
    }
    NormalForm::new(
        "bimatrix",
        vec!["Row".into(), "Column".into()],
        vec![
            (1..=m).map(|k| k.to_string()).collect(),
            (1..=n).map(|k| k.to_string()).collect(),
        ],
        payoffs,
    )
    .unwrap()
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-9)
}

fn has_equilibrium(
    eqs: &[orbit_models::extensive::normal::MixedEquilibrium],
    x: &[f64],
    y: &[f64],
) -> bool {
    eqs.iter()
        .any(|e| close(&e.strategies[0], x) && close(&e.strategies[1], y))
}

#[test]
fn ultimatum_proposer_offers_the_least_the_responder_accepts() {
    let spe = backward_induction(&ultimatum(1)).unwrap();
    let actions: Vec<&str> = spe.path.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["offer 1", "accept"]);
    assert_eq!(spe.payoffs, [3.0, 1.0]);
    assert!(spe.ties.is_empty());
    // With a zero offer allowed the responder is indifferent there: first action (accept)
    // is taken and the tie is reported.
    let spe = backward_induction(&ultimatum(0)).unwrap();
    assert_eq!(spe.path[0].action, "offer 0");
    assert_eq!(spe.payoffs, [4.0, 0.0]);
    assert_eq!(spe.ties.len(), 1);
    assert!(spe.ties[0].contains("offer 0"), "{:?}", spe.ties);
}

#[test]
fn centipede_unravels_to_taking_at_once() {
    let spe = backward_induction(&centipede()).unwrap();
    assert_eq!(spe.path.len(), 1);
    assert_eq!(spe.path[0].action, "take");
    assert_eq!(spe.payoffs, [1.0, 0.0]);
    // Every node takes.
    let g = centipede();
    for (v, node) in g.nodes.iter().enumerate() {
        if matches!(node.kind, NodeKind::Decision { .. }) {
            assert_eq!(spe.choice[v], Some(0), "node {}", node.path);
        }
    }
}

#[test]
fn entry_deterrence_threat_is_not_credible() {
    let spe = backward_induction(&entry()).unwrap();
    let actions: Vec<&str> = spe.path.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["in", "accommodate"]);
    assert_eq!(spe.payoffs, [1.0, 1.0]);
}

#[test]
fn chance_nodes_are_valued_at_their_expectation() {
    let g = game(
        ["A", "B"],
        TreeSpec::decision(
            "",
            "A",
            vec![
                ("safe", t(1.0, 0.0)),
                (
                    "gamble",
                    TreeSpec::chance(
                        "",
                        vec![("win", 0.25, t(5.0, 0.0)), ("lose", 0.75, t(0.0, 0.0))],
                    ),
                ),
            ],
        ),
    );
    let spe = backward_induction(&g).unwrap();
    assert_eq!(spe.path[0].action, "gamble");
    assert!(spe.path_ends_at_chance);
    assert!((spe.payoffs[0] - 1.25).abs() < 1e-12);
}

#[test]
fn entry_normal_form_and_its_extreme_equilibria() {
    let form = reduced_normal_form(&entry()).unwrap();
    assert_eq!(form.strategies, [vec!["1", "2"], vec!["1", "2"]]);
    let eqs = extreme_equilibria(&form).unwrap();
    // (in, accommodate), (out, fight), and the end of the component (out, ½ fight).
    assert_eq!(eqs.len(), 3, "{eqs:?}");
    assert!(has_equilibrium(&eqs, &[0.0, 1.0], &[0.0, 1.0]));
    assert!(has_equilibrium(&eqs, &[1.0, 0.0], &[1.0, 0.0]));
    assert!(has_equilibrium(&eqs, &[1.0, 0.0], &[0.5, 0.5]));
    assert_eq!(pure_equilibria(&form), vec![vec![0, 0], vec![1, 1]]);
}

#[test]
fn matching_pennies_has_one_mixed_equilibrium() {
    let form = bimatrix(&[&[1.0, -1.0], &[-1.0, 1.0]], &[&[-1.0, 1.0], &[1.0, -1.0]]);
    let eqs = extreme_equilibria(&form).unwrap();
    assert_eq!(eqs.len(), 1);
    assert!(has_equilibrium(&eqs, &[0.5, 0.5], &[0.5, 0.5]));
    assert!(close(&eqs[0].payoffs, &[0.0, 0.0]));
    assert!(pure_equilibria(&form).is_empty());
}

#[test]
fn battle_of_the_sexes_has_two_pure_and_one_mixed() {
    let form = bimatrix(&[&[2.0, 0.0], &[0.0, 1.0]], &[&[1.0, 0.0], &[0.0, 2.0]]);
    let eqs = extreme_equilibria(&form).unwrap();
    assert_eq!(eqs.len(), 3);
    assert!(has_equilibrium(&eqs, &[1.0, 0.0], &[1.0, 0.0]));
    assert!(has_equilibrium(&eqs, &[0.0, 1.0], &[0.0, 1.0]));
    assert!(has_equilibrium(
        &eqs,
        &[2.0 / 3.0, 1.0 / 3.0],
        &[1.0 / 3.0, 2.0 / 3.0]
    ));
    let mixed = eqs
        .iter()
        .find(|e| e.strategies[0][0] > 0.1 && e.strategies[0][0] < 0.9)
        .unwrap();
    assert!(close(&mixed.payoffs, &[2.0 / 3.0, 2.0 / 3.0]));
}

#[test]
fn degenerate_game_lists_every_extreme_equilibrium() {
    // von Stengel (2002), §2.6: the 3×2 example with the column player's payoffs against the
    // top row made equal (3, 3), so the game is degenerate. Hand-computed: against top the
    // column player is indifferent, and top stays a best reply while y2 ≤ 1/3, giving the
    // segment from (top, left) to (top, (2/3, 1/3)); and the mixed ((0, 1/3, 2/3), (1/3, 2/3)).
    let form = bimatrix(
        &[&[3.0, 3.0], &[2.0, 5.0], &[0.0, 6.0]],
        &[&[3.0, 3.0], &[2.0, 6.0], &[3.0, 1.0]],
    );
    let eqs = extreme_equilibria(&form).unwrap();
    assert_eq!(eqs.len(), 3, "{eqs:?}");
    assert!(has_equilibrium(&eqs, &[1.0, 0.0, 0.0], &[1.0, 0.0]));
    assert!(has_equilibrium(
        &eqs,
        &[1.0, 0.0, 0.0],
        &[2.0 / 3.0, 1.0 / 3.0]
    ));
    assert!(has_equilibrium(
        &eqs,
        &[0.0, 1.0 / 3.0, 2.0 / 3.0],
        &[1.0 / 3.0, 2.0 / 3.0]
    ));
    // The non-degenerate original (column payoffs (3, 2) against top) has three isolated ones.
    let form = bimatrix(
        &[&[3.0, 3.0], &[2.0, 5.0], &[0.0, 6.0]],
        &[&[3.0, 2.0], &[2.0, 6.0], &[3.0, 1.0]],
    );
    let eqs = extreme_equilibria(&form).unwrap();
    assert_eq!(eqs.len(), 3, "{eqs:?}");
    assert!(has_equilibrium(&eqs, &[1.0, 0.0, 0.0], &[1.0, 0.0]));
    assert!(has_equilibrium(
        &eqs,
        &[0.8, 0.2, 0.0],
        &[2.0 / 3.0, 1.0 / 3.0]
    ));
    assert!(has_equilibrium(
        &eqs,
        &[0.0, 1.0 / 3.0, 2.0 / 3.0],
        &[1.0 / 3.0, 2.0 / 3.0]
    ));
}

#[test]
fn imperfect_information_reduced_strategies() {
    // P1 moves L/R; P2 does not see it (one information set); after L, P1 moves again.
    let p2 = |a: TreeSpec, b: TreeSpec| TreeSpec::decision_in("h", "P2", vec![("l", a), ("r", b)]);
    let g = game(
        ["P1", "P2"],
        TreeSpec::decision(
            "",
            "P1",
            vec![
                (
                    "L",
                    p2(
                        TreeSpec::decision("", "P1", vec![("a", t(3.0, 1.0)), ("b", t(0.0, 0.0))]),
                        t(0.0, 2.0),
                    ),
                ),
                ("R", p2(t(1.0, 1.0), t(2.0, 0.0))),
            ],
        ),
    );
    assert!(!g.is_perfect_information());
    assert!(matches!(
        backward_induction(&g),
        Err(GameError::NotPerfectInformation(_))
    ));
    let form = reduced_normal_form(&g).unwrap();
    // P1: L-a, L-b, R-* ; P2: l, r.
    assert_eq!(form.strategies[0], ["11", "12", "2*"]);
    assert_eq!(form.strategies[1], ["1", "2"]);
    assert_eq!(form.payoff(&[0, 0], 0), 3.0);
    assert_eq!(form.payoff(&[2, 1], 0), 2.0);
}

fn same_game(a: &Game, b: &Game) {
    assert_eq!(a.players, b.players);
    assert_eq!(a.nodes.len(), b.nodes.len());
    for (x, y) in a.nodes.iter().zip(&b.nodes) {
        // Repeated labels come back with ` #k` (Gambit wants them unique).
        let base = y.name.rsplit_once(" #").map_or(y.name.as_str(), |(b, _)| b);
        assert_eq!(x.name, base);
        assert_eq!(x.kind, y.kind, "at {}", x.path);
    }
    assert_eq!(a.infosets.len(), b.infosets.len());
    for (x, y) in a.infosets.iter().zip(&b.infosets) {
        assert_eq!(
            (x.player, &x.actions, &x.members),
            (y.player, &y.actions, &y.members)
        );
    }
}

#[test]
fn efg_round_trip_keeps_every_node() {
    for g in [ultimatum(0), centipede(), entry()] {
        let text = write_efg(&g);
        assert!(text.starts_with("EFG 2 R \"test\" {"));
        let back = read_efg(&text).unwrap();
        same_game(&g, &back);
        assert_eq!(write_efg(&back), text);
    }
    // A game with chance, information sets and awkward labels and numbers.
    let g = game(
        ["P \"one\"", "P2"],
        TreeSpec::chance(
            "nature",
            vec![
                (
                    "h",
                    0.1,
                    TreeSpec::decision_in(
                        "set",
                        "P2",
                        vec![("x", t(0.1, -1e-7)), ("y", t(1e15, 2.5))],
                    ),
                ),
                (
                    "t",
                    0.9,
                    TreeSpec::decision_in(
                        "set",
                        "P2",
                        vec![("x", t(-3.0, 0.0)), ("y", t(1.0 / 3.0, 7.0))],
                    ),
                ),
            ],
        ),
    );
    let back = read_efg(&write_efg(&g)).unwrap();
    same_game(&g, &back);
}

#[test]
fn efg_reads_gambit_conventions() {
    // Rationals, decimals without a leading zero, outcomes reused by number, an outcome at a
    // non-terminal node (added below it), actions given only at the first member of a set.
    let text = r#"EFG 2 R "conventions" { "Player 1" "Player 2" }
"a comment"

c "" 1 "" { "1G" 1/2 "1B" 1/2 } 0
p "" 1 1 "(1,1)" { "H" "L" } 1 "bonus" { 1, 0 }
t "" 2 "Outcome 2" { .80, 1.60 }
t "" 3 "Outcome 3" { -2, 4 }
p "" 1 1 "(1,1)" 0
t "" 2
t "" 3
"#;
    let g = read_efg(text).unwrap();
    assert_eq!(g.infosets.len(), 1);
    let payoffs: Vec<Vec<f64>> = g
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::Terminal { payoffs } => Some(payoffs.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        payoffs,
        [
            vec![1.8, 1.6],
            vec![-1.0, 4.0],
            vec![0.8, 1.6],
            vec![-2.0, 4.0]
        ]
    );
}

#[test]
fn nfg_round_trip_and_payoff_version() {
    let form = reduced_normal_form(&entry()).unwrap();
    let text = write_nfg(&form);
    assert!(text.starts_with("NFG 1 R"));
    assert_eq!(read_nfg(&text).unwrap(), form);
    // The payoff version (no strategy labels), player 1 varying fastest.
    let pennies =
        read_nfg("NFG 1 R \"pennies\" { \"1\" \"2\" } { 2 2 }\n1 -1 -1 1 -1 1 1 -1\n").unwrap();
    assert_eq!(pennies.payoff(&[1, 0], 0), -1.0);
    assert_eq!(pennies.payoff(&[0, 1], 1), 1.0);
    let eqs = extreme_equilibria(&pennies).unwrap();
    assert!(has_equilibrium(&eqs, &[0.5, 0.5], &[0.5, 0.5]));
}

fn syntax_at(result: Result<impl std::fmt::Debug, GambitError>) -> (usize, usize, String) {
    match result {
        Err(GambitError::Syntax {
            line,
            column,
            message,
        }) => (line, column, message),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn bad_gambit_files_get_located_errors() {
    let (l, c, m) = syntax_at(read_efg(
        "EFG 2 R \"x\" { \"a\" }\n\np \"\" 1 1 \"\" { \"L\" } 0\nt \"\" 1 \"o\" { 1 2 }\n",
    ));
    assert_eq!((l, c), (4, 12), "{m}");
    assert!(m.contains("2 payoffs"), "{m}");
    let (l, c, _) = syntax_at(read_efg(
        "EFG 2 R \"x\" { \"a\" }\np \"\" 2 1 \"\" { \"L\" } 0\n",
    ));
    assert_eq!((l, c), (2, 6));
    let (l, _, m) = syntax_at(read_efg(
        "EFG 2 R \"x\" { \"a\" }\np \"\" 1 1 \"\" { \"L\" \"R\" } 0\nt \"\" 0\n",
    ));
    assert_eq!(l, 4, "{m}");
    assert!(m.contains("ends before"), "{m}");
    let (l, c, m) = syntax_at(read_efg("EFG 3 R \"x\" { \"a\" }"));
    assert_eq!((l, c), (1, 5));
    assert!(m.contains("version"));
    let (l, c, _) = syntax_at(read_nfg("NFG 1 R \"x\" { \"a\" \"b\" } { 2 2 }\n1 2 3 x"));
    assert_eq!((l, c), (2, 7));
    let (_, _, m) = syntax_at(read_efg("EFG 2 R \"unterminated"));
    assert!(m.contains("unterminated"));
    assert!(matches!(
        read_efg(
            "EFG 2 R \"x\" { \"a\" }\nc \"\" 1 \"\" { \"h\" 1/2 \"t\" 1/3 } 0\nt \"\" 0\nt \"\" 0\n"
        ),
        Err(GambitError::Game(GameError::BadProbabilities { .. }))
    ));
    // Random bytes never panic.
    let alphabet = b"EFGNp ct{}\"12/.-,R\n";
    for seed in 0u64..200 {
        let text: String = (0..64u64)
            .map(|k| {
                let x = (seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(k.wrapping_mul(1442695040888963407))
                    >> 33)
                    % alphabet.len() as u64;
                alphabet[x as usize] as char
            })
            .collect();
        let _ = read_efg(&text);
        let _ = read_nfg(&text);
    }
}

#[test]
fn game_spec_errors_name_the_node() {
    let bad = GameSpec {
        title: String::new(),
        players: vec!["A".into(), "B".into()],
        root: TreeSpec::decision(
            "",
            "A",
            vec![("x", t(1.0, 2.0)), ("y", TreeSpec::terminal("", vec![1.0]))],
        ),
    };
    match Game::new(&bad) {
        Err(GameError::PayoffCount {
            at,
            expected: 2,
            got: 1,
        }) => assert_eq!(at, "root / \"y\""),
        other => panic!("{other:?}"),
    }
    let bad = GameSpec {
        title: String::new(),
        players: vec!["A".into()],
        root: TreeSpec::decision("", "Z", vec![("x", TreeSpec::terminal("", vec![1.0]))]),
    };
    assert!(matches!(
        Game::new(&bad),
        Err(GameError::UnknownPlayer { .. })
    ));
    let json = r#"{"players":["A","B"],"root":{"type":"decision","player":"A","moves":[{"action":"x","child":{"type":"terminal","payoffs":[1,2]}},{"action":"x","child":{"type":"terminal","payoffs":[1,2]}}]}}"#;
    let spec: GameSpec = serde_json::from_str(json).unwrap();
    assert!(matches!(
        Game::new(&spec),
        Err(GameError::DuplicateAction { .. })
    ));
}

// ---- the dispute games ----

fn world() -> orbit_scenario::World {
    orbit_scenario::builtin().expect("built-in scenario")
}

#[test]
fn every_episode_builds_from_the_scenario_with_derived_figures() {
    let w = world();
    for episode in disputes::EPISODES {
        let inputs = disputes::inputs(&w, episode, NetworkChoice::AsRecorded).unwrap();
        assert!(inputs.stake > 0.0, "{episode}");
        assert!(
            inputs.volume > 0.0
                && inputs.price_before > 0.0
                && inputs.reference_price >= inputs.price_before
        );
        assert!(inputs.transit_at_risk > 0.0 && inputs.transit_at_risk <= inputs.deliverable);
        for symbol in ["S", "V", "p0", "p_ref", "W"] {
            let f = inputs
                .figures
                .iter()
                .find(|f| f.symbol == symbol)
                .unwrap_or_else(|| panic!("{episode}: no {symbol}"));
            assert!(!f.derivation.is_empty() && f.value.is_finite());
        }
        let g = disputes::central_game(&w, episode).unwrap();
        assert!(g.game.is_perfect_information());
        assert_eq!(g.terms.len(), g.game.terminal_count());
        let spe = backward_induction(&g.game).unwrap();
        assert!(!spe.path.is_empty());
    }
}

#[test]
fn the_2004_stake_is_the_sourced_200m() {
    let w = world();
    let inputs = disputes::inputs(&w, "2004", NetworkChoice::AsRecorded).unwrap();
    assert_eq!(inputs.stake, 200.0);
    assert_eq!(
        inputs.rungs.iter().map(|r| r.cut).collect::<Vec<_>>(),
        [0.3, 1.0, 1.0]
    );
    let inputs = disputes::inputs(&w, "2010", NetworkChoice::AsRecorded).unwrap();
    assert_eq!((inputs.stake, inputs.counterclaim), (192.0, 260.0));
}

#[test]
fn counterfactual_networks_change_the_transit_at_risk() {
    let w = world();
    for episode in disputes::EPISODES {
        let base = disputes::inputs(&w, episode, NetworkChoice::AsRecorded).unwrap();
        let ns = disputes::inputs(&w, episode, NetworkChoice::WithNordStream).unwrap();
        let no_yamal = disputes::inputs(&w, episode, NetworkChoice::WithoutYamal).unwrap();
        assert!(
            ns.transit_at_risk / ns.deliverable < base.transit_at_risk / base.deliverable,
            "{episode}"
        );
        assert!(no_yamal.transit_at_risk < base.transit_at_risk, "{episode}");
    }
}

#[test]
fn monte_carlo_is_the_same_on_one_and_two_threads() {
    let w = world();
    let inputs = disputes::inputs(&w, "2010", NetworkChoice::AsRecorded).unwrap();
    let ranges = disputes::uncertain_ranges(&w);
    let settings = DisputeSettings {
        draws: 200,
        seed: 7,
    };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| disputes::monte_carlo(&inputs, &ranges, &settings).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    let total: usize = one.iter().map(|p| p.draws).sum();
    assert_eq!(total, 200);
    let other_seed = disputes::monte_carlo(
        &inputs,
        &ranges,
        &DisputeSettings {
            draws: 200,
            seed: 8,
        },
    )
    .unwrap();
    assert_eq!(other_seed.iter().map(|p| p.draws).sum::<usize>(), 200);
}

#[test]
fn dispute_games_survive_the_gambit_round_trip() {
    let w = world();
    for episode in disputes::EPISODES {
        let g = disputes::central_game(&w, episode).unwrap();
        let back = read_efg(&write_efg(&g.game)).unwrap();
        same_game(&g.game, &back);
        let spe = backward_induction(&g.game).unwrap();
        // The subgame-perfect payoffs are a Nash equilibrium's payoffs of the normal form.
        let form = reduced_normal_form(&g.game).unwrap();
        assert_eq!(read_nfg(&write_nfg(&form)).unwrap(), form);
        let pure = pure_equilibria(&form);
        assert!(
            pure.iter()
                .any(|p| { close(&[form.payoff(p, 0), form.payoff(p, 1)], &spe.payoffs) }),
            "{episode}"
        );
    }
}

#[test]
fn episode_analysis_compares_with_the_record() {
    let w = world();
    let report = disputes::disputes(
        &w,
        &[],
        &DisputeSettings {
            draws: 100,
            seed: 13,
        },
    )
    .unwrap();
    assert_eq!(report.episodes.len(), 3);
    for e in &report.episodes {
        assert!(e.recorded.length >= 4);
        assert!(e.common_prefix <= e.solution.length.min(e.recorded.length));
        let share: f64 = e.monte_carlo.iter().map(|p| p.share).sum();
        assert!((share - 1.0).abs() < 1e-12);
        assert_eq!(e.counterfactuals.len(), 2);
    }
    assert!(matches!(
        disputes::disputes(&w, &["1999".to_string()], &DisputeSettings::default()),
        Err(disputes::DisputeError::UnknownEpisode(_))
    ));
}
