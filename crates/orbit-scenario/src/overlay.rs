//! Counterfactual overlays: a second TOML file with the same sections, merged over a scenario
//! for one run without editing it, and `--set section.id.field=value` edits.
//!
//! Merge rules (`docs/scenario.md`, "Overlays"): keys of `[scenario]` replace the base's; an
//! entry of an array section whose `id` matches a base entry replaces that entry's keys one by
//! one (`drop = true` removes the entry instead); any other entry is appended. Sections
//! without ids (`indicators`, `trade`, `energy`) can only be appended to. The merged text is
//! then validated like any scenario, so every rule still holds.

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use toml::{Table, Value};

use crate::{ScenarioError, World, load_str};

/// Why an overlay or a `--set` could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    /// A file is not TOML.
    #[error("`{name}` is not valid TOML: {message}")]
    Syntax { name: String, message: String },
    /// A `--set` is not `section.id.field=value`.
    #[error(
        "`--set {0}` must look like `section.id.field=value`, e.g. `links.my-link.parameter=0.2`"
    )]
    SetSyntax(String),
    /// An entry to edit or drop does not exist.
    #[error("{what}: no `{section}` entry has id `{id}`")]
    UnknownId {
        what: String,
        section: String,
        id: String,
    },
    /// A section of the overlay has the wrong shape.
    #[error("`{name}`: `{section}` must be {expected}")]
    Shape {
        name: String,
        section: String,
        expected: &'static str,
    },
    /// The merged scenario does not validate.
    #[error("{0}")]
    Invalid(#[from] ScenarioError),
}

impl crate::Hint for OverlayError {
    fn hints(&self) -> Vec<String> {
        match self {
            OverlayError::UnknownId { section, .. } => vec![format!(
                "an overlay edits or drops an entry of the base scenario by its `id`; check the ids of `[[{section}]]`"
            )],
            _ => Vec::new(),
        }
    }
}

fn parse_table(name: &str, text: &str) -> Result<Table, OverlayError> {
    text.parse::<Table>().map_err(|e| OverlayError::Syntax {
        name: name.to_string(),
        message: e.message().trim_end().to_string(),
    })
}

/// Merges `overlay` into `base` by the rules in the module doc.
pub fn merge(base: &mut Table, overlay: Table, name: &str) -> Result<(), OverlayError> {
    for (section, value) in overlay {
        match value {
            Value::Table(t) => {
                let Some(Value::Table(b)) = base.get_mut(&section) else {
                    base.insert(section, Value::Table(t));
                    continue;
                };
                for (k, v) in t {
                    b.insert(k, v);
                }
            }
            Value::Array(entries) => {
                let target = base
                    .entry(section.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                let Value::Array(target) = target else {
                    return Err(OverlayError::Shape {
                        name: name.to_string(),
                        section,
                        expected: "an array of tables in the base scenario too",
                    });
                };
                for entry in entries {
                    let Value::Table(mut entry) = entry else {
                        return Err(OverlayError::Shape {
                            name: name.to_string(),
                            section,
                            expected: "an array of tables",
                        });
                    };
                    let drop = match entry.remove("drop") {
                        None => false,
                        Some(Value::Boolean(b)) => b,
                        Some(other) => {
                            return Err(OverlayError::Shape {
                                name: name.to_string(),
                                section: format!("{section}.drop"),
                                expected: if other.is_str() {
                                    "a boolean (`drop = true`, without quotes)"
                                } else {
                                    "a boolean (`drop = true`)"
                                },
                            });
                        }
                    };
                    let id = entry.get("id").and_then(|v| v.as_str()).map(str::to_string);
                    let found = id.as_ref().and_then(|id| {
                        target
                            .iter()
                            .position(|e| e.get("id").and_then(|v| v.as_str()) == Some(id.as_str()))
                    });
                    match (found, drop) {
                        (Some(i), true) => {
                            target.remove(i);
                        }
                        (Some(i), false) => {
                            if let Value::Table(b) = &mut target[i] {
                                for (k, v) in entry {
                                    b.insert(k, v);
                                }
                            }
                        }
                        (None, true) => {
                            return Err(OverlayError::UnknownId {
                                what: format!("`{name}` drops an entry"),
                                section,
                                id: id.unwrap_or_default(),
                            });
                        }
                        (None, false) => target.push(Value::Table(entry)),
                    }
                }
            }
            other => {
                base.insert(section, other);
            }
        }
    }
    Ok(())
}

/// Applies `section.id.field=value` (the value as TOML: a number, `true`, `"text"`,
/// `[1, 2]`; a bare word is taken as a string).
pub fn apply_set(base: &mut Table, assignment: &str) -> Result<(), OverlayError> {
    let bad = || OverlayError::SetSyntax(assignment.to_string());
    let (path, raw) = assignment.split_once('=').ok_or_else(bad)?;
    let (section, rest) = path.trim().split_once('.').ok_or_else(bad)?;
    let (id, field) = rest.rsplit_once('.').ok_or_else(bad)?;
    if section.is_empty() || id.is_empty() || field.is_empty() {
        return Err(bad());
    }
    let value = match format!("v = {}", raw.trim()).parse::<Table>() {
        Ok(mut t) => t.remove("v").ok_or_else(bad)?,
        Err(_) => Value::String(raw.trim().to_string()),
    };
    let unknown = || OverlayError::UnknownId {
        what: format!("`--set {assignment}`"),
        section: section.to_string(),
        id: id.to_string(),
    };
    let Some(Value::Array(entries)) = base.get_mut(section) else {
        return Err(unknown());
    };
    let entry = entries
        .iter_mut()
        .find(|e| e.get("id").and_then(|v| v.as_str()) == Some(id))
        .ok_or_else(unknown)?;
    if let Value::Table(t) = entry {
        t.insert(field.to_string(), value);
    }
    Ok(())
}

/// The scenario `base_text` with `overlays` (name, text) merged over it in order, then `sets`
/// applied, validated. The merged text is never shown: each diagnostic points at the place
/// its value came from (see [`relocate`]): the base file's or the overlay file's own line and
/// column, or the `--set` argument itself.
pub fn load_with_overlays(
    base_name: &str,
    base_text: &str,
    overlays: &[(String, String)],
    sets: &[String],
) -> Result<World, OverlayError> {
    if overlays.is_empty() && sets.is_empty() {
        return Ok(load_str(base_name, base_text)?);
    }
    let mut table = parse_table(base_name, base_text)?;
    let mut name = base_name.to_string();
    for (overlay_name, text) in overlays {
        merge(&mut table, parse_table(overlay_name, text)?, overlay_name)?;
        name = format!("{name} + {overlay_name}");
    }
    for set in sets {
        apply_set(&mut table, set)?;
        name = format!("{name} + --set {set}");
    }
    let merged = toml::to_string(&table).map_err(|e| OverlayError::Syntax {
        name: name.clone(),
        message: e.to_string(),
    })?;
    match load_str(&name, &merged) {
        Ok(world) => Ok(world),
        Err(ScenarioError::Invalid(mut diagnostics)) => {
            let mut documents = vec![(base_name, base_text)];
            documents.extend(overlays.iter().map(|(n, t)| (n.as_str(), t.as_str())));
            relocate(&mut diagnostics, &merged, &documents, sets);
            Err(ScenarioError::Invalid(diagnostics).into())
        }
        Err(other) => Err(other.into()),
    }
}

/// One step of a path into a TOML document.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// The path of the innermost value at byte `offset` of `root`, and whether the offset is on
/// the last key's name rather than its value.
fn path_at(root: &DeTable<'_>, offset: usize) -> Option<(Vec<Step>, bool)> {
    fn in_table(table: &DeTable<'_>, offset: usize, path: &mut Vec<Step>) -> Option<bool> {
        for (key, value) in table {
            let key_span = key.span();
            if key_span.contains(&offset) {
                path.push(Step::Key(key.get_ref().to_string()));
                return Some(true);
            }
            path.push(Step::Key(key.get_ref().to_string()));
            if let Some(on_key) = in_value(value, offset, path) {
                return Some(on_key);
            }
            path.pop();
        }
        None
    }
    fn in_value(value: &Spanned<DeValue<'_>>, offset: usize, path: &mut Vec<Step>) -> Option<bool> {
        match value.get_ref() {
            DeValue::Table(t) => {
                if let Some(on_key) = in_table(t, offset, path) {
                    return Some(on_key);
                }
            }
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    if let Some(on_key) = in_value(item, offset, path) {
                        return Some(on_key);
                    }
                    path.pop();
                }
            }
            _ => {}
        }
        value.span().contains(&offset).then_some(false)
    }
    let mut path = Vec::new();
    let on_key = in_table(root, offset, &mut path)?;
    Some((path, on_key))
}

/// The span of `path` in `root` (the key's name when `on_key`), as deep as the path goes.
fn span_of(root: &DeTable<'_>, path: &[Step], on_key: bool) -> Option<std::ops::Range<usize>> {
    let mut span = None;
    let mut table = Some(root);
    let mut array: Option<&toml::de::DeArray<'_>> = None;
    for (k, step) in path.iter().enumerate() {
        let value = match step {
            Step::Key(key) => {
                let (name, value) = table?.get_key_value(key.as_str())?;
                if on_key && k + 1 == path.len() {
                    return Some(name.span());
                }
                value
            }
            Step::Index(i) => array?.get(*i)?,
        };
        span = Some(value.span());
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(items) => array = Some(items),
            _ => {}
        }
    }
    span
}

/// The entries of the array section `section` of `root`.
fn entries<'a, 'i>(root: &'a DeTable<'i>, section: &str) -> &'a [Spanned<DeValue<'i>>] {
    match root.get(section).map(|v| v.get_ref()) {
        Some(DeValue::Array(items)) => items,
        _ => &[],
    }
}

fn entry_id<'a>(entry: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    match entry.get_ref() {
        DeValue::Table(t) => match t.get("id").map(|v| v.get_ref()) {
            Some(DeValue::String(id)) => Some(id.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

fn has_key(entry: &Spanned<DeValue<'_>>, key: &str) -> bool {
    matches!(entry.get_ref(), DeValue::Table(t) if t.get(key).is_some())
}

/// Where the value at `path` of the merged document came from.
#[derive(Debug, PartialEq)]
enum Origin {
    /// `documents[k]` (0 is the base) at this path.
    Document(usize, Vec<Step>),
    /// `sets[k]`.
    Set(usize),
}

/// Follows the merge rules backwards: the last `--set`, then the last overlay, that wrote
/// the value wins; an entry without an id was appended (base entries first, then each
/// overlay's in order).
fn origin(
    merged: &DeTable<'_>,
    documents: &[DeTable<'_>],
    sets: &[String],
    path: &[Step],
) -> Origin {
    let base = || Origin::Document(0, path.to_vec());
    let Some(Step::Key(section)) = path.first() else {
        return base();
    };
    match path.get(1) {
        Some(Step::Index(i)) => {
            let merged_entries = entries(merged, section);
            let Some(entry) = merged_entries.get(*i) else {
                return base();
            };
            let key = match path.get(2) {
                Some(Step::Key(key)) => Some(key.as_str()),
                _ => None,
            };
            let with_index = |k: usize| {
                let mut p = path.to_vec();
                p[1] = Step::Index(k);
                p
            };
            match entry_id(entry) {
                Some(id) => {
                    if let Some(key) = key
                        && let Some(j) = sets.iter().rposition(|set| {
                            set.split_once('=').is_some_and(|(target, _)| {
                                target.trim() == format!("{section}.{id}.{key}")
                            })
                        })
                    {
                        return Origin::Set(j);
                    }
                    for (d, document) in documents.iter().enumerate().rev() {
                        let found = entries(document, section).iter().position(|e| {
                            entry_id(e) == Some(id) && key.is_none_or(|k| has_key(e, k))
                        });
                        if let Some(k) = found {
                            return Origin::Document(d, with_index(k));
                        }
                    }
                    base()
                }
                None => {
                    let mut k = *i;
                    for (d, document) in documents.iter().enumerate() {
                        let n = entries(document, section).len();
                        if k < n {
                            return Origin::Document(d, with_index(k));
                        }
                        k -= n;
                    }
                    base()
                }
            }
        }
        Some(Step::Key(key)) => {
            let found = documents.iter().rposition(|document| {
                matches!(document.get(section.as_str()).map(|v| v.get_ref()),
                    Some(DeValue::Table(t)) if t.get(key.as_str()).is_some())
            });
            Origin::Document(found.unwrap_or(0), path.to_vec())
        }
        _ => base(),
    }
}

/// Points every problem of `diagnostics` (located in the `merged` text) at its origin: a line
/// and column of the base or of an overlay file (`documents`: name and text, the base first),
/// or the `--set` argument that wrote the value.
fn relocate(
    diagnostics: &mut crate::Diagnostics,
    merged: &str,
    documents: &[(&str, &str)],
    sets: &[String],
) {
    let Ok(merged_root) = DeTable::parse(merged) else {
        return;
    };
    let parsed: Vec<Option<Spanned<DeTable<'_>>>> = documents
        .iter()
        .map(|(_, text)| DeTable::parse(text).ok())
        .collect();
    if parsed.iter().any(Option::is_none) {
        return;
    }
    let roots: Vec<DeTable<'_>> = parsed
        .into_iter()
        .flatten()
        .map(|t| t.into_inner())
        .collect();
    for k in 0..diagnostics.problems.len() {
        let Some(span) = diagnostics.problems[k].span.clone() else {
            // A problem with no place is the merged scenario's as a whole.
            continue;
        };
        let Some((path, on_key)) = path_at(merged_root.get_ref(), span.start) else {
            continue;
        };
        match origin(merged_root.get_ref(), &roots, sets, &path) {
            Origin::Set(j) => diagnostics.relocate(k, &format!("--set {}", sets[j]), None),
            Origin::Document(d, origin_path) => {
                let (name, text) = documents[d];
                let at = span_of(&roots[d], &origin_path, on_key);
                diagnostics.relocate(k, name, at.map(|span| (text, span)));
            }
        }
    }
}
