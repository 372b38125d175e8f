//! End-to-end tests of `orbit serve` (over a real socket) and its agreement with `orbit run`.

mod common;

use common::*;

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
