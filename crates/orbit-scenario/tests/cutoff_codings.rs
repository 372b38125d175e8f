//! `World::as_of` also cuts the reference prices (`[[benchmarks]]`) and the spatial issues, and
//! `World::latest_codings` keeps exactly the latest coding of each question (issue 9).

use orbit_scenario::{PartialDate, World};

fn builtin() -> World {
    orbit_scenario::builtin().expect("the built-in scenario is valid")
}

fn question_of(issue: &orbit_scenario::Issue) -> &str {
    issue.snapshot_of.as_deref().unwrap_or(&issue.id)
}

#[test]
fn benchmarks_after_the_cutoff_are_not_known() {
    let world = builtin();
    assert!(
        world.benchmarks.iter().any(|b| b.year > 2019),
        "the built-in scenario has reference prices after 2019"
    );
    for cutoff in [2005, 2015, 2019] {
        let (past, notes) = world.as_of(cutoff);
        assert!(past.benchmarks.iter().all(|b| b.year <= cutoff));
        let kept = world.benchmarks.iter().filter(|b| b.year <= cutoff).count();
        assert_eq!(past.benchmarks.len(), kept, "every earlier year stays");
        let dropped = world.benchmarks.len() - kept;
        let expected = if dropped == 1 {
            format!("1 benchmark value dated after {cutoff} is dropped")
        } else {
            format!("{dropped} benchmark values dated after {cutoff} are dropped")
        };
        assert!(notes.iter().any(|n| n.contains(&expected)), "{notes:?}");
    }
    let (all, _) = world.as_of(world.meta.years.last + 1);
    assert_eq!(all.benchmarks.len(), world.benchmarks.len());
}

#[test]
fn a_spatial_issue_coded_after_the_cutoff_is_not_known() {
    let world = builtin();
    let issue = &world.spatial_issues[0];
    assert_eq!(issue.as_of.year, 2021);
    let (at_2020, notes) = world.as_of(2020);
    assert!(at_2020.spatial_issues.is_empty());
    assert!(
        notes
            .iter()
            .any(|n| n.contains(&format!("spatial issue `{}` is skipped", issue.id))),
        "{notes:?}"
    );
    let (at_2021, _) = world.as_of(2021);
    assert_eq!(at_2021.spatial_issues.len(), world.spatial_issues.len());
}

/// An issue dated early enough but resting on one actor's coding dated after the cutoff goes
/// whole (dropping only the actor could leave too few for the SMP); dated in time, it stays.
#[test]
fn a_spatial_issue_with_one_later_actor_coding_is_not_known() {
    let mut world = builtin();
    let early = PartialDate::parse("2019-01").unwrap();
    world.spatial_issues[0].as_of = early;
    for p in &mut world.spatial_issues[0].positions {
        p.source_date = Some(early);
    }
    let (kept, _) = world.as_of(2019);
    assert_eq!(
        kept.spatial_issues.len(),
        1,
        "every coding is dated 2019-01"
    );
    world.spatial_issues[0].positions[1].source_date = Some(PartialDate::parse("2020-03").unwrap());
    let (cut, notes) = world.as_of(2019);
    assert!(cut.spatial_issues.is_empty());
    assert!(
        notes
            .iter()
            .any(|n| n.contains("rests on a source dated 2020-03")),
        "{notes:?}"
    );
}

#[test]
fn latest_codings_keep_one_coding_per_question_the_latest() {
    let world = builtin();
    let (latest, notes) = world.latest_codings();
    let mut questions: Vec<&str> = world.issues.iter().map(question_of).collect();
    questions.sort();
    questions.dedup();
    assert_eq!(
        latest.issues.len(),
        questions.len(),
        "one coding per question"
    );
    for issue in &latest.issues {
        let newest = world
            .issues
            .iter()
            .filter(|i| question_of(i) == question_of(issue))
            .map(|i| i.as_of)
            .max()
            .unwrap();
        assert_eq!(issue.as_of, newest, "`{}` is the latest coding", issue.id);
    }
    // Every coding left out is named, with the one used instead.
    for issue in &world.issues {
        if latest.issue(&issue.id).is_none() {
            let used = latest
                .issues
                .iter()
                .find(|i| question_of(i) == question_of(issue))
                .unwrap();
            assert!(
                notes
                    .iter()
                    .any(|n| n.contains(&format!("issue `{}`", issue.id))
                        && n.contains(&format!("`{}`", used.id))),
                "no note for `{}`: {notes:?}",
                issue.id
            );
        }
    }
    // Links still point at kept issues; links of the latest codings all survive.
    for link in &latest.links {
        for v in [link.from, link.to] {
            if let orbit_scenario::Variable::Position { issue, .. }
            | orbit_scenario::Variable::Salience { issue, .. } = v
            {
                assert!(issue < latest.issues.len(), "link `{}`", link.id);
            }
        }
    }
    // Applying the rule twice changes nothing, and a scenario with no snapshots is untouched.
    let (twice, again) = latest.latest_codings();
    assert_eq!(twice.issues.len(), latest.issues.len());
    assert!(again.is_empty(), "{again:?}");
}
