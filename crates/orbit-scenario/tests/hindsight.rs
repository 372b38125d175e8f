//! The strict hindsight check on the built-in scenario (`dated_codings = true`): a copy that
//! reintroduces one leak of each kind fails with every leak located at its line and column,
//! and a coding whose date or rationale is removed is located too.

use orbit_scenario::{ScenarioError, load_str};

const BUILTIN: &str = include_str!("../../../scenarios/union-state.toml");

/// (message, line, column) of every problem of `text`, which must be invalid.
fn problems(text: &str) -> Vec<(String, usize, usize)> {
    match load_str("union-state.toml", text) {
        Ok(_) => panic!("the copy was accepted"),
        Err(ScenarioError::Invalid(d)) => d
            .problems
            .into_iter()
            .map(|p| {
                let l = p.location.expect("every hindsight problem is located");
                (p.message, l.line, l.column)
            })
            .collect(),
        Err(other) => panic!("{other}"),
    }
}

/// Replaces `old` (which must occur once) by `new`; returns the text and the 1-based line
/// and column where `new` starts.
fn replace_once(text: &str, old: &str, new: &str) -> (String, usize, usize) {
    assert_eq!(text.matches(old).count(), 1, "`{old}` must occur once");
    let at = text.find(old).unwrap();
    let out = text.replacen(old, new, 1);
    let line = out[..at].matches('\n').count() + 1;
    let column = at - out[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
    (out, line, column)
}

#[test]
fn the_builtin_scenario_passes_the_strict_hindsight_check() {
    assert!(BUILTIN.contains("\ndated_codings = true\n"));
    let world = orbit_scenario::builtin().unwrap();
    for issue in &world.issues {
        assert!(issue.status_quo_source_date.is_some(), "{}", issue.id);
        for p in &issue.positions {
            for d in [
                p.source_date,
                p.salience_source_date,
                p.capability_source_date,
            ] {
                let d = d.expect("dated");
                assert!(d.first_day() <= issue.as_of.last_day(), "{}: {d}", issue.id);
            }
            assert!(
                p.salience_rationale
                    .as_deref()
                    .is_some_and(|r| !r.is_empty())
            );
            assert!(
                p.capability_rationale
                    .as_deref()
                    .is_some_and(|r| !r.is_empty())
            );
        }
    }
}

#[test]
fn a_copy_with_one_leak_of_each_kind_fails_with_each_located() {
    let leaks = [
        // A position of the 2015 air-base coding resting on a fact of 2021.
        (
            "source_date = \"2015-09-18\"",
            "source_date = \"2019-03-17\"",
            "the position's source is dated 2019-03-17, after the issue's as_of 2015-10",
            "source_date = ".len(),
        ),
        (
            "salience_source_date = \"2015-09-19\"",
            "salience_source_date = \"2016-01-13\"",
            "the salience's source is dated 2016-01-13, after the issue's as_of 2015-10",
            "salience_source_date = ".len(),
        ),
        (
            "capability_source_date = \"2020-04-02\"",
            "capability_source_date = \"2022-01-02\"",
            "the capability's source is dated 2022-01-02, after the issue's as_of 2021-08",
            "capability_source_date = ".len(),
        ),
        (
            "status_quo_source_date = \"2021-08-31\"",
            "status_quo_source_date = \"2021-09-15\"",
            "the status quo's source is dated 2021-09-15, after the issue's as_of 2021-08",
            "status_quo_source_date = ".len(),
        ),
        (
            "capability_source_date = \"2017-02-27\"\n\n[[issues.outcomes]]\ndate = \"2021-11-09\"",
            "capability_source_date = \"2017-02-27\"\n\n[[issues.outcomes]]\ndate = \"2020-12-23\"",
            "the outcome is dated 2020-12-23, before the issue's as_of 2021-08",
            "capability_source_date = \"2017-02-27\"\n\n[[issues.outcomes]]\ndate = ".len(),
        ),
    ];
    let mut text = BUILTIN.to_string();
    for (old, new, _, _) in &leaks {
        text = replace_once(&text, old, new).0;
    }
    let found = problems(&text);
    assert_eq!(found.len(), leaks.len(), "one problem per leak: {found:?}");
    for (_, new, message, offset) in &leaks {
        assert_eq!(text.matches(new).count(), 1, "`{new}` is the leak only");
        let at = text.find(new).unwrap() + offset;
        let line = text[..at].matches('\n').count() + 1;
        let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
        assert!(
            found
                .iter()
                .any(|(m, l, c)| m.contains(message) && *l == line && *c == column),
            "`{message}` at {line}:{column} not in {found:?}"
        );
    }
}

#[test]
fn a_missing_date_or_rationale_is_located_at_the_coded_value() {
    // Drop the status quo date of the political prisoners: the error points at `status_quo`.
    let (text, _, _) = replace_once(BUILTIN, "status_quo_source_date = \"2021-08-31\"\n", "");
    let found = problems(&text);
    let sq = text.find("status_quo = 73.0").unwrap();
    let line = text[..sq].matches('\n').count() + 1;
    assert!(
        found
            .iter()
            .any(|(m, l, _)| m.contains("has no `status_quo_source_date`") && *l == line),
        "{found:?}"
    );
    // Drop one salience rationale (Gazprom's on the gas price): located at that salience.
    let gazprom = BUILTIN
        .find("actor = \"GAZPROM\"\nposition = 203.0")
        .unwrap();
    let start = gazprom + BUILTIN[gazprom..].find("salience_rationale = ").unwrap();
    let end = start + BUILTIN[start..].find('\n').unwrap() + 1;
    let text = format!("{}{}", &BUILTIN[..start], &BUILTIN[end..]);
    let found = problems(&text);
    let salience = gazprom + text[gazprom..].find("salience = 0.7").unwrap() + "salience = ".len();
    let line = text[..salience].matches('\n').count() + 1;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].0.contains("has no `salience_rationale`"),
        "{found:?}"
    );
    assert_eq!(found[0].1, line);
}

#[test]
fn without_dated_codings_undated_codings_are_accepted() {
    let (text, _, _) = replace_once(BUILTIN, "\ndated_codings = true\n", "\n");
    let (text, _, _) = replace_once(&text, "status_quo_source_date = \"2021-08-31\"\n", "");
    assert!(load_str("union-state.toml", &text).is_ok());
}
