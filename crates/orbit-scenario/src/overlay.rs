//! Counterfactual overlays: a second TOML file with the same sections, merged over a scenario
//! for one run without editing it, and `--set section.id.field=value` edits.
//!
//! Merge rules (`docs/scenario.md`, "Overlays"): keys of `[scenario]` replace the base's; an
//! entry of an array section whose `id` matches a base entry replaces that entry's keys one by
//! one (`drop = true` removes the entry instead); any other entry is appended. Sections
//! without ids (`indicators`, `trade`, `energy`) can only be appended to. The merged text is
//! then validated like any scenario, so every rule still holds.

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
/// applied, validated. Diagnostics point into the merged text, named `base + overlays`.
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
    Ok(load_str(&name, &merged)?)
}
