//! End-to-end tests of `orbit game`.

mod common;

use common::*;

#[test]
fn game_solves_the_coopgt_taxi_game() {
    // coopgt docs (how-to/calculate-the-shapley-value): the taxi game's Shapley value is [2, 5, 35].
    let taxi = data("coopgt_taxi.json");
    let (o, _d) = orbit(&["game", "shapley", "--game", &taxi, "--format", "json"]);
    let v = json_of(&o);
    assert_eq!(v["players"], serde_json::json!(["1", "2", "3"]));
    assert_close(&floats(&v["shapley"]), &[2.0, 5.0, 35.0]);
    let (o, _d) = orbit(&["game", "shapley", "--game", &taxi]);
    insta::assert_snapshot!("game_shapley_taxi", stdout(&o));
    // Player 3 alone is worth v(N): the core is the single point (6, 12, 42)?
    // No: x1 >= 6, x2 >= 12, x3 >= 42 and x(N) = 42 is infeasible, so the core is empty.
    let (o, _d) = orbit(&["game", "core", "--game", &taxi, "--format", "json"]);
    let v = json_of(&o);
    assert_eq!(v["core_empty"], true);
    assert!(v["least_core_epsilon"].as_f64().unwrap() > 0.0);
    assert_eq!(floats(&v["point"]).len(), 3);
    let (o, _d) = orbit(&["game", "banzhaf", "--game", &taxi, "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("player,banzhaf,index\n"));
    // The imputation set is empty (6 + 12 + 42 > 42): the nucleolus is refused, exit 1.
    let (o, _d) = orbit(&["game", "nucleolus", "--game", &taxi]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("imputation set is empty"),
        "{}",
        stderr(&o)
    );
    // Sampling is seeded and reproducible.
    let args = [
        "game",
        "shapley",
        "--game",
        &taxi,
        "--method",
        "sampled",
        "--permutations",
        "256",
        "--seed",
        "7",
        "--format",
        "json",
    ];
    let (a, _d) = orbit(&args);
    let (b, _d) = orbit(&args);
    assert_eq!(stdout(&a), stdout(&b));
    let v = json_of(&a);
    assert_eq!(v["method"], "sampled");
    let sum: f64 = floats(&v["shapley"]).iter().sum();
    assert!((sum - 42.0).abs() < 1e-9);
}

#[test]
fn game_nucleolus_and_values_of_a_network() {
    let net = data("network_two_routes.json");
    let (o, _d) = orbit(&["game", "shapley", "--network", &net, "--format", "json"]);
    assert_close(&floats(&json_of(&o)["shapley"]), &[40.0, 15.0, 25.0]);
    let (o, _d) = orbit(&["game", "values", "--network", &net]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("game_values_network", stdout(&o));
    let (o, _d) = orbit(&["game", "values", "--network", &net, "--format", "json"]);
    let v = json_of(&o);
    assert_eq!(v["values"].as_array().unwrap().len(), 7);
    assert_eq!(
        v["values"][6]["coalition"],
        serde_json::json!(["RUS", "BLR", "UKR"])
    );
    assert_eq!(v["values"][6]["value"], 80.0);
    // The core of this game is not empty (RUS is a veto player); the nucleolus is in it.
    let (o, _d) = orbit(&["game", "core", "--network", &net, "--format", "json"]);
    assert_eq!(json_of(&o)["core_empty"], false);
    let (o, _d) = orbit(&["game", "nucleolus", "--network", &net, "--format", "json"]);
    let x = floats(&json_of(&o)["nucleolus"]);
    assert!((x.iter().sum::<f64>() - 80.0).abs() < 1e-6);
    assert!(x[0] + x[1] >= 30.0 - 1e-6 && x[0] + x[2] >= 50.0 - 1e-6);
}

#[test]
fn game_rejects_bad_files_naming_the_problem() {
    let cases = [
        ("--game", "game_missing.json", "coalition [A, C] is missing"),
        (
            "--game",
            "game_duplicate.json",
            "coalition [A, B] is given twice (entries 2 and 3)",
        ),
        (
            "--game",
            "game_unknown_player.json",
            "names unknown player `X`",
        ),
        ("--game", "game_malformed.json", "line 5 column 3"),
        (
            "--network",
            "network_negative.json",
            "capacity of link 3 is negative: -5",
        ),
        (
            "--network",
            "network_unknown_node.json",
            "link 3 refers to unknown node `fr`",
        ),
        (
            "--network",
            "network_unknown_owner.json",
            "node `by` is owned by unknown player `BYR`",
        ),
    ];
    for (flag, file, message) in cases {
        let (o, _d) = orbit(&["game", "shapley", flag, &data(file)]);
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(message), "{file}: {err}");
        assert!(!err.contains("panicked"), "{file}: {err}");
    }
    // Too many players for a game file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let players: Vec<String> = (0..21).map(|i| format!("P{i}")).collect();
    std::fs::write(
        &path,
        serde_json::json!({"players": players, "values": []}).to_string(),
    )
    .unwrap();
    let (o, _d) = orbit(&["game", "shapley", "--game", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("too many players: 21"),
        "{}",
        stderr(&o)
    );
    // A missing file is an IO error (exit 2), and one input is required.
    let (o, _d) = orbit(&["game", "shapley", "--game", "no-such-file.json"]);
    assert_eq!(o.status.code(), Some(2));
    let (o, _d) = orbit(&["game", "shapley"]);
    assert!(!o.status.success());
}
