//! End-to-end tests: the real `orbit` binary, run from a temporary directory, with its output
//! snapshot-tested (insta) or parsed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> PathBuf {
    repo().join("scenarios/example.toml")
}

/// Runs `orbit` with `args` in a fresh temporary directory.
fn orbit(args: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_orbit"))
        .args(args)
        .current_dir(dir.path())
        .output()
        .expect("orbit runs");
    (output, dir)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Replaces the repository path so snapshots do not depend on the checkout location.
fn redact(text: &str) -> String {
    let canonical = repo().canonicalize().unwrap();
    text.replace(&canonical.display().to_string(), "[REPO]")
        .replace(&repo().display().to_string(), "[REPO]")
}

#[test]
fn help_lists_every_command() {
    let (o, _d) = orbit(&["--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    let commands = [
        "run",
        "validate",
        "forecast",
        "timeline",
        "dependence",
        "game",
        "transit",
        "store",
        "simulate",
        "compare",
        "backtest",
    ];
    for command in commands {
        assert!(text.contains(command), "{text}");
    }
    for command in commands {
        let (o, _d) = orbit(&[command, "--help"]);
        assert!(o.status.success(), "{command} --help");
    }
}

#[test]
fn validate_builtin_passes() {
    let (o, _d) = orbit(&["validate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok: <built-in>/union-state.toml is valid"));
}

#[test]
fn validate_example_table_and_json() {
    let path = example();
    let (o, _d) = orbit(&["validate", path.to_str().unwrap()]);
    assert!(o.status.success());
    insta::assert_snapshot!("validate_example", redact(&stdout(&o)));
    let (o, _d) = orbit(&["validate", path.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["counts"]["events"], 2);
}

#[test]
fn validate_bad_file_lists_located_problems_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(example())
        .unwrap()
        .replacen("salience = 0.8", "salience = 1.3", 1)
        .replacen("partner = \"EU\"", "partner = \"EUR\"", 1)
        .replacen("capacity = 33.0", "capacity = -1.0", 1);
    std::fs::write(&bad, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_orbit"))
        .args(["validate", "bad.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        !stderr(&output).contains("error: error"),
        "{}",
        stderr(&output)
    );
    insta::assert_snapshot!("validate_bad", stderr(&output));
    let output = Command::new(env!("CARGO_BIN_EXE_orbit"))
        .args(["validate", "bad.toml", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"].as_array().unwrap().len(), 3);
    assert!(v["problems"][0]["location"]["line"].as_u64().unwrap() > 0);
}

#[test]
fn unreadable_scenarios_exit_with_a_message() {
    let (o, _d) = orbit(&["run", "--scenario", "/nonexistent/x.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read `/nonexistent/x.toml`"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("binary.toml");
    std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
    let (o, _d) = orbit(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not UTF-8"), "{}", stderr(&o));
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let (o, _d) = orbit(&["timeline", "--scenario", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the scenario file is empty"));
}

#[test]
fn timeline_filters_on_the_builtin_scenario() {
    let (o, _d) = orbit(&[
        "timeline",
        "--actor",
        "BLR",
        "--kind",
        "sanction",
        "--from",
        "2020-01-01",
        "--to",
        "2021-12-31",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(rows.len() >= 5, "{} rows", rows.len());
    for r in &rows {
        assert_eq!(r["kind"], "sanction");
        let date = r["date"].as_str().unwrap();
        assert!(("2020".."2022").contains(&date), "{date}");
        assert!(r["actors"].as_array().unwrap().iter().any(|a| a == "BLR"));
        assert!(!r["source"].as_str().unwrap().is_empty());
    }
}

#[test]
fn timeline_table_and_csv_on_the_example() {
    let path = example();
    let scenario = path.to_str().unwrap();
    let (o, _d) = orbit(&["timeline", "--scenario", scenario]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("timeline_example", stdout(&o));
    let (o, _d) = orbit(&[
        "timeline",
        "--scenario",
        scenario,
        "--format",
        "csv",
        "--search",
        "OFFICIALS",
    ]);
    assert!(o.status.success());
    insta::assert_snapshot!("timeline_example_csv", stdout(&o));
}

#[test]
fn timeline_rejects_unknown_actor_kind_and_bad_dates() {
    let (o, _d) = orbit(&["timeline", "--actor", "XXX"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("XXX"), "{}", stderr(&o));
    let (o, _d) = orbit(&["timeline", "--kind", "war"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("war"), "{}", stderr(&o));
    let (o, _d) = orbit(&["timeline", "--from", "2021-02-30"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("day 30 does not exist"),
        "{}",
        stderr(&o)
    );
    let (o, _d) = orbit(&["timeline", "--from", "2021", "--to", "2020"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn store_build_then_query_and_no_silent_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_orbit"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let o = run(&["store", "build", "--db", "orbit.sqlite"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote orbit.sqlite"));
    let o = run(&["store", "build", "--db", "orbit.sqlite"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"));
    let o = run(&["store", "build", "--db", "orbit.sqlite", "--force"]);
    assert!(o.status.success());
    let from_db = run(&[
        "timeline",
        "--db",
        "orbit.sqlite",
        "--kind",
        "treaty",
        "--format",
        "json",
    ]);
    let on_the_fly = run(&["timeline", "--kind", "treaty", "--format", "json"]);
    assert!(from_db.status.success());
    assert_eq!(stdout(&from_db), stdout(&on_the_fly));
    let o = run(&["timeline", "--db", "missing.sqlite"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("orbit store build"));
}

#[test]
fn dependence_on_the_example() {
    let path = example();
    let scenario = path.to_str().unwrap();
    let (o, _d) = orbit(&["dependence", "--scenario", scenario]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("dependence_example", stdout(&o));
    let (o, _d) = orbit(&["dependence", "--scenario", scenario, "--format", "csv"]);
    insta::assert_snapshot!("dependence_example_csv", stdout(&o));
    let (o, _d) = orbit(&["dependence", "--scenario", scenario, "--year", "1999"]);
    assert_eq!(o.status.code(), Some(1));
    let (o, _d) = orbit(&["dependence", "--scenario", scenario, "--actor", "ZZZ"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown actor `ZZZ`"));
}

#[test]
fn dependence_on_the_builtin_scenario_has_the_essays_years() {
    let (o, _d) = orbit(&["dependence", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["actor"], "BLR");
    assert_eq!(v["patron"], "RUS");
    let years: Vec<i64> = v["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert!(years.contains(&2021), "{years:?}");
    assert!(!v["subsidy_estimates"].as_array().unwrap().is_empty());
}

#[test]
fn run_on_the_builtin_scenario() {
    let (o, _d) = orbit(&["run", "--sim-runs", "10"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("orbit run: "));
    for section in [
        "Key dates",
        "Dependence of BLR on RUS",
        "The narrative's figures against the data",
        "Claims of the narrative checked: 59",
        "Contested issues",
        "Forecasts (expected utility model",
        "expected utility model by round",
        "Transit power:",
        "Simulation 2015-2030 (10 runs, seed 1)",
        "Backtest: forecasts from the data up to each cutoff",
    ] {
        assert!(text.contains(section), "missing {section}:\n{text}");
    }
    insta::assert_snapshot!("run_builtin", text);
    let (o, _d) = orbit(&["run", "--format", "json", "--sim-runs", "10"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["scenario"]["focus"], "BLR");
    assert_eq!(v["claims"]["total"], 59);
    assert!(v["key_events"].as_array().unwrap().len() >= 10);
    assert!(v["figure_checks"].as_array().unwrap().len() >= 2);
    // One forecast per question, its latest coding; the earlier snapshots serve the backtest.
    let forecasts = v["forecasts"].as_array().unwrap();
    assert_eq!(forecasts.len(), 6);
    for f in forecasts {
        let mc = &f["monte_carlo"];
        assert_eq!(mc["draws"], 1000);
        assert!(f["eum"]["rounds"].as_array().unwrap().len() >= 2);
    }
    assert_eq!(v["simulation"]["runs"], 10);
    assert_eq!(v["simulation"]["years"].as_array().unwrap().len(), 16);
    assert_eq!(v["backtest"].as_array().unwrap().len(), 5);
    assert_eq!(v["transit_game"]["epochs"].as_array().unwrap().len(), 4);
}

/// A reference actor table copied into the repository (`tests/data/README.md` names its source).
fn fixture(path: &str) -> PathBuf {
    repo().join("tests/data/bargaining").join(path)
}

/// Runs `orbit` with extra environment variables.
fn orbit_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_orbit"));
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

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
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "# a comment\nActor,Capability,Position,Salience\nA,1,4,0.8\nB,-2,x,1.5\nA,1,3,0.5\n",
    )
    .unwrap();
    let (o, _d) = orbit(&["forecast", "--actors", bad.to_str().unwrap()]);
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

/// Every file under `dir`, relative path → contents, sorted.
fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn run_writes_a_self_contained_report_and_never_overwrites_it_silently() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_orbit"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("orbit runs")
    };
    let base = ["run", "--runs", "50", "--quiet", "--sim-runs", "5"];
    let o = run(&[&base[..], &["--out", "rep"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("orbit run: "),
        "the text report is printed as before"
    );
    assert!(stderr(&o).contains("index.html"), "{}", stderr(&o));
    let rep = dir.path().join("rep");
    for file in [
        "index.html",
        "report.json",
        "dependence.csv",
        "key_events.csv",
        "claims.csv",
        "forecasts.csv",
        "eum_rounds.csv",
        "monte_carlo.csv",
        "charts/trade_shares.csv",
        "charts/trade_shares.vl.json",
        "charts/energy_subsidy.vl.json",
        "charts/event_timeline.svg",
        "charts/eum_rounds_russian_air_base.svg",
        "charts/issue_russian_air_base.vl.json",
        "charts/monte_carlo_russian_air_base.svg",
    ] {
        assert!(rep.join(file).is_file(), "missing {file}");
    }
    // report.json is what `--format json` prints; the CSVs have their headers.
    let json = std::fs::read_to_string(rep.join("report.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["scenario"]["focus"], "BLR");
    let printed = run(&[&base[..], &["--format", "json", "--no-report"]].concat());
    assert_eq!(stdout(&printed), json);
    let eum = std::fs::read_to_string(rep.join("eum_rounds.csv")).unwrap();
    assert!(eum.starts_with("issue,round,actor,position\n"));
    let dependence = std::fs::read_to_string(rep.join("dependence.csv")).unwrap();
    let printed = run(&["dependence", "--format", "csv"]);
    assert_eq!(
        stdout(&printed),
        dependence,
        "dependence.csv is the long format"
    );
    let html = std::fs::read_to_string(rep.join("index.html")).unwrap();
    // The page before the inlined chart libraries loads nothing: its only URL is the
    // Vega-Lite specs' $schema, which nothing fetches.
    let page = html.split("<script data-lib=").next().unwrap();
    assert!(html.contains("<svg ") && !page.contains("src="));
    assert_eq!(
        page.matches("https://").count(),
        page.matches("https://vega.github.io/schema/vega-lite/v5.json")
            .count()
    );

    // A second run refuses, names the first file in the way, and writes nothing at all:
    // with index.html removed, the refusal names report.json and index.html stays absent.
    std::fs::remove_file(rep.join("index.html")).unwrap();
    let before = read_tree(&rep);
    let mtime = std::fs::metadata(rep.join("report.json"))
        .unwrap()
        .modified()
        .unwrap();
    let o = run(&[&base[..], &["--out", "rep"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("report.json") && err.contains("already exists"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert!(stdout(&o).is_empty());
    assert_eq!(read_tree(&rep), before, "files untouched");
    assert_eq!(
        std::fs::metadata(rep.join("report.json"))
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );

    let o = run(&[&base[..], &["--out", "rep", "--force"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(rep.join("index.html").is_file());
    assert_eq!(
        std::fs::read_to_string(rep.join("report.json")).unwrap(),
        json,
        "same seed, same report"
    );
}

#[test]
fn run_writes_the_report_into_orbit_report_by_default_unless_told_not_to() {
    let (o, d) = orbit(&["run", "--runs", "0", "--quiet", "--no-simulation"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(d.path().join("orbit-report/index.html").is_file());
    assert!(stderr(&o).contains("orbit-report"), "{}", stderr(&o));
    let (o, d) = orbit(&[
        "run",
        "--runs",
        "0",
        "--quiet",
        "--no-report",
        "--no-simulation",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!d.path().join("orbit-report").exists());
    let (o, _d) = orbit(&["run", "--no-report", "--force"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "conflicting flags are a usage error"
    );
}

#[test]
fn running_the_main_command_again_keeps_the_default_report() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_orbit"))
            .args(["run", "--runs", "0", "--quiet", "--no-simulation"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    let index = dir.path().join("orbit-report/index.html");
    std::fs::write(&index, "edited by the user").unwrap();
    let second = run();
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(
        stdout(&first),
        stdout(&second),
        "the report is still printed"
    );
    assert!(
        stderr(&second).contains("was left as it is"),
        "{}",
        stderr(&second)
    );
    assert!(stderr(&second).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&index).unwrap(),
        "edited by the user"
    );
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

fn json_of(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-6, "{got:?} vs {want:?}");
    }
}

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

#[test]
fn transit_reports_the_union_state_epochs() {
    let (o, _d) = orbit(&["transit", "--format", "json"]);
    let v = json_of(&o);
    assert_eq!(v["focus"], "BLR");
    let epochs = v["epochs"].as_array().unwrap();
    let years: Vec<i64> = epochs.iter().map(|e| e["year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2005, 2012, 2020, 2022]);
    let trend: Vec<f64> = v["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["share"].as_f64().unwrap())
        .collect();
    assert!(trend[1] < trend[0] && trend[3].abs() < 1e-9, "{trend:?}");
    assert!(epochs[0]["segments"][0]["source"].as_str().unwrap().len() > 5);
    let (o, _d) = orbit(&["transit"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("transit_builtin", stdout(&o));
    let (o, _d) = orbit(&["transit", "--epoch", "2012", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("year,player,shapley,"));
    assert!(stdout(&o).contains("\n2012,BLR,"));
    // An epoch outside the scenario's years is invalid input, refused before any game is
    // built (every year of the built-in scenario has a gas network).
    let (o, _d) = orbit(&["transit", "--epoch", "1950"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("outside the scenario's years"),
        "{}",
        stderr(&o)
    );
    let (o, _d) = orbit(&["transit", "--supply", "-3"]);
    assert_eq!(o.status.code(), Some(1));
}

// ---- simulate, compare, backtest ---------------------------------------------------------

#[test]
fn simulate_json_is_reproducible_and_has_fans() {
    let args = [
        "simulate", "--runs", "20", "--seed", "5", "--to", "2022", "--format", "json",
    ];
    let (a, _d) = orbit(&args);
    assert!(a.status.success(), "{}", stderr(&a));
    let (b, _d) = orbit(&args);
    assert_eq!(stdout(&a), stdout(&b));
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["runs"], 20);
    assert_eq!(v["years"].as_array().unwrap().len(), 8);
    let fans = v["fans"].as_array().unwrap();
    assert!(fans.iter().any(|f| f["name"] == "eum.deeper_integration"));
    assert!(fans.iter().any(|f| f["name"] == "dependence.BLR.RUS"));
}

#[test]
fn simulate_with_overlay_and_set() {
    let overlay = repo().join("scenarios/overlays/no-eu-sanctions-after-2020.toml");
    let (o, _d) = orbit(&[
        "simulate",
        "--runs",
        "0",
        "--overlay",
        overlay.to_str().unwrap(),
        "--set",
        "links.dependence-pulls-integration.parameter=0.3",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("series,year,central,p5,p50,p95"));
    assert!(text.contains("sanctions.EU.BLR,2022,3,"), "{text}");
}

#[test]
fn set_outside_the_range_is_invalid_input() {
    let (o, _d) = orbit(&[
        "simulate",
        "--runs",
        "0",
        "--set",
        "links.dependence-pulls-integration.parameter=5",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("outside its range"), "{}", stderr(&o));
}

#[test]
fn compare_shows_the_overlay_difference() {
    let overlay = repo().join("scenarios/overlays/nord-stream-2-from-2021.toml");
    let (o, _d) = orbit(&[
        "compare",
        "builtin",
        overlay.to_str().unwrap(),
        "--runs",
        "0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("transit_share.BLR  2021"), "{text}");
    assert!(!text.contains("transit_share.BLR  2020"), "{text}");
}

#[test]
fn backtest_2021_scores_against_baselines() {
    let (o, _d) = orbit(&[
        "backtest", "--cutoff", "2021", "--runs", "20", "--format", "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let scores = v[0]["scores"].as_array().unwrap();
    let neutrality = scores
        .iter()
        .find(|s| s["question"] == "neutrality")
        .unwrap();
    assert_eq!(neutrality["observed"], 100.0);
    assert_eq!(neutrality["status_quo_error"], 100.0);
}

#[test]
fn backtest_gas_price_table() {
    let (o, _d) = orbit(&["backtest", "--gas-price", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let r06 = rows.iter().find(|r| r["year"] == 2006).unwrap();
    assert_eq!(r06["recorded"], 46.68);
    assert_eq!(r06["persistence"], 46.68);
    assert!(r06["model"].as_f64().unwrap() > 46.68);
    assert_eq!(r06["prediction"]["reference"], 230.0);
    let (o, _d) = orbit(&["backtest", "--gas-price"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("err persistence"), "{}", stdout(&o));
}

/// Starts `orbit serve --port 0` with `extra` flags, asks it for `path` over a real socket,
/// stops it, and returns the answer and everything it wrote on stderr.
fn serve_once(extra: &[&str], path: &str) -> (String, String) {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    let runs: &[&str] = if extra.contains(&"--runs") {
        &[]
    } else {
        &["--runs", "0"]
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_orbit"))
        .args(["serve", "--port", "0"])
        .args(runs)
        .args(extra)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("orbit serve starts");
    let (tx, rx) = mpsc::channel();
    let reader = BufReader::new(child.stderr.take().unwrap());
    let lines = std::thread::spawn(move || {
        let mut all = String::new();
        for line in reader.lines().map_while(Result::ok) {
            let _ = tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut addr = None;
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(120)) {
        if let Some(rest) = line.split("http://").nth(1) {
            addr = rest.split('/').next().map(str::to_string);
            break;
        }
    }
    let answer = addr.map(|addr| {
        let mut stream = std::net::TcpStream::connect(&addr).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("an answer");
        answer
    });
    let _ = child.kill();
    let _ = child.wait();
    let stderr = lines.join().unwrap();
    (
        answer.unwrap_or_else(|| panic!("no URL printed: {stderr}")),
        stderr,
    )
}

#[test]
fn serve_answers_on_loopback_and_logs_requests() {
    let (answer, log) = serve_once(&[], "/api/timeline?actor=BLR&kind=sanction");
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains("\"kind\": \"sanction\""));
    assert!(log.contains("orbit dashboard: http://127.0.0.1:"), "{log}");
    assert!(
        log.contains("/api/timeline?actor=BLR&kind=sanction") && log.contains("status=200"),
        "{log}"
    );

    let (answer, log) = serve_once(&["--quiet"], "/nowhere");
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert_eq!(log.lines().count(), 1, "--quiet logs nothing: {log}");
}

#[test]
fn serve_rejects_a_bad_address() {
    let (o, _d) = orbit(&["serve", "--bind", "localhost:80"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// The body of an HTTP answer as JSON.
fn http_json(answer: &str) -> serde_json::Value {
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    let body = answer.split_once("\r\n\r\n").map_or("", |x| x.1);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// One plan, three surfaces: `orbit run`, the dashboard's `/api/report` and `orbit backtest
/// --rolling` compute through `orbit_pipeline` and must agree number for number, on the
/// built-in scenario and on the example (whose years hold only two of the rolling cutoffs).
#[test]
fn run_serve_and_backtest_give_the_same_numbers_for_one_plan() {
    let example = example().display().to_string();
    for scenario in [None, Some(example.as_str())] {
        let at: Vec<&str> = scenario.map_or(Vec::new(), |s| vec!["--scenario", s]);
        let plan = ["--runs", "30", "--sim-runs", "6", "--seed", "3"];
        let mut args = vec!["run", "--format", "json", "--no-report", "--quiet"];
        args.extend(plan);
        args.extend(&at);
        let (o, _d) = orbit(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let run = json_of(&o);

        let mut extra = vec!["--quiet"];
        extra.extend(plan);
        extra.extend(&at);
        let (answer, _log) = serve_once(&extra, "/api/report");
        let served = http_json(&answer);
        for key in [
            "plan",
            "forecasts",
            "dependence",
            "figure_checks",
            "transit_game",
            "simulation",
            "backtest",
            "notes",
        ] {
            assert_eq!(run[key], served[key], "`{key}` differs on {scenario:?}");
        }

        let mut args = vec![
            "backtest",
            "--rolling",
            "--runs",
            "6",
            "--seed",
            "3",
            "--format",
            "json",
            "-q",
        ];
        args.extend(&at);
        let (o, _d) = orbit(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let backtest = json_of(&o);
        assert_eq!(
            run["backtest"], backtest,
            "backtests differ on {scenario:?}"
        );
        let cutoffs: Vec<i64> = backtest
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["cutoff"].as_i64().unwrap())
            .collect();
        let want: &[i64] = if scenario.is_some() {
            &[2019, 2021]
        } else {
            &[2005, 2010, 2015, 2019, 2021]
        };
        assert_eq!(cutoffs, want);
        assert_eq!(run["plan"]["backtest_cutoffs"], serde_json::json!(want));
    }
}

/// The example scenario without its issue and links (lines 158-190 and 222 on).
fn example_without_issues(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(example()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let kept: Vec<&str> = lines[..157]
        .iter()
        .chain(&lines[190..221])
        .copied()
        .collect();
    let path = dir.join("no_issues.toml");
    std::fs::write(&path, kept.join("\n")).unwrap();
    path
}

/// `orbit args…` exits with `code` and says `needle` on stderr.
fn refuses(args: &[&str], code: i32, needle: &str) {
    let (o, _d) = orbit(args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
    assert!(
        stderr(&o).contains(needle),
        "{args:?}: `{needle}` not in {}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "{args:?} printed {}", stdout(&o));
}

#[test]
fn defect_2_conflicting_or_ignored_flags_are_refused() {
    let ex = example().display().to_string();
    let overlay = repo().join("scenarios/overlays/no-eu-sanctions-after-2020.toml");
    let overlay = overlay.display().to_string();
    refuses(
        &["forecast", "--issue", "gas_price", "--status-quo", "50"],
        1,
        "`--status-quo` applies only to an `--actors` table",
    );
    refuses(
        &[
            "compare",
            "builtin",
            &overlay,
            "--scenario",
            &ex,
            "--runs",
            "0",
        ],
        1,
        "is not used by `orbit compare`",
    );
    refuses(
        &["timeline", "--db", "x.sqlite", "--scenario", &ex],
        1,
        "name two sources of events",
    );
    refuses(
        &["run", "--no-simulation", "--sim-runs", "5", "--no-report"],
        1,
        "`--sim-runs`: is ignored when the simulation is left out",
    );
    refuses(
        &["backtest", "--gas-price", "--rolling"],
        2,
        "cannot be used with",
    );
}

#[test]
fn defect_3_years_outside_the_scenario_are_refused_with_its_range() {
    let ex = example().display().to_string();
    refuses(
        &["simulate", "--from", "1500", "--to", "1501"],
        1,
        "1991-2022",
    );
    refuses(
        &["backtest", "--cutoff", "1900"],
        1,
        "must lie in 1991-2021",
    );
    refuses(
        &["backtest", "--cutoff", "2050"],
        1,
        "must lie in 1991-2021",
    );
    refuses(
        &["--scenario", &ex, "transit", "--epoch", "2000"],
        1,
        "must lie in 2019-2022",
    );
}

#[test]
fn defect_14_unbounded_years_and_runs_are_refused_not_wrapped() {
    refuses(
        &["simulate", "--from=-2147483648", "--to=-2147483640"],
        1,
        "cannot start in -2147483648",
    );
    refuses(
        &["backtest", "--cutoff=-2147483648"],
        1,
        "outside the scenario's years",
    );
    refuses(
        &["simulate", "--from=2000000000", "--to=2000000000"],
        1,
        "1991-2022",
    );
    refuses(
        &["run", "--sim-to", "2147483647", "--no-report"],
        1,
        "cannot end in 2147483647",
    );
    refuses(&["simulate", "--runs", "1000000"], 1, "above the limit");
}

#[test]
fn defect_5_empty_results_are_refused_with_a_message() {
    refuses(
        &["dependence", "--actor", "RUS", "--partner", "BLR"],
        1,
        "no dependence figures for RUS on BLR",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = example_without_issues(dir.path()).display().to_string();
    let (o, _d) = orbit(&["validate", &path]);
    assert!(o.status.success(), "{}", stderr(&o));
    refuses(
        &["--scenario", &path, "forecast"],
        1,
        "has no contested issues to forecast",
    );
}

#[test]
fn defect_6_rounds_beyond_the_documented_maximum_are_refused() {
    refuses(
        &["forecast", "--rounds", "1000", "--stop", "fixed"],
        1,
        "allowed are 1 to 100 rounds",
    );
}

#[test]
fn defect_7_transit_with_no_supply_says_why_there_are_no_shares() {
    refuses(&["transit", "--supply", "0"], 1, "nothing to share");
}

#[test]
fn defect_11_errors_say_it_once_and_name_what_is_known() {
    let (o, _d) = orbit(&["run", "--scenario", "missing.toml", "--no-report"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).matches("No such file").count(),
        1,
        "{}",
        stderr(&o)
    );
    refuses(
        &["timeline", "--actor", "XYZ"],
        1,
        "the store's actors are ARM",
    );
}

#[test]
fn defect_12_counts_are_singular_and_the_years_shown_once() {
    let ex = example().display().to_string();
    let (o, _d) = orbit(&[
        "--scenario",
        &ex,
        "run",
        "--no-report",
        "--no-simulation",
        "--runs",
        "0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains(" 1 claim,"), "{text}");
    assert!(text.contains(" 1 pipeline,"), "{text}");
    let (o, _d) = orbit(&["run", "--no-report", "--no-simulation", "--runs", "0"]);
    let text = stdout(&o);
    assert_eq!(text.matches("1991-2022").count(), 1, "{text}");
}

/// Defect 10 of issue 15: generic code named Belarus and the essay whatever the scenario.
/// With focus and patron swapped, the gas-price text and column name the scenario's own
/// actors, and the cutoff note no longer speaks of the essay.
#[test]
fn defect_10_generic_output_names_the_scenarios_actors() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example())
        .unwrap()
        .replacen("focus = \"BLR\"", "focus = \"RUS\"", 1)
        .replacen("patron = \"RUS\"", "patron = \"BLR\"", 1);
    let path = dir.path().join("swapped.toml");
    std::fs::write(&path, text).unwrap();
    let path = path.display().to_string();
    let (o, _d) = orbit(&[
        "--scenario",
        &path,
        "backtest",
        "--cutoff",
        "2020",
        "--runs",
        "3",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("RUS share"), "{out}");
    assert!(!out.contains("BLR share"), "{out}");
    assert!(
        out.contains("weights the BLR and RUS Shapley values"),
        "{out}"
    );
    assert!(!out.contains("essay"), "{out}");
}

/// Defect 9 of issue 15: `compare`'s one `difference` column was the median run's change,
/// which can have the other sign than the central run's, with nothing saying which it was.
/// Both changes are shown, named; the CSV has full precision and snake_case headers.
#[test]
fn defect_9_compare_shows_the_median_and_the_central_change() {
    let overlay = repo().join("scenarios/overlays/nord-stream-2-from-2021.toml");
    let overlay = overlay.to_str().unwrap();
    let (o, _d) = orbit(&["compare", "builtin", overlay, "--runs", "10", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("p50 change"), "{}", stdout(&o));
    assert!(stdout(&o).contains("central change"), "{}", stdout(&o));
    let args = [
        "compare", "builtin", overlay, "--runs", "10", "-q", "--format", "csv",
    ];
    let (o, _d) = orbit(&args);
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "series,year,base_p50,overlay_p50,p50_difference,base_central,overlay_central,central_difference"
        )
    );
    for line in lines {
        let cells: Vec<f64> = line
            .split(',')
            .skip(2)
            .map(|c| c.parse().unwrap())
            .collect();
        assert_eq!(cells[2], cells[1] - cells[0], "{line}");
        assert_eq!(cells[5], cells[4] - cells[3], "{line}");
    }
}

/// Defect 1 of issue 15: CSV is for programs. `forecast --format csv` has every model's
/// forecast (the EUM's too) and the Monte Carlo results; `backtest --format csv` has
/// snake_case headers, full precision and empty cells for missing numbers; `dependence`
/// has its HHI rows; `simulate` is not rounded.
#[test]
fn defect_1_csv_has_every_result_at_full_precision() {
    let (o, _d) = orbit(&[
        "forecast",
        "--issue",
        "gas_price",
        "--runs",
        "20",
        "--format",
        "csv",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("gas_price,eum,forecast,,,"), "{text}");
    assert!(text.contains("gas_price,eum,mc_p95,,,"), "{text}");
    assert!(text.contains("gas_price,nbs,mc_mean,,,"), "{text}");

    let (o, _d) = orbit(&[
        "backtest", "--cutoff", "2019", "--runs", "3", "-q", "--format", "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(!header.contains(' '), "{header}");
    assert!(header.contains("status_quo_error"), "{header}");
    assert!(!text.contains(",-"), "{text}");
    let decimals = text
        .split([',', '\n'])
        .filter_map(|c| c.split_once('.').map(|(_, d)| d.len()))
        .max()
        .unwrap();
    assert!(decimals > 3, "rounded: {text}");

    let (o, _d) = orbit(&["dependence", "--format", "csv"]);
    assert!(stdout(&o).contains(",exports_hhi_upper,"), "{}", stdout(&o));

    let (o, _d) = orbit(&[
        "simulate", "--runs", "3", "-q", "--to", "2020", "--format", "csv",
    ]);
    let decimals = stdout(&o)
        .split([',', '\n'])
        .filter_map(|c| c.split_once('.').map(|(_, d)| d.len()))
        .max()
        .unwrap();
    assert!(decimals > 3, "rounded: {}", stdout(&o));
}

/// Defect 1 of issue 15: `run --format csv` printed only the dependence table; it now has
/// every table of the report in one long CSV.
#[test]
fn defect_1_run_csv_has_every_table_of_the_report() {
    let (o, _d) = orbit(&[
        "run",
        "--format",
        "csv",
        "--no-report",
        "--runs",
        "10",
        "--sim-runs",
        "2",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("table,row,column,value\n"),
        "{}",
        &text[..200]
    );
    for table in [
        "dependence",
        "forecasts",
        "monte_carlo",
        "backtest",
        "simulation_fans",
    ] {
        assert!(text.contains(&format!("\n{table}")), "no `{table}` rows");
    }
}
