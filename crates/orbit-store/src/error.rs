//! The one error type of the store.

use std::path::PathBuf;

/// Why a store operation failed.
///
/// Messages follow the project's style: lowercase, no trailing period, paths in backticks.
/// [`StoreError::hint`] says what the user can do next, where there is something to say.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite could not open or create the file at `path`.
    #[error("cannot open the store `{path}`: {source}", path = path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// [`Store::open_existing`](crate::Store::open_existing) was given a path with no file.
    #[error("no store at `{}`", .0.display())]
    Missing(PathBuf),

    /// The file is not an SQLite database, or is one that some other program made (its
    /// `application_id` is not orbit's, or it has tables but was never an orbit store). It
    /// was not changed.
    #[error("`{}` is not an orbit store", .0.display())]
    NotAStore(PathBuf),

    /// The store was written by a newer orbit whose schema this code does not know. It is
    /// refused rather than read wrongly or downgraded.
    #[error("the store has schema version {found}, newer than the {supported} this orbit supports")]
    NewerSchema { found: u32, supported: u32 },

    /// Applying the migration to schema `version` failed; the transaction was rolled back,
    /// so the store is still at the version before it.
    #[error("cannot migrate the store to schema version {version}: {source}")]
    Migrate {
        version: u32,
        #[source]
        source: rusqlite::Error,
    },

    /// An SQLite operation failed; `operation` says which, as a phrase after "cannot".
    #[error("cannot {operation}: {source}")]
    Sql {
        operation: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    /// [`Store::save_to`](crate::Store::save_to) was asked to write over an existing file
    /// without `overwrite`.
    #[error("`{}` already exists", .0.display())]
    Exists(PathBuf),

    /// A file operation other than SQLite's failed (moving a saved store into place).
    #[error("cannot {operation} `{path}`: {source}", path = path.display())]
    Io {
        operation: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A timeline query named an actor code the store does not have.
    #[error("unknown actor `{0}`")]
    UnknownActor(String),

    /// A timeline query named an event kind that does not exist (see
    /// [`orbit_scenario::EventKind::ALL`]).
    #[error("unknown event kind `{0}`")]
    UnknownKind(String),

    /// A timeline query's `from` starts after its `to` ends, so nothing could match.
    #[error("the date range is empty: {from} is after {to}")]
    EmptyRange { from: String, to: String },
}

impl StoreError {
    /// What the user can do about the error, when there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            StoreError::Missing(_) => {
                Some("write one with `orbit store build --db PATH` first".to_string())
            }
            StoreError::NotAStore(_) => {
                Some("pass a file written by `orbit store build`, or a new path".to_string())
            }
            StoreError::NewerSchema { .. } => Some(
                "upgrade orbit, or rebuild the store with this version of `orbit store build`"
                    .to_string(),
            ),
            StoreError::Exists(_) => {
                Some("choose another path, or ask for the existing file to be replaced".to_string())
            }
            StoreError::UnknownKind(_) => Some(format!(
                "event kinds are: {}",
                orbit_scenario::EventKind::names()
            )),
            _ => None,
        }
    }

    pub(crate) fn sql(operation: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
        move |source| StoreError::Sql { operation, source }
    }
}
