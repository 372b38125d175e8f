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
                raw.meta = deserialize_one(value, "the `[scenario]` table", &mut problems);
                raw.meta_failed = raw.meta.is_none();
            }
            "actors" => {
                raw.malformed_actor_ids = malformed_ids(&value);
                raw.actors = deserialize_each(value, name, &mut problems);
                let parsed: Vec<&str> = raw
                    .actors
                    .iter()
                    .map(|a| a.get_ref().id.get_ref().as_str())
                    .collect();
                raw.malformed_actor_ids
                    .retain(|id| !parsed.contains(&id.as_str()));
            }
            "indicators" => raw.indicators = deserialize_each(value, name, &mut problems),
            "trade" => raw.trade = deserialize_each(value, name, &mut problems),
            "energy" => raw.energy = deserialize_each(value, name, &mut problems),
            "benchmarks" => raw.benchmarks = deserialize_each(value, name, &mut problems),
            "pipelines" => raw.pipelines = deserialize_each(value, name, &mut problems),
            "alliances" => raw.alliances = deserialize_each(value, name, &mut problems),
            "sanctions" => raw.sanctions = deserialize_each(value, name, &mut problems),
            "issues" => raw.issues = deserialize_each(value, name, &mut problems),
            "events" => raw.events = deserialize_each(value, name, &mut problems),
            "claims" => raw.claims = deserialize_each(value, name, &mut problems),
            "links" => raw.links = deserialize_each(value, name, &mut problems),
            "spatial_issues" => raw.spatial_issues = deserialize_each(value, name, &mut problems),
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
    problems: &mut Vec<Diagnostic>,
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
    match T::deserialize(ValueDeserializer::from(value)) {
        Ok(parsed) => Some(Spanned::new(span, parsed)),
        Err(e) => {
            problems.push(
                Diagnostic::new(toml_message(&e), e.span().or(Some(span))).with_context(what),
            );
            None
        }
    }
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
            deserialize_one(item, &what, problems)
        })
        .collect()
}

/// The error's own message, without the snippet `toml` renders when it knows the input.
fn toml_message(error: &toml::de::Error) -> String {
    error.message().trim_end_matches('\n').to_string()
}
