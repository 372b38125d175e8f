//! TOML text → raw structs, collecting every problem rather than stopping at the first.
//!
//! The document is parsed once into a spanned tree (`toml::de::DeTable`); each entry of each
//! array of tables is then deserialized on its own, so one bad actor does not hide a bad
//! event further down. Spans inside the tree are document offsets, so every `Spanned` field
//! of the raw structs points into the original file.

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::diagnostic::Diagnostic;
use crate::raw::*;

/// Every section of a scenario file, as written.
#[derive(Debug, Default)]
pub struct RawScenario {
    pub meta: Option<Spanned<RawMeta>>,
    pub actors: Vec<Spanned<RawActor>>,
    pub indicators: Vec<Spanned<RawIndicator>>,
    pub trade: Vec<Spanned<RawTrade>>,
    pub energy: Vec<Spanned<RawEnergy>>,
    pub benchmarks: Vec<Spanned<RawBenchmark>>,
    pub pipelines: Vec<Spanned<RawPipeline>>,
    pub alliances: Vec<Spanned<RawAlliance>>,
    pub sanctions: Vec<Spanned<RawSanction>>,
    pub issues: Vec<Spanned<RawIssue>>,
    pub events: Vec<Spanned<RawEvent>>,
    pub claims: Vec<Spanned<RawClaim>>,
    pub links: Vec<Spanned<RawLink>>,
    /// Multi-dimensional issues for KTAB's SMP (`crate::spatial`).
    pub spatial_issues: Vec<Spanned<crate::spatial::RawSpatialIssue>>,
    /// The `[scenario]` table was there but did not parse (and was reported).
    pub meta_failed: bool,
    /// The text is empty or not TOML, so there is nothing to check further.
    pub unreadable: bool,
    /// Ids of `[[actors]]` entries that were reported as malformed: references to them are
    /// not reported again as unknown.
    pub malformed_actor_ids: Vec<String>,
    /// Nested entries (`[[issues.positions]]`, `[[pipelines.segments]]`...) that did not
    /// parse, were reported, and were set aside so that the rest of their entry could be
    /// read: the checks that count or look up nested entries consult this list, so that
    /// an entry set aside is not reported a second time as missing.
    pub set_aside: Vec<SetAside>,
}

/// One nested entry that was reported as malformed and left out of its parent entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// The top-level section of the parent entry (`issues`), or `scenario`.
    pub section: String,
    /// The parent entry's `id`, when it has a readable one.
    pub entry_id: Option<String>,
    /// The nested key (`positions`).
    pub key: String,
    /// The nested entry's `actor`, when it has a readable one (positions name their actor).
    pub actor: Option<String>,
}

/// The top-level keys a scenario may have.
pub const SECTIONS: &[&str] = &[
    "scenario",
    "actors",
    "indicators",
    "trade",
    "energy",
    "benchmarks",
    "pipelines",
    "alliances",
    "sanctions",
    "issues",
    "events",
    "claims",
    "links",
    "spatial_issues",
];

/// Parses `text`; returns what could be read and every problem met on the way.
pub fn parse(text: &str) -> (RawScenario, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut raw = RawScenario::default();
    if text.trim().is_empty() {
        problems.push(
            Diagnostic::new("the scenario file is empty", None)
                .with_hint("a scenario needs at least a `[scenario]` table and `[[actors]]`; see docs/scenario.md"),
        );
        raw.unreadable = true;
        return (raw, problems);
    }
    let (root, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        // A broken document yields a partial tree whose holes would only add noise.
        problems.extend(
            syntax_errors
                .into_iter()
                .map(|e| Diagnostic::new(toml_message(&e), e.span())),
        );
        raw.unreadable = true;
        return (raw, problems);
    }
    let root = root.into_inner();
    if root.is_empty() {
        problems.push(
            Diagnostic::new("the scenario file is empty: it has comments but no tables", None)
                .with_hint("a scenario needs at least a `[scenario]` table and `[[actors]]`; see docs/scenario.md"),
        );
        raw.unreadable = true;
        return (raw, problems);
    }
    for (key, value) in root {
        let name: &str = key.get_ref();
        let key_span = key.span();
        match name {
            "scenario" => {
                raw.meta = deserialize_one(
                    value,
                    "the `[scenario]` table",
                    name,
                    &mut problems,
                    &mut raw.set_aside,
                );
                raw.meta_failed = raw.meta.is_none();
            }
            "actors" => {
                raw.malformed_actor_ids = malformed_ids(&value);
                raw.actors = deserialize_each(value, name, &mut problems, &mut raw.set_aside);
                let parsed: Vec<&str> = raw
                    .actors
                    .iter()
                    .map(|a| a.get_ref().id.get_ref().as_str())
                    .collect();
                raw.malformed_actor_ids
                    .retain(|id| !parsed.contains(&id.as_str()));
            }
            "indicators" => {
                raw.indicators = deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            "trade" => raw.trade = deserialize_each(value, name, &mut problems, &mut raw.set_aside),
            "energy" => {
                raw.energy = deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            "benchmarks" => {
                raw.benchmarks = deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            "pipelines" => {
                raw.pipelines = deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            "alliances" => {
                raw.alliances = deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            "sanctions" => {
                raw.sanctions = deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            "issues" => {
                raw.issues = deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            "events" => {
                raw.events = deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            "claims" => {
                raw.claims = deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            "links" => raw.links = deserialize_each(value, name, &mut problems, &mut raw.set_aside),
            "spatial_issues" => {
                raw.spatial_issues =
                    deserialize_each(value, name, &mut problems, &mut raw.set_aside)
            }
            other => problems.push(
                Diagnostic::new(format!("unknown section `{other}`"), Some(key_span)).with_hint(
                    format!(
                        "the sections are {}",
                        SECTIONS
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            ),
        }
    }
    (raw, problems)
}

fn deserialize_one<T: DeserializeOwned>(
    value: Spanned<DeValue<'_>>,
    what: &str,
    section: &str,
    problems: &mut Vec<Diagnostic>,
    set_aside: &mut Vec<SetAside>,
) -> Option<Spanned<T>> {
    let span = value.span();
    if !matches!(value.get_ref(), DeValue::Table(_)) {
        problems.push(Diagnostic::new(
            format!(
                "{what} must be a table, found {}",
                value.get_ref().type_str()
            ),
            Some(span),
        ));
        return None;
    }
    // An error inside a nested entry (`[[issues.positions]]`, `[[actors.attributes]]`...) is
    // reported, that nested entry set aside, and the rest of the entry read again: one
    // misspelt key must not hide the entry's other problems (nor make every reference to it
    // "unknown").
    let mut value = value;
    loop {
        match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(parsed) => return Some(Spanned::new(span, parsed)),
            Err(e) => {
                let at = e.span();
                let nested = at
                    .clone()
                    .and_then(|at| remove_nested_entry(&mut value, &at));
                match nested {
                    Some(removed) => {
                        problems.push(
                            unknown_field_hint(Diagnostic::new(toml_message(&e), at), &e)
                                .with_context(format!(
                                    "{what}, `{}` entry {}",
                                    removed.key,
                                    removed.index + 1
                                )),
                        );
                        set_aside.push(SetAside {
                            section: section.to_string(),
                            entry_id: table_str(value.get_ref(), "id"),
                            key: removed.key,
                            actor: removed.actor,
                        });
                    }
                    None => {
                        problems.push(
                            unknown_field_hint(
                                Diagnostic::new(toml_message(&e), at.or(Some(span))),
                                &e,
                            )
                            .with_context(what),
                        );
                        return None;
                    }
                }
            }
        }
    }
}

/// A nested entry taken out of its parent by [`remove_nested_entry`].
struct Removed {
    key: String,
    /// Its place in the nested array, from 0.
    index: usize,
    actor: Option<String>,
}

/// The string value of `key` in `value` when `value` is a table and the value a string.
fn table_str(value: &DeValue<'_>, key: &str) -> Option<String> {
    Some(value.as_table()?.get(key)?.get_ref().as_str()?.to_string())
}

/// "did you mean `position`?" for an unknown field whose name is close to one the entry
/// takes (Jaro-Winkler similarity of at least 0.8, as cargo's and clap's suggestions use).
fn unknown_field_hint(problem: Diagnostic, error: &toml::de::Error) -> Diagnostic {
    match suggest_field(error.message()) {
        Some(field) => problem.with_hint(format!("did you mean `{field}`?")),
        None => problem,
    }
}

/// The expected field closest to the unknown one, read from serde's message
/// "unknown field `x`, expected one of `a`, `b`" (or "expected `a` or `b`").
fn suggest_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once('`')?;
    let (_, expected) = expected.split_once("expected")?;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(similarity, _)| *similarity >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.to_string())
}

/// Removes from the table `value` the entry of a nested array of tables whose span contains
/// `at`, and says which it was; `None` when `at` is in no nested entry.
fn remove_nested_entry(
    value: &mut Spanned<DeValue<'_>>,
    at: &std::ops::Range<usize>,
) -> Option<Removed> {
    let DeValue::Table(table) = value.get_mut() else {
        return None;
    };
    // A nested entry's span is its `[[a.b]]` header; its keys follow it, up to the next
    // header. So the entry holding `at` is the one whose header starts last before `at`.
    let mut best: Option<(usize, String, usize)> = None;
    for (key, nested) in table.iter() {
        let DeValue::Array(items) = nested.get_ref() else {
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            let start = item.span().start;
            if matches!(item.get_ref(), DeValue::Table(_))
                && start <= at.start
                && best.as_ref().is_none_or(|b| start > b.0)
            {
                best = Some((start, key.get_ref().to_string(), index));
            }
        }
    }
    let (_, key, index) = best?;
    let nested = table.iter_mut().find(|(k, _)| k.get_ref() == &key)?.1;
    let DeValue::Array(items) = nested.get_mut() else {
        return None;
    };
    let all = std::mem::replace(items, std::iter::empty().collect());
    let mut actor = None;
    *items = all
        .into_iter()
        .enumerate()
        .filter(|(i, item)| {
            if *i == index {
                actor = table_str(item.get_ref(), "actor");
            }
            *i != index
        })
        .map(|(_, item)| item)
        .collect();
    Some(Removed { key, index, actor })
}

/// The `id` strings of every entry of an array of tables, whether or not the entry is valid.
fn malformed_ids(value: &Spanned<DeValue<'_>>) -> Vec<String> {
    let DeValue::Array(items) = value.get_ref() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            Some(
                item.get_ref()
                    .as_table()?
                    .get("id")?
                    .get_ref()
                    .as_str()?
                    .to_string(),
            )
        })
        .collect()
}

fn deserialize_each<T: DeserializeOwned>(
    value: Spanned<DeValue<'_>>,
    section: &str,
    problems: &mut Vec<Diagnostic>,
    set_aside: &mut Vec<SetAside>,
) -> Vec<Spanned<T>> {
    let span = value.span();
    let DeValue::Array(items) = value.into_inner() else {
        problems.push(
            Diagnostic::new(
                format!("`{section}` must be an array of tables"),
                Some(span),
            )
            .with_hint(format!(
                "write each entry under its own `[[{section}]]` header"
            )),
        );
        return Vec::new();
    };
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let what = format!("`{section}` entry {}", i + 1);
            deserialize_one(item, &what, section, problems, set_aside)
        })
        .collect()
}

/// The error's own message, without the snippet `toml` renders when it knows the input.
fn toml_message(error: &toml::de::Error) -> String {
    error.message().trim_end_matches('\n').to_string()
}
