//! Helpers the report's tables and Vega-Lite charts share: file stems, number formats, the
//! sources of a provenance, and the transit game's shares for the transit table. (The
//! charts themselves are Vega-Lite specs: [`crate::vega`], [`crate::vega_issue`],
//! [`crate::vega_timeline`].)

pub mod network;

use orbit_models::dependence::Provenance;

/// An id reduced to `[a-z0-9_-]`, safe as a file name and an HTML id.
pub fn file_stem(id: &str) -> String {
    let stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() { "_".into() } else { stem }
}

/// The sources behind a figure's provenance.
pub(crate) fn provenance_sources(p: &Provenance) -> Vec<&str> {
    match p {
        Provenance::Sourced { source } => vec![source.as_str()],
        Provenance::Derived { sources, .. } => sources.iter().map(String::as_str).collect(),
    }
}

/// `0.451` as `45.1%`.
pub(crate) fn percent(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

/// Formats a number on an issue scale: no decimals for whole numbers, else one.
pub(crate) fn scale_value(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}
