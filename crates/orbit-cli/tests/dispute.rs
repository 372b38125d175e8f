//! `orbit dispute`: the real binary on the built-in scenario's episodes and on users' game
//! files (`tests/data/dispute_*.json`: textbook games written by hand, the entry-deterrence
//! game of Selten 1978 and matching pennies, whose answers are known).

mod common;

use common::*;

#[test]
fn dispute_table_shows_every_episode_with_record_and_counterfactuals() {
    let (o, _d) = orbit(&["dispute", "--draws", "40"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    for want in [
        "== 2004 ",
        "== 2006-07 ",
        "== 2010 ",
        "equilibrium (",
        "recorded (",
        "Monte Carlo (40 draws, seed 13)",
        "Nord Stream 1 in service",
        "Yamal-Europe stopped",
        "discount factor per round",
    ] {
        assert!(table.contains(want), "{want} missing:\n{table}");
    }
}

#[test]
fn dispute_json_of_one_episode_is_consistent() {
    let v = json_of(
        &orbit(&[
            "dispute",
            "--episode",
            "2006-07",
            "--draws",
            "60",
            "--format",
            "json",
        ])
        .0,
    );
    let episodes = v["episodes"].as_array().unwrap();
    assert_eq!(episodes.len(), 1);
    let e = &episodes[0];
    assert_eq!(e["episode"], "2006-07");
    let path = e["solution"]["path"].as_array().unwrap();
    assert_eq!(
        e["solution"]["length"].as_u64().unwrap() as usize,
        path.len()
    );
    assert!(!e["recorded"]["path"].as_array().unwrap().is_empty());
    // The Monte Carlo shares cover every draw.
    let shares = e["monte_carlo"].as_array().unwrap();
    let draws: u64 = shares.iter().map(|s| s["draws"].as_u64().unwrap()).sum();
    assert_eq!(draws, 60);
    let total: f64 = shares.iter().map(|s| s["share"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    assert_eq!(e["counterfactuals"].as_array().unwrap().len(), 2);
    // Every figure says where it comes from.
    for f in e["inputs"]["figures"].as_array().unwrap() {
        assert!(
            !f["derivation"].as_str().unwrap().is_empty(),
            "{f} has no derivation"
        );
    }
    assert_eq!(v["settings"]["draws"], 60);
}

#[test]
fn dispute_csv_has_one_row_per_path() {
    let (o, _d) = orbit(&[
        "dispute",
        "--episode",
        "2010",
        "--draws",
        "30",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "episode,network,kind,outcome,moves,share,path"
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.iter().all(|r| r.starts_with("2010,")), "{csv}");
    for kind in [",equilibrium,", ",recorded,", ",monte_carlo,"] {
        assert!(
            rows.iter().any(|r| r.contains(kind)),
            "{kind} missing:\n{csv}"
        );
    }
}

#[test]
fn dispute_same_seed_same_numbers_other_seed_other_draws() {
    let args = |seed: &'static str| {
        vec![
            "dispute",
            "--episode",
            "2004",
            "--draws",
            "200",
            "--seed",
            seed,
            "--format",
            "json",
        ]
    };
    let (a, _da) = orbit(&args("7"));
    let (b, _db) = orbit(&args("7"));
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(
        a.stdout, b.stdout,
        "the same seed must give the same output"
    );
    let c = json_of(&orbit(&args("8")).0);
    let a = json_of(&a);
    assert_eq!(c["settings"]["seed"], 8);
    // The central game does not depend on the seed, the draws do.
    assert_eq!(a["episodes"][0]["solution"], c["episodes"][0]["solution"]);
    assert_ne!(
        a["episodes"][0]["monte_carlo"], c["episodes"][0]["monte_carlo"],
        "200 draws under two seeds should not split identically"
    );
}

#[test]
fn dispute_rejects_unknown_episode_and_zero_draws() {
    let (o, _d) = orbit(&["dispute", "--episode", "2009"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("unknown episode `2009`"), "{err}");
    assert!(err.contains("2004, 2006-07, 2010"), "{err}");

    refuses(
        &["dispute", "--draws", "0"],
        1,
        "`--draws` must be at least 1",
    );
}

#[test]
fn dispute_writes_gambit_files_and_refuses_to_overwrite() {
    let (o, dir) = orbit(&[
        "dispute",
        "--episode",
        "2006-07",
        "--draws",
        "10",
        "--efg",
        "g.efg",
        "--nfg",
        "g.nfg",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let efg = std::fs::read_to_string(dir.path().join("g.efg")).unwrap();
    assert!(efg.starts_with("EFG 2 R "), "{efg}");
    assert!(efg.contains("{ \"RUS\" \"BLR\" }"), "{efg}");
    let nfg = std::fs::read_to_string(dir.path().join("g.nfg")).unwrap();
    assert!(nfg.starts_with("NFG 1 R "), "{nfg}");

    // A second run refuses, names the file and leaves both files as they were.
    std::fs::write(dir.path().join("g.nfg"), "mine").unwrap();
    let o = orbit_in(
        dir.path(),
        &[
            "dispute",
            "--episode",
            "2010",
            "--draws",
            "10",
            "--efg",
            "g.efg",
            "--nfg",
            "g.nfg",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("`g.efg` already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("g.efg")).unwrap(),
        efg
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("g.nfg")).unwrap(),
        "mine"
    );

    let o = orbit_in(
        dir.path(),
        &[
            "dispute",
            "--episode",
            "2010",
            "--draws",
            "10",
            "--efg",
            "g.efg",
            "--force",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(
        std::fs::read_to_string(dir.path().join("g.efg")).unwrap(),
        efg
    );

    // One game per file: exporting with several episodes is refused.
    let o = orbit_in(
        dir.path(),
        &[
            "dispute",
            "--episode",
            "2004",
            "--episode",
            "2010",
            "--efg",
            "h.efg",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("export one game"));
    assert!(!dir.path().join("h.efg").exists());
}

#[test]
fn dispute_game_solves_a_users_tree() {
    let game = data("dispute_entry_deterrence.json");
    let game = game.as_str();
    let (o, _d) = orbit(&["dispute", "--game", game]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(
        table.contains("subgame-perfect path: Entrant: in → Incumbent: accommodate"),
        "{table}"
    );

    let v = json_of(&orbit(&["dispute", "--game", game, "--format", "json"]).0);
    assert_eq!(v["subgame_perfect"]["outcome"], "shared market");
    assert_eq!(
        v["subgame_perfect"]["payoffs"],
        serde_json::json!([1.0, 1.0])
    );
    // (out, fight) is a Nash equilibrium too, but not subgame-perfect.
    assert_eq!(
        v["normal_form"]["pure_equilibria"],
        serde_json::json!([[0, 0], [1, 1]])
    );

    // Matching pennies has imperfect information: no backward induction, one mixed
    // equilibrium at (1/2, 1/2).
    let pennies = data("dispute_matching_pennies.json");
    let v = json_of(&orbit(&["dispute", "--game", &pennies, "--format", "json"]).0);
    assert!(v["subgame_perfect"].is_null());
    let mixed = v["normal_form"]["mixed_equilibria"].as_array().unwrap();
    assert_eq!(mixed.len(), 1);
    for player in mixed[0]["strategies"].as_array().unwrap() {
        for p in player.as_array().unwrap() {
            assert!((p.as_f64().unwrap() - 0.5).abs() < 1e-12);
        }
    }

    let (o, _d) = orbit(&["dispute", "--game", &pennies, "--format", "csv"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("kind,strategies,payoffs\nextreme_equilibrium,"));
}

#[test]
fn dispute_game_exports_a_users_tree() {
    let game = data("dispute_entry_deterrence.json");
    let (o, dir) = orbit(&["dispute", "--game", &game, "--efg", "e.efg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let efg = std::fs::read_to_string(dir.path().join("e.efg")).unwrap();
    assert!(efg.contains("{ \"Entrant\" \"Incumbent\" }"), "{efg}");
    assert!(efg.contains("\"accommodate\""), "{efg}");
}

#[test]
fn dispute_game_errors_are_located() {
    for (file, want) in [
        (
            "dispute_malformed.json",
            "dispute_malformed.json:6:3: not a valid game file",
        ),
        (
            "dispute_unknown_player.json",
            "at root / \"in\": unknown player `Monopolist`",
        ),
        (
            "dispute_payoff_count.json",
            "at root / \"out\": 1 payoffs given, the game has 2 players",
        ),
    ] {
        let path = data(file);
        refuses(&["dispute", "--game", &path], 1, want);
    }
    refuses(
        &["dispute", "--game", "no-such-game.json"],
        2,
        "cannot read `no-such-game.json`",
    );
}

#[test]
fn run_writes_the_disputes_beside_the_report() {
    let (o, dir) = orbit(&[
        "run",
        "--quiet",
        "--runs",
        "20",
        "--no-simulation",
        "--out",
        "rep",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rep = dir.path().join("rep");
    for file in [
        "disputes.json",
        "disputes_2004.efg",
        "disputes_2006_07.efg",
        "disputes_2010.efg",
        "dispute_paths.csv",
        "dispute_monte_carlo.csv",
        "dispute_figures.csv",
        "dispute_ranges.csv",
        "charts/dispute_tree_2010.vl.json",
        "charts/dispute_tree_2010.csv",
        "charts/dispute_shares_2004.vl.json",
    ] {
        assert!(rep.join(file).is_file(), "{file} missing");
    }
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rep.join("disputes.json")).unwrap()).unwrap();
    // The run's draws and seed (`--runs 20`, default seed 1) drive the dispute Monte Carlo.
    assert_eq!(v["report"]["settings"]["draws"], 20);
    assert_eq!(v["report"]["settings"]["seed"], 1);
    // The same game as `orbit dispute --efg`.
    let o = orbit_in(
        dir.path(),
        &[
            "dispute",
            "--episode",
            "2010",
            "--draws",
            "1",
            "--efg",
            "d.efg",
        ],
    );
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("d.efg")).unwrap(),
        std::fs::read_to_string(rep.join("disputes_2010.efg")).unwrap()
    );
    let html = std::fs::read_to_string(rep.join("index.html")).unwrap();
    assert!(html.contains("<section id=\"disputes\">"));
    assert!(html.contains("href=\"#disputes\""));
}

#[test]
fn dispute_equilibria_use_lemke_howson_beyond_the_vertex_limit() {
    let v = json_of(
        &orbit(&[
            "dispute",
            "--episode",
            "2010",
            "--draws",
            "2",
            "--equilibria",
            "--format",
            "json",
        ])
        .0,
    );
    let nf = &v["games"][0]["normal_form"];
    assert!(nf["mixed_equilibria"].is_null());
    assert!(
        nf["mixed_note"]
            .as_str()
            .unwrap()
            .contains("vertex-enumeration limit")
    );
    let lh = &nf["lemke_howson"]["strategies"];
    for (player, strategies) in lh
        .as_array()
        .unwrap()
        .iter()
        .zip(nf["strategies"].as_array().unwrap())
    {
        let probs = player.as_array().unwrap();
        assert_eq!(probs.len(), strategies.as_array().unwrap().len());
        let sum: f64 = probs.iter().map(|p| p.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
    }
}

#[test]
fn dispute_flags_figures_borrowed_from_other_years() {
    let v = json_of(
        &orbit(&[
            "dispute",
            "--episode",
            "2010",
            "--draws",
            "2",
            "--format",
            "json",
        ])
        .0,
    );
    let figures = v["episodes"][0]["inputs"]["figures"].as_array().unwrap();
    let figure = |symbol: &str| figures.iter().find(|f| f["symbol"] == symbol).unwrap();
    // No 2010 volume is on record: the 2011 one is used, and says so.
    assert_eq!(figure("V")["borrowed_from"], serde_json::json!([2011]));
    // The stake is the 2010 claim itself.
    assert_eq!(figure("S")["borrowed_from"], serde_json::json!([]));
    let note = v["episodes"][0]["recorded"]["note"].as_str().unwrap();
    assert!(note.contains("60% cut"), "{note}");
}
