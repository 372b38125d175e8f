//! Scenario files for orbit: loading, validation with located diagnostics, and the
//! embedded Union State scenario.
//!
//! Two layers, as in ripgrep's flag parsing: [`raw`] mirrors the TOML one to one with spans;
//! [`validate()`] resolves ids to indices and checks every rule, producing a [`World`] that
//! nothing downstream needs to check again.
//!
//! ```
//! let world = orbit_scenario::builtin().expect("the built-in scenario is valid");
//! assert_eq!(world.code(world.meta.focus), "BLR");
//! ```

pub mod actor_table;
pub mod cutoff;
pub mod diagnostic;
pub mod hint;
pub mod ktab;
pub mod overlay;
pub mod parse;
pub mod raw;
pub mod read;
pub mod spatial;
pub mod validate;
pub mod world;

use std::path::Path;

pub use diagnostic::{Diagnostic, Diagnostics, Location, counted, readable_number};
pub use hint::Hint;
pub use validate::validate;
pub use world::*;

/// The largest scenario file accepted, so a wrong path to a huge file fails fast.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The Union State scenario's TOML, as embedded in the binary.
pub const BUILTIN_TOML: &str = include_str!("../../../scenarios/union-state.toml");

/// The name diagnostics use for the embedded scenario.
pub const BUILTIN_NAME: &str = "<built-in>/union-state.toml";

/// A size limit as people write it: `1 GiB`, `64 MiB` for a whole number of them, else
/// in bytes.
fn byte_size(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file exceeds its limit ([`MAX_FILE_BYTES`] for a scenario); `size` is the size
    /// the file system reported, `None` for a file that reports none but kept going (a
    /// device, a pipe).
    #[error("`{path}` is {}", match size {
        Some(size) => format!("{size} bytes; files of this kind are limited to {}", byte_size(*limit)),
        None => format!("larger than {}, the limit for files of this kind", byte_size(*limit)),
    })]
    TooLarge {
        path: String,
        size: Option<u64>,
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("`{path}` is not UTF-8 text (first invalid byte at {line}:{column})")]
    NotUtf8 {
        path: String,
        line: usize,
        column: usize,
    },
    /// The file was read but has problems; each is located.
    #[error("{0}")]
    Invalid(Diagnostics),
}

impl ScenarioError {
    /// The located problems, when the file was read.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            ScenarioError::Invalid(d) => Some(d),
            _ => None,
        }
    }
}

/// Loads and validates the scenario at `path`.
pub fn load_file(path: &Path) -> Result<World, ScenarioError> {
    let bytes = read::read_bounded(path, MAX_FILE_BYTES)?;
    load_bytes(&path.display().to_string(), &bytes)
}

/// Validates scenario bytes; `name` is used in diagnostics.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<World, ScenarioError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ScenarioError::TooLarge {
            path: name.to_string(),
            size: Some(bytes.len() as u64),
            limit: MAX_FILE_BYTES,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => load_str(name, text),
        Err(e) => {
            let (line, column) = read::utf8_error_location(bytes, e.valid_up_to());
            Err(ScenarioError::NotUtf8 {
                path: name.to_string(),
                line,
                column,
            })
        }
    }
}

/// Validates scenario text; `name` is used in diagnostics.
pub fn load_str(name: &str, text: &str) -> Result<World, ScenarioError> {
    let (raw, mut problems) = parse::parse(text);
    if !raw.meta_failed && !raw.unreadable {
        // Entries that did parse are still checked, so one bad entry does not hide others.
        match validate(raw) {
            Ok(world) if problems.is_empty() => return Ok(world),
            Ok(_) => {}
            Err(more) => problems.extend(more),
        }
    }
    Err(ScenarioError::Invalid(Diagnostics::locate(
        name, text, problems,
    )))
}

/// The embedded Union State scenario.
pub fn builtin() -> Result<World, ScenarioError> {
    load_str(BUILTIN_NAME, BUILTIN_TOML)
}
