//! End-to-end tests of `orbit forecast`.

mod common;

use common::*;

#[test]
fn forecast_reproduces_the_ec_reference_run_from_a_ktab_csv() {
    let csv = fixture("bdm1994_ec_emissions_actors.csv");
    let (o, _d) = orbit(&[
        "forecast",
        "--actors",
        csv.to_str().unwrap(),
        "--model",
        "eum",
        "--variant",
        "scholz2011",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.len(), 1);
    let eum = &v[0];
    assert_eq!(eum["model"], "eum");
    assert_eq!(eum["variant"], "scholz2011");
    assert_eq!(eum["forecast"], 7.0);
    let rounds = eum["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 11);
    // Every position of every round against the published reference run.
    let expected =
        std::fs::read_to_string(fixture("bdm_scholz_example_expected_rounds.csv")).unwrap();
    let mut lines = expected.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let round: usize = cells[0].parse().unwrap();
        for (name, cell) in header.iter().zip(&cells).skip(2) {
            let want: f64 = cell.parse().unwrap();
            let got = rounds[round]["positions"][*name].as_f64().unwrap();
            assert!(
                (got - want).abs() < 1e-9,
                "round {round} {name}: {got} vs {want}"
            );
        }
    }
    assert_eq!(eum["offers"][0]["from"], "France");
    assert_eq!(eum["offers"][0]["kind"], "compromise");
}

#[test]
fn forecast_formats_and_baselines_on_a_csv() {
    let csv = fixture("bdm1994_ec_emissions_actors.csv");
    let (o, _d) = orbit(&[
        "forecast",
        "--actors",
        csv.to_str().unwrap(),
        "--status-quo",
        "4",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("forecast_ec_table", stdout(&o));
    let (o, _d) = orbit(&[
        "forecast",
        "--actors",
        csv.to_str().unwrap(),
        "--format",
        "csv",
        "--variant",
        "scholz2011",
    ]);
    let text = stdout(&o);
    assert!(
        text.starts_with("issue,model,quantity,round,actor,value\n"),
        "{text}"
    );
    assert!(text.contains("bdm1994_ec_emissions_actors,eum,position,10,Netherlands,"));
    assert!(text.contains("bdm1994_ec_emissions_actors,compromise,forecast,,,7.38995"));
    // Without a status quo there is no Nash bargaining solution, and the table says why.
    let (o, _d) = orbit(&[
        "forecast",
        "--actors",
        csv.to_str().unwrap(),
        "--model",
        "nbs",
    ]);
    assert!(stdout(&o).contains("needs a status quo"));
}

#[test]
fn forecast_monte_carlo_is_reproducible_across_thread_counts() {
    let args = [
        "forecast",
        "--issue",
        "neutrality",
        "--runs",
        "400",
        "--seed",
        "9",
        "--format",
        "json",
    ];
    let one = orbit_env(&args, &[("RAYON_NUM_THREADS", "1")]);
    let two = orbit_env(&args, &[("RAYON_NUM_THREADS", "2")]);
    assert!(one.status.success(), "{}", stderr(&one));
    assert_eq!(stdout(&one), stdout(&two));
    let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&one)).unwrap();
    let mc = &v[0]["monte_carlo"];
    assert_eq!(mc["runs"], 400);
    assert_eq!(mc["seed"], 9);
    assert!(mc["p5"].as_f64().unwrap() <= mc["p95"].as_f64().unwrap());
    let other = orbit_env(
        &[
            "forecast",
            "--issue",
            "neutrality",
            "--runs",
            "400",
            "--seed",
            "10",
            "--format",
            "json",
        ],
        &[],
    );
    assert_ne!(stdout(&one), stdout(&other));
}

#[test]
fn forecast_rejects_bad_tables_and_options() {
    let (dir, bad) = temp_file(
        "bad.csv",
        "# a comment\nActor,Capability,Position,Salience\nA,1,4,0.8\nB,-2,x,1.5\nA,1,3,0.5\n",
    );
    let (o, _d) = orbit(&["forecast", "--actors", &bad]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("bad.csv:4: capability -2 is negative"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:4: column `Position` is `x`, not a number"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:4: salience 1.5 is outside [0, 1]"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:5: actor `A` appears twice (first on line 3)"),
        "{err}"
    );
    let missing = dir.path().join("missing.csv");
    std::fs::write(&missing, "Actor,Capability,Salience\nA,1,1\n").unwrap();
    let (o, _d) = orbit(&["forecast", "--actors", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("lacks column `position`"));
    let (o, _d) = orbit(&["forecast", "--issue", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown issue `nope`"));
    let (o, _d) = orbit(&[
        "forecast",
        "--issue",
        "neutrality",
        "--perturb-position",
        "cauchy:1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let (o, _d) = orbit(&["forecast", "--issue", "neutrality", "--rounds", "0"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn every_reference_actor_table_forecasts() {
    for entry in std::fs::read_dir(repo().join("tests/data/bargaining")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with("_actors.csv") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // KTAB-style tables give saliences in percent.
        let percent = text.lines().filter(|l| !l.starts_with('#')).any(|l| {
            l.rsplit(',')
                .next()
                .and_then(|s| s.trim().parse::<f64>().ok())
                .is_some_and(|s| s > 1.0)
        });
        let mut args = vec![
            "forecast",
            "--actors",
            path.to_str().unwrap(),
            "--format",
            "json",
        ];
        if percent {
            args.push("--salience-percent");
        }
        let (o, _d) = orbit(&args);
        if name == "litigation_case_actors.csv" {
            // The published table repeats role names ("Attorney" three times): orbit asks
            // for unique names rather than guessing which row is which.
            assert_eq!(o.status.code(), Some(1));
            assert!(
                stderr(&o).contains("actor `Attorney` appears twice (first on line 33)"),
                "{}",
                stderr(&o)
            );
            continue;
        }
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(v.len() >= 3, "{name}");
    }
}
