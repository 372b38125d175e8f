//! The backtest scores each cutoff with the coding of each issue that was known at it: the
//! latest dated snapshot (`World::issue_snapshot_at`), never a later one, never two at once.

use orbit_models::backtest::{QuestionKind, ROLLING_CUTOFFS, backtest, cutoff_world};
use orbit_models::simulation::SimulationSettings;
use orbit_scenario::{PartialDate, World};

fn builtin() -> World {
    orbit_scenario::builtin().expect("the built-in scenario is valid")
}

fn settings() -> SimulationSettings {
    SimulationSettings {
        runs: 8,
        seed: 11,
        ..SimulationSettings::default()
    }
}

fn year(y: i32) -> PartialDate {
    PartialDate {
        year: y,
        month: None,
        day: None,
    }
}

fn question_of(issue: &orbit_scenario::Issue) -> &str {
    issue.snapshot_of.as_deref().unwrap_or(&issue.id)
}

#[test]
fn each_cutoff_keeps_one_coding_per_question_the_latest_known() {
    let world = builtin();
    for cutoff in ROLLING_CUTOFFS {
        let (past, notes) = cutoff_world(&world, cutoff);
        let mut questions: Vec<&str> = past.issues.iter().map(question_of).collect();
        let n = questions.len();
        questions.sort();
        questions.dedup();
        assert_eq!(
            questions.len(),
            n,
            "cutoff {cutoff}: two codings of one question"
        );
        for issue in &past.issues {
            let expected = world
                .issue_snapshot_at(question_of(issue), year(cutoff))
                .expect("a kept coding was known");
            assert_eq!(issue.id, expected.id, "cutoff {cutoff}");
            assert!(issue.as_of.year <= cutoff);
            if world
                .issues
                .iter()
                .filter(|i| question_of(i) == question_of(issue))
                .count()
                > 1
            {
                assert!(
                    notes
                        .iter()
                        .any(|m| m.contains(&format!("coding `{}`", issue.id))),
                    "cutoff {cutoff}: which snapshot was used is reported: {notes:?}"
                );
            }
        }
    }
}

#[test]
fn the_2021_cutoff_scores_the_2021_coding_of_the_air_base_not_the_2015_one() {
    let bt = backtest(&builtin(), 2021, &settings()).unwrap();
    let issues: Vec<_> = bt
        .scores
        .iter()
        .filter(|s| s.kind == QuestionKind::Issue)
        .collect();
    assert!(issues.iter().any(|s| s.question == "russian_air_base"));
    assert!(issues.iter().all(|s| s.question != "russian_air_base_2015"));
    assert!(
        bt.notes
            .iter()
            .any(|n| n.contains("`russian_air_base_2015`") && n.contains("skipped"))
    );
    for s in &issues {
        let as_of = s
            .coding_as_of
            .as_deref()
            .expect("issue scores name their coding");
        assert!(as_of[..4].parse::<i32>().unwrap() <= 2021);
    }
}

/// A coding dated after the cutoff must change nothing in the cutoff's scores; the same
/// coding dated inside the cutoff year (after the built-in 2019-11 one) must be the one scored.
#[test]
fn a_later_snapshot_cannot_leak_into_an_earlier_cutoff() {
    let world = builtin();
    let base = world
        .issue("russian_air_base_2019")
        .expect("the 2019 coding")
        .clone();
    let with_snapshot = |as_of: &str| {
        let mut w = world.clone();
        let mut later = base.clone();
        later.id = "russian_air_base_probe".into();
        later.as_of = PartialDate::parse(as_of).unwrap();
        later.status_quo = 60.0;
        for p in &mut later.positions {
            p.position = 100.0 - p.position;
        }
        w.issues.push(later);
        w
    };
    let clean = backtest(&world, 2019, &settings()).unwrap();
    let leaky = backtest(&with_snapshot("2020-06"), 2019, &settings()).unwrap();
    assert_eq!(
        clean.scores, leaky.scores,
        "a snapshot as of 2020 changed the 2019 backtest"
    );
    let known = backtest(&with_snapshot("2019-12"), 2019, &settings()).unwrap();
    let air: Vec<_> = known
        .scores
        .iter()
        .filter(|s| s.kind == QuestionKind::Issue && s.question.starts_with("russian_air_base"))
        .collect();
    assert!(!air.is_empty());
    assert!(
        air.iter()
            .all(|s| s.question == "russian_air_base_probe" && s.status_quo == 60.0),
        "the coding known at 2019 is scored, and only it"
    );
}

/// Every question has an Oct 2015 coding, so the 2015 cutoff scores each of them with it; the
/// reference prices and the spatial issue it sees are those known by the end of 2015.
#[test]
fn the_2015_cutoff_scores_every_question_with_its_2015_coding() {
    let world = builtin();
    let mut questions: Vec<&str> = world.issues.iter().map(question_of).collect();
    questions.sort();
    questions.dedup();
    let (past, _) = cutoff_world(&world, 2015);
    let mut known: Vec<&str> = past.issues.iter().map(|i| i.id.as_str()).collect();
    known.sort();
    let expected: Vec<String> = questions.iter().map(|q| format!("{q}_2015")).collect();
    assert_eq!(known, expected);
    assert!(past.benchmarks.iter().all(|b| b.year <= 2015));
    assert!(
        past.spatial_issues.is_empty(),
        "the 2-D air base is coded as of 2021-08"
    );
    let bt = backtest(&world, 2015, &settings()).unwrap();
    for q in &questions {
        assert!(
            bt.scores
                .iter()
                .any(|s| s.kind == QuestionKind::Issue && s.question == format!("{q}_2015")),
            "`{q}` is scored at the 2015 cutoff"
        );
    }
}
