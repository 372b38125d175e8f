//! Tests of the cooperative-game engine against literature games, hand-computed games,
//! the Shapley axioms (proptest), and brute-force min cuts for network games.

use approx::assert_abs_diff_eq;
use orbit_models::games::*;
use proptest::prelude::*;

const LITERATURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/data/games/literature_games.csv"
);

fn frac(s: &str) -> f64 {
    match s.split_once('/') {
        Some((a, b)) => a.trim().parse::<f64>().unwrap() / b.trim().parse::<f64>().unwrap(),
        None => s.trim().parse().unwrap(),
    }
}

fn vector(s: &str) -> Option<Vec<f64>> {
    if s.trim().is_empty() {
        None
    } else {
        Some(s.split(',').map(frac).collect())
    }
}

fn assert_vec(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "{what}: got {got:?}, want {want:?}");
    }
}

/// Bankruptcy game `v(S) = max(0, E − Σ_{i∉S} d_i)` (O'Neill 1982).
fn bankruptcy(claims: &[f64], estate: f64) -> DenseGame {
    let n = claims.len();
    DenseGame::from_fn(n, |m| {
        let outside: f64 = (0..n).filter(|i| m >> i & 1 == 0).map(|i| claims[i]).sum();
        (estate - outside).max(0.0)
    })
    .unwrap()
}

/// Glove game: `v(S) = min(#left, #right)`.
fn glove(n: usize, left: u64) -> DenseGame {
    DenseGame::from_fn(n, |m| {
        let l = (m & left).count_ones();
        let r = (m & !left).count_ones();
        l.min(r) as f64
    })
    .unwrap()
}

/// A row of the literature CSV. The `talmud_*` rows hold a `;` inside `bankruptcy(...)`,
/// which shifts their later columns by one: `fields` are realigned here.
struct Row {
    name: String,
    v_lex: String,
    shapley: String,
    nucleolus: String,
    prenucleolus: String,
}

fn literature() -> Vec<Row> {
    let text = std::fs::read_to_string(LITERATURE).expect("literature_games.csv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("name;") && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            let k = usize::from(f[2].starts_with("bankruptcy("));
            Row {
                name: f[0].into(),
                v_lex: f[2].into(),
                shapley: f[3 + k].into(),
                nucleolus: f[4 + k].into(),
                prenucleolus: f[5 + k].into(),
            }
        })
        .collect()
}

fn literature_game(row: &Row) -> Option<DenseGame> {
    if row.v_lex.starts_with("bankruptcy(d=100,200,300") {
        let estate = frac(row.name.trim_start_matches("talmud_E"));
        return Some(bankruptcy(&[100.0, 200.0, 300.0], estate));
    }
    if row.name == "glove_L1_R23" {
        return Some(glove(3, 0b001));
    }
    if row.name == "airport_any" {
        return None; // formula only: see `airport_game_matches_littlechild_owen`
    }
    Some(DenseGame::from_lex(&vector(&row.v_lex).unwrap()).unwrap())
}

#[test]
fn literature_games_shapley_and_nucleolus() {
    let rows = literature();
    assert_eq!(rows.len(), 15);
    let (mut shapleys, mut nucleoli, mut prenucleoli) = (0, 0, 0);
    for row in &rows {
        let Some(game) = literature_game(row) else {
            continue;
        };
        if let Some(want) = vector(&row.shapley) {
            let got = shapley_exact(&game).unwrap();
            assert_vec(&got, &want, 1e-6, &format!("{} Shapley", row.name));
            shapleys += 1;
        }
        if let Some(want) = vector(&row.nucleolus) {
            let got = nucleolus(&game).unwrap();
            assert_vec(
                &got.allocation,
                &want,
                1e-6,
                &format!("{} nucleolus", row.name),
            );
            nucleoli += 1;
        }
        if let Some(want) = vector(&row.prenucleolus) {
            let got = prenucleolus(&game).unwrap();
            let what = format!("{} prenucleolus", row.name);
            assert_vec(&got.allocation, &want, 1e-6, &what);
            prenucleoli += 1;
        }
    }
    assert_eq!((shapleys, nucleoli, prenucleoli), (11, 7, 5));
}

#[test]
fn airport_game_matches_littlechild_owen() {
    // Littlechild & Owen (1973): φ_k = Σ_{j≤k} (c_j − c_{j−1})/(n − j + 1), c ascending.
    let c = [1.0, 3.0, 4.0, 8.0, 9.5];
    let n = c.len();
    let game = DenseGame::from_fn(n, |m| {
        (0..n)
            .filter(|i| m >> i & 1 == 1)
            .map(|i| c[i])
            .fold(0.0, f64::max)
    })
    .unwrap();
    let mut want = vec![0.0; n];
    for k in 0..n {
        let mut prev = 0.0;
        for j in 0..=k {
            want[k] += (c[j] - prev) / (n - j) as f64;
            prev = c[j];
        }
    }
    assert_vec(&shapley_exact(&game).unwrap(), &want, 1e-12, "airport");
}

#[test]
fn lexicographic_order() {
    assert_eq!(
        lex_masks(3),
        vec![0b001, 0b010, 0b100, 0b011, 0b101, 0b110, 0b111]
    );
    assert_eq!(
        lex_masks(4)[4..10],
        [0b0011, 0b0101, 0b1001, 0b0110, 0b1010, 0b1100]
    );
    assert_eq!(lex_masks(4)[10..14], [0b0111, 0b1011, 0b1101, 0b1110]);
    for n in 1..=8 {
        let masks = lex_masks(n);
        assert_eq!(masks.len(), (1 << n) - 1);
        let mut sorted = masks.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), masks.len());
        let values: Vec<f64> = (0..masks.len()).map(|k| k as f64 + 1.0).collect();
        let game = DenseGame::from_lex(&values).unwrap();
        assert_eq!(game.to_lex(), values);
        // The same order as coopgame, which documents the literature convention.
        let cg = coopgame::ExplicitGame::from_lex(&values).unwrap();
        assert_eq!(cg.values(), game.values());
    }
    // Taxi game (coopgt): v(12) = 12 is the first pair.
    let taxi = DenseGame::from_lex(&[6.0, 12.0, 42.0, 12.0, 42.0, 42.0, 42.0]).unwrap();
    assert_eq!(taxi.value(0b011), 12.0);
    assert_eq!(taxi.value(0b100), 42.0);
}

#[test]
fn hand_games() {
    // Glove game with one left and two right gloves: the core is {(1, 0, 0)}.
    let g = glove(3, 0b001);
    let lc = least_core(&g).unwrap();
    assert!(!lc.core_empty);
    assert_vec(
        &nucleolus(&g).unwrap().allocation,
        &[1.0, 0.0, 0.0],
        1e-9,
        "glove nucleolus",
    );
    // 3-player majority: empty core, least core ε* = 1/3 at (1/3, 1/3, 1/3).
    let maj = DenseGame::from_lex(&[0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]).unwrap();
    let lc = least_core(&maj).unwrap();
    assert!(lc.core_empty);
    assert_abs_diff_eq!(lc.epsilon, 1.0 / 3.0, epsilon = 1e-9);
    assert!(core_is_empty(&maj).unwrap());
    assert_vec(
        &nucleolus(&maj).unwrap().allocation,
        &[1.0 / 3.0; 3],
        1e-9,
        "majority",
    );
    // Convex game of coopgt: (3,3,3) in the core.
    let convex = DenseGame::from_lex(&[1.0, 1.0, 1.0, 4.0, 4.0, 4.0, 9.0]).unwrap();
    assert!(!core_is_empty(&convex).unwrap());
}

#[test]
fn banzhaf_gambarelli() {
    let g = DenseGame::from_lex(&[0.0, 0.0, 0.0, 1.0, 2.0, 1.0, 3.0]).unwrap();
    let b = banzhaf(&g).unwrap();
    assert_vec(&b.raw, &[1.25, 0.75, 1.25], 1e-12, "Banzhaf raw");
    let idx = b.index.unwrap();
    assert_vec(
        &idx,
        &[1.25 / 3.25, 0.75 / 3.25, 1.25 / 3.25],
        1e-12,
        "index",
    );
    let norm = b.normalized.unwrap();
    assert_abs_diff_eq!(norm.iter().sum::<f64>(), 3.0, epsilon = 1e-12);
}

#[test]
fn errors() {
    assert!(matches!(
        DenseGame::from_masks(2, vec![0.0, 1.0, f64::NAN, 2.0]),
        Err(GameError::NonFiniteValue { .. })
    ));
    assert!(matches!(
        DenseGame::from_masks(2, vec![1.0, 1.0, 1.0, 2.0]),
        Err(GameError::NonZeroEmpty(_))
    ));
    assert!(matches!(
        DenseGame::from_lex(&[1.0, 2.0]),
        Err(GameError::NotAPowerOfTwo(2))
    ));
    let big = FnGame::new(40, |m| m.count_ones() as f64).unwrap();
    assert!(matches!(
        shapley_exact(&big),
        Err(GameError::TooManyPlayers { .. })
    ));
    let lazy_nan = FnGame::new(3, |m| {
        if m == 5 {
            f64::INFINITY
        } else {
            1.0 * m as f64
        }
    })
    .unwrap();
    assert!(matches!(
        shapley_exact(&lazy_nan),
        Err(GameError::NonFiniteValue { .. })
    ));
    let n17 = FnGame::new(17, |m| m.count_ones() as f64).unwrap();
    assert!(matches!(
        nucleolus(&n17),
        Err(GameError::TooManyPlayers { .. })
    ));
    let over = DenseGame::from_lex(&[2.0, 2.0, 1.0]).unwrap();
    assert!(matches!(
        nucleolus(&over),
        Err(GameError::EmptyImputationSet { .. })
    ));
    // Auto falls back to sampling above 20 players; sampling works above 63 players too.
    let big = FnGame::new(30, |m| m.count_ones() as f64).unwrap();
    let s = shapley(&big, &ShapleyOptions::default()).unwrap();
    assert_eq!(s.method, ShapleyMethod::Sampled);
    assert_vec(&s.values, &[1.0; 30], 1e-12, "additive game");

    let mut net = small_network();
    net.links[0].capacity = -1.0;
    assert!(matches!(
        NetworkGame::new(&net),
        Err(GameError::Negative { .. })
    ));
    let mut net = small_network();
    net.links[1].to = "nowhere".into();
    assert!(matches!(
        NetworkGame::new(&net),
        Err(GameError::UnknownNode { .. })
    ));
    let mut net = small_network();
    net.nodes[0].owner = Some(9);
    assert!(matches!(
        NetworkGame::new(&net),
        Err(GameError::UnknownOwner { .. })
    ));
}

fn node(id: &str, owner: Option<usize>, supply: f64, demand: f64) -> Node {
    Node {
        id: id.into(),
        owner,
        supply,
        demand,
        value: 0.0,
    }
}

fn link(from: &str, to: &str, capacity: f64, owner: Option<usize>) -> Link {
    Link {
        from: from.into(),
        to: to.into(),
        capacity,
        owner,
        cost: 0.0,
    }
}

/// Producer R (player 0) → transit B (player 1) or U (player 2) → market E (unowned).
fn small_network() -> Network {
    Network {
        players: vec!["RU".into(), "BY".into(), "UA".into()],
        nodes: vec![
            node("R", Some(0), 100.0, 0.0),
            node("B", Some(1), 0.0, 0.0),
            node("U", Some(2), 0.0, 0.0),
            node("E", None, 0.0, 80.0),
        ],
        links: vec![
            link("R", "B", 30.0, Some(0)),
            link("B", "E", 40.0, Some(1)),
            link("R", "U", 60.0, Some(0)),
            link("U", "E", 60.0, None),
        ],
    }
}

#[test]
fn transit_network_values() {
    let game = NetworkGame::new(&small_network()).unwrap();
    assert_eq!(game.value(0b001), 0.0);
    assert_eq!(game.value(0b011), 30.0);
    assert_eq!(game.value(0b101), 60.0);
    assert_eq!(game.value(0b111), 80.0);
    assert_eq!(game.value(0b110), 0.0);
    let phi = shapley_exact(&game).unwrap();
    assert_abs_diff_eq!(phi.iter().sum::<f64>(), 80.0, epsilon = 1e-9);
    // Tabulated and lazy evaluation agree.
    let dense = DenseGame::tabulate(&game).unwrap();
    assert_vec(&shapley_exact(&dense).unwrap(), &phi, 1e-12, "tabulated");
}

/// Min cut by enumerating every s–t cut of the coalition's sub-network.
fn brute_min_cut(net: &Network, coalition: u64) -> f64 {
    let m = net.nodes.len();
    let owned = |o: Option<usize>| o.is_none_or(|p| coalition >> p & 1 == 1);
    let idx = |id: &str| net.nodes.iter().position(|x| x.id == id).unwrap();
    let usable: Vec<bool> = net.nodes.iter().map(|x| owned(x.owner)).collect();
    let mut best = f64::INFINITY;
    for side in 0..1u32 << m {
        // side bit j = node j on the source side.
        let src = |j: usize| side >> j & 1 == 1;
        let mut cut = 0.0;
        for (j, x) in net.nodes.iter().enumerate() {
            if !usable[j] {
                continue;
            }
            if !src(j) {
                cut += x.supply;
            } else {
                cut += x.demand;
            }
        }
        for l in &net.links {
            let (a, b) = (idx(&l.from), idx(&l.to));
            if usable[a] && usable[b] && owned(l.owner) && src(a) && !src(b) {
                cut += l.capacity;
            }
        }
        best = best.min(cut);
    }
    best
}

fn arb_network() -> impl Strategy<Value = Network> {
    (2usize..=6, 1usize..=3).prop_flat_map(|(m, n)| {
        let nodes = prop::collection::vec((prop::option::of(0..n), 0u8..4, 0u8..4, 0u8..3), m);
        let links = prop::collection::vec((0..m, 0..m, 0u8..10, prop::option::of(0..n)), 0..=12);
        (nodes, links).prop_map(move |(nodes, links)| Network {
            players: (0..n).map(|p| format!("p{p}")).collect(),
            nodes: nodes
                .into_iter()
                .enumerate()
                .map(|(j, (owner, kind, s, d))| Node {
                    id: format!("n{j}"),
                    owner,
                    supply: if kind & 1 == 1 { s as f64 * 2.5 } else { 0.0 },
                    demand: if kind & 2 == 2 {
                        d as f64 * 3.0 + 1.0
                    } else {
                        0.0
                    },
                    value: (s + d) as f64 * 1.25,
                })
                .collect(),
            links: links
                .into_iter()
                .filter(|(a, b, _, _)| a != b)
                .map(|(a, b, c, owner)| Link {
                    from: format!("n{a}"),
                    to: format!("n{b}"),
                    capacity: c as f64 * 1.5,
                    owner,
                    cost: (c % 4) as f64 * 0.75,
                })
                .collect(),
        })
    })
}

/// A random dense game with `n` players and integer-ish values.
fn arb_game(max_n: usize) -> impl Strategy<Value = DenseGame> {
    (1..=max_n).prop_flat_map(|n| {
        prop::collection::vec(-10.0..10.0f64, 1 << n).prop_map(move |mut v| {
            v[0] = 0.0;
            DenseGame::from_masks(n, v).unwrap()
        })
    })
}

/// Maximum-profit flow by LP (microlp): an oracle independent of the flow algorithm.
fn lp_surplus(net: &Network, coalition: u64) -> f64 {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    let owned = |o: Option<usize>| o.is_none_or(|p| coalition >> p & 1 == 1);
    let idx = |id: &str| net.nodes.iter().position(|x| x.id == id).unwrap();
    let m = net.nodes.len();
    let mut lp = Problem::new(OptimizationDirection::Maximize);
    // Per node: terms of (inflow − outflow).
    let mut balance: Vec<Vec<(microlp::Variable, f64)>> = vec![Vec::new(); m];
    for (j, x) in net.nodes.iter().enumerate() {
        if !owned(x.owner) {
            continue;
        }
        let s = lp.add_var(0.0, (0.0, x.supply));
        balance[j].push((s, 1.0));
        let d = lp.add_var(x.value, (0.0, x.demand));
        balance[j].push((d, -1.0));
    }
    for l in &net.links {
        let (a, b) = (idx(&l.from), idx(&l.to));
        if owned(net.nodes[a].owner) && owned(net.nodes[b].owner) && owned(l.owner) {
            let f = lp.add_var(-l.cost, (0.0, l.capacity));
            balance[a].push((f, -1.0));
            balance[b].push((f, 1.0));
        }
    }
    for terms in balance.into_iter().filter(|t| !t.is_empty()) {
        lp.add_constraint(terms, ComparisonOp::Eq, 0.0);
    }
    match lp.solve().unwrap() {
        microlp::SolveOutcome::Solution(sol) => sol.objective(),
        other => panic!("LP did not solve: {other:?}"),
    }
}

#[test]
fn transit_network_surplus() {
    // Unit value 1 and zero costs: the surplus game is the max-flow game.
    let mut net = small_network();
    net.nodes[3].value = 1.0;
    let flow = NetworkGame::new(&net).unwrap();
    let surplus = NetworkGame::surplus(&net).unwrap();
    for s in 0..8 {
        assert_abs_diff_eq!(flow.value(s), surplus.value(s), epsilon = 1e-9);
    }
    // Value 10 at E, the route through B costs 2 per unit, through U 12 (unprofitable).
    net.links[1].cost = 2.0;
    net.links[3].cost = 12.0;
    let surplus = NetworkGame::surplus(&net).unwrap();
    net.nodes[3].value = 10.0;
    let surplus10 = NetworkGame::surplus(&net).unwrap();
    // At value 1 both routes lose money: the surplus is 0.
    assert_abs_diff_eq!(surplus.value(0b111), 0.0, epsilon = 1e-9);
    assert_abs_diff_eq!(surplus10.value(0b111), 30.0 * 8.0, epsilon = 1e-9);
    assert_abs_diff_eq!(surplus10.value(0b101), 0.0, epsilon = 1e-9);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn network_surplus_is_lp_optimum(net in arb_network()) {
        let game = NetworkGame::surplus(&net).unwrap();
        for s in 0..1u64 << game.n() {
            let got = game.value(s);
            let want = lp_surplus(&net, s);
            prop_assert!((got - want).abs() < 1e-6, "S={s:b}: flow {got} LP {want}");
        }
    }

    #[test]
    fn network_value_is_min_cut(net in arb_network()) {
        let game = NetworkGame::new(&net).unwrap();
        for s in 0..1u64 << game.n() {
            let flow = game.value(s);
            let cut = brute_min_cut(&net, s);
            prop_assert!((flow - cut).abs() < 1e-9, "S={s:b}: flow {flow} cut {cut}");
        }
    }

    #[test]
    fn shapley_efficiency(g in arb_game(6)) {
        let phi = shapley_exact(&g).unwrap();
        let grand = g.value((1 << g.n()) - 1);
        prop_assert!((phi.iter().sum::<f64>() - grand).abs() < 1e-9);
    }

    #[test]
    fn shapley_symmetry(g in arb_game(6)) {
        prop_assume!(g.n() >= 2);
        // Symmetrise players 0 and 1: v'(S) = v(S) + v(σS).
        let swap = |m: u64| (m & !0b11) | ((m & 1) << 1) | ((m >> 1) & 1);
        let s = DenseGame::from_fn(g.n(), |m| g.value(m) + g.value(swap(m))).unwrap();
        let phi = shapley_exact(&s).unwrap();
        prop_assert!((phi[0] - phi[1]).abs() < 1e-9);
    }

    #[test]
    fn shapley_null_player(g in arb_game(6), k in 0usize..6) {
        let k = k % g.n();
        let null = DenseGame::from_fn(g.n(), |m| g.value(m & !(1 << k))).unwrap();
        let phi = shapley_exact(&null).unwrap();
        prop_assert!(phi[k].abs() < 1e-9);
        let b = banzhaf(&null).unwrap();
        prop_assert!(b.raw[k].abs() < 1e-9);
    }

    #[test]
    fn shapley_additivity(g in arb_game(6), seed in any::<u64>()) {
        let n = g.n();
        let h = DenseGame::from_fn(n, |m| ((m.wrapping_mul(seed | 1) >> 7) % 17) as f64 - 8.0).unwrap();
        let sum = DenseGame::from_fn(n, |m| g.value(m) + h.value(m)).unwrap();
        let (a, b, c) = (shapley_exact(&g).unwrap(), shapley_exact(&h).unwrap(), shapley_exact(&sum).unwrap());
        for i in 0..n {
            prop_assert!((a[i] + b[i] - c[i]).abs() < 1e-9);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn nucleolus_in_core_when_nonempty(
        n in 2usize..=5,
        vals in prop::collection::vec(0.0..1.0f64, 32),
        bonus in 0.0..3.0f64,
    ) {
        // Singletons below 1/2 (so imputations exist); larger coalitions worth 0.4–1.6 per member
        // against v(N) = n + bonus: the core is sometimes empty, sometimes not.
        let g = DenseGame::from_fn(n, |m| {
            let k = m.count_ones() as f64;
            let r = vals[m as usize % 32];
            if m == (1 << n) - 1 { k + bonus } else if k == 1.0 { 0.5 * r } else { k * (0.4 + 1.2 * r) }
        }).unwrap();
        let lc = least_core(&g).unwrap();
        let nu = nucleolus(&g).unwrap();
        let grand = g.value((1 << n) - 1);
        prop_assert!((nu.allocation.iter().sum::<f64>() - grand).abs() < 1e-7);
        // The least-core point has the optimal maximal excess.
        for s in 1..(1u64 << n) - 1 {
            let x: f64 = (0..n).filter(|i| s >> i & 1 == 1).map(|i| lc.allocation[i]).sum();
            prop_assert!(x >= g.value(s) - lc.epsilon - 1e-7);
        }
        if !lc.core_empty {
            for s in 1..(1u64 << n) {
                let x: f64 = (0..n).filter(|i| s >> i & 1 == 1).map(|i| nu.allocation[i]).sum();
                prop_assert!(x >= g.value(s) - 1e-7, "S={s:b}: x(S)={x} < v(S)={}", g.value(s));
            }
            let pre = prenucleolus(&g).unwrap();
            for i in 0..n {
                prop_assert!((pre.allocation[i] - nu.allocation[i]).abs() < 1e-6);
            }
        }
    }
}

#[test]
fn sampled_shapley_close_to_exact_and_thread_independent() {
    let game = DenseGame::from_fn(9, |m| {
        let k = m.count_ones() as f64;
        k * k + if m & 0b11 == 0b11 { 5.0 } else { 0.0 } + (m % 7) as f64
    })
    .unwrap();
    let exact = shapley_exact(&game).unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| shapley_sampled(&game, 4000, 42).unwrap())
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one, two);
    assert_eq!(one.permutations, 4032);
    for i in 0..9 {
        assert!(one.std_errors[i] > 0.0);
        assert!(
            (one.values[i] - exact[i]).abs() < 5.0 * one.std_errors[i],
            "player {i}: {} vs {} (se {})",
            one.values[i],
            exact[i],
            one.std_errors[i]
        );
    }
    assert_abs_diff_eq!(
        one.values.iter().sum::<f64>(),
        game.value(511),
        epsilon = 1e-9
    );
    // Exact is also thread-independent, bit for bit.
    let big = DenseGame::from_fn(14, |m| ((m * 2654435761) % 1000) as f64 / 7.0).unwrap();
    let e1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| shapley_exact(&big).unwrap());
    let e2 = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| shapley_exact(&big).unwrap());
    assert_eq!(e1, e2);
}

/// `players` players, each owning one link of capacity 1 from the source to the market: every
/// coalition is worth its size.
fn parallel_links(players: usize) -> Network {
    let nodes = vec![
        node("S", None, players as f64, 0.0),
        node("M", None, 0.0, players as f64),
    ];
    Network {
        players: (0..players).map(|p| format!("p{p}")).collect(),
        nodes,
        links: (0..players).map(|p| link("S", "M", 1.0, Some(p))).collect(),
    }
}

/// Defect 13: with 64 players the grand coalition's value was 0 (a `u64` mask that overflowed)
/// and with 65 `orbit game shapley --network` panicked (a bitset indexed past its word).
#[test]
fn networks_of_64_and_65_players_have_their_grand_coalition() {
    for players in [63, 64, 65, 130] {
        let game = NetworkGame::new(&parallel_links(players)).unwrap();
        assert_eq!(game.n(), players);
        assert_eq!(game.grand_value(), players as f64, "{players} players");
        assert_eq!(grand_coalition(players).len(), players.div_ceil(64));
        // A one-word mask of a larger game holds only its first 64 players (no panic).
        assert_eq!(game.value(u64::MAX), players.min(64) as f64);
        let phi = shapley_sampled(&game, 64, 3).unwrap();
        let total: f64 = phi.values.iter().sum();
        assert_abs_diff_eq!(total, players as f64, epsilon = 1e-9);
        for v in &phi.values {
            assert_abs_diff_eq!(*v, 1.0, epsilon = 1e-12);
        }
    }
    assert!(matches!(
        shapley_exact(&NetworkGame::new(&parallel_links(64)).unwrap()),
        Err(GameError::TooManyPlayers { .. })
    ));
}

/// The entry functions of the fuzz targets (`fuzz/`, cargo-fuzz, nightly only), compiled here
/// as plain code and run on their seed corpus, so they cannot rot while CI has no nightly.
#[path = "../../../fuzz/src/readers.rs"]
mod fuzz_readers;

#[test]
fn fuzz_entry_points_accept_the_corpus() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 5] = [
        ("scenario", fuzz_readers::scenario),
        ("overlay", fuzz_readers::overlay),
        ("actor_table", fuzz_readers::actor_table),
        ("game_json", fuzz_readers::game_json),
        ("network_json", fuzz_readers::network_json),
    ];
    for (target, run) in targets {
        let mut seeds = 0;
        for entry in std::fs::read_dir(corpus.join(target)).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            run(&bytes);
            // Every prefix too: truncated files are the commonest malformed input.
            for cut in [
                0,
                1,
                bytes.len() / 3,
                bytes.len() / 2,
                bytes.len().saturating_sub(1),
            ] {
                run(&bytes[..cut.min(bytes.len())]);
            }
            seeds += 1;
        }
        assert!(seeds >= 2, "{target}: {seeds} seeds");
    }
}
