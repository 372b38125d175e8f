//! The embedded SQLite store of orbit: a scenario's timeline, actors, indicators, trade,
//! energy, sanctions and the sources they cite, queried by `orbit timeline` and (later) the
//! dashboard.
//!
//! A [`Store`] is built from a validated [`World`] (in memory, or saved to a file and
//! reopened), then queried with a [`TimelineQuery`]:
//!
//! ```
//! use orbit_store::{Store, TimelineQuery};
//!
//! # // The built-in scenario is the usual input; skip quietly while it is being edited.
//! # let Ok(world) = orbit_scenario::builtin() else { return Ok(()) };
//! let store = Store::build_from_world(&world)?;
//! let sanctions = store.timeline(&TimelineQuery {
//!     kinds: vec!["sanction".into()],
//!     ..Default::default()
//! })?;
//! assert!(sanctions.iter().all(|row| row.kind == "sanction"));
//! # Ok::<(), orbit_store::StoreError>(())
//! ```
//!
//! The schema is versioned: SQL files under `migrations/`, applied in order and tracked by
//! `PRAGMA user_version` (see [`SCHEMA_VERSION`]). A store from a newer orbit is refused
//! ([`StoreError::NewerSchema`]), never downgraded; a file that is not an orbit store is
//! refused ([`StoreError::NotAStore`]) and left as it was.
//!
//! **Architecture invariant**: the store holds copies of scenario facts and answers
//! queries; it computes no model numbers and keeps no global state. A [`Store`] owns one
//! SQLite connection, so it is `Send` but not `Sync`: a server shares it behind a mutex or
//! opens one per worker.

mod error;
pub mod ktab;
mod load;
mod schema;
pub mod sweep;
mod timeline;

use std::fs;
use std::path::{Path, PathBuf};

use orbit_scenario::World;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

pub use error::StoreError;
pub use load::fingerprint;
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};
pub use timeline::{TimelineQuery, TimelineRow};

/// An open orbit store: one SQLite connection, to a file or in memory.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

/// How many rows the main tables hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StoreCounts {
    pub events: usize,
    pub actors: usize,
    pub indicators: usize,
    pub trade: usize,
    pub energy: usize,
    pub sanctions: usize,
    /// Distinct source texts cited by the stored rows.
    pub sources: usize,
}

/// Which scenario a store was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioInfo {
    /// The scenario's `id`, e.g. `union-state`.
    pub id: String,
    pub name: String,
    /// [`fingerprint`] of the scenario's content when the store was built.
    pub fingerprint: String,
    /// The orbit-store version that wrote it, e.g. `orbit-store 0.1.0`.
    pub built_by: String,
}

impl Store {
    /// Opens the store at `path`, creating the file if there is none, and migrates it to
    /// [`SCHEMA_VERSION`].
    ///
    /// Fails with [`StoreError::NotAStore`] for a file that is not an orbit store and with
    /// [`StoreError::NewerSchema`] for a store from a newer orbit; neither file is changed.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Store::open_with(path.as_ref(), OpenFlags::SQLITE_OPEN_CREATE)
    }

    /// Opens the store at `path` like [`Store::open`], but fails with
    /// [`StoreError::Missing`] rather than creating a file: for reusing a store the user
    /// named, where a typo should not leave an empty store behind.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref();
        if fs::symlink_metadata(path).is_err() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        // An existing file that is not yet a store (a zero-byte file, say) is refused and
        // left as it is, not turned into a store.
        Store::open_with(path, OpenFlags::empty())
    }

    fn open_with(path: &Path, create: OpenFlags) -> Result<Store, StoreError> {
        // No `SQLITE_OPEN_URI`: a path is a path, even one that starts with `file:`.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | create;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let creating = create.contains(OpenFlags::SQLITE_OPEN_CREATE);
        Store::setup(conn, Some(path.to_path_buf()), creating)
    }

    /// An empty store in memory, at [`SCHEMA_VERSION`].
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Store::setup(conn, None, true)
    }

    fn setup(
        mut conn: Connection,
        path: Option<PathBuf>,
        create: bool,
    ) -> Result<Store, StoreError> {
        let shown = path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(StoreError::sql("configure the connection"))?;
        schema::migrate(&mut conn, &shown, create)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(StoreError::sql("configure the connection"))?;
        Ok(Store { conn, path })
    }

    /// A store in memory holding `world`; what `orbit timeline` uses when not given `--db`.
    pub fn build_from_world(world: &World) -> Result<Store, StoreError> {
        let mut store = Store::open_in_memory()?;
        store.load_world(world)?;
        Ok(store)
    }

    /// Replaces the store's contents with `world`, in one transaction: a failure leaves the
    /// previous contents in place.
    pub fn load_world(&mut self, world: &World) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction()
            .map_err(StoreError::sql("start loading the scenario"))?;
        load::load(&tx, world)?;
        tx.commit()
            .map_err(StoreError::sql("commit the loaded scenario"))
    }

    /// Writes a copy of the store to `path` with SQLite's backup API.
    ///
    /// An existing file (or symlink) at `path` is [`StoreError::Exists`] unless `overwrite`.
    /// The copy is written to a temporary file beside `path` and renamed into place, so a
    /// failure never leaves a half-written store, nor destroys the file being replaced.
    pub fn save_to(&self, path: impl AsRef<Path>, overwrite: bool) -> Result<(), StoreError> {
        let path = path.as_ref();
        let exists = |p: &Path| fs::symlink_metadata(p).is_ok();
        if !overwrite && exists(path) {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        let io = |operation, source| StoreError::Io {
            operation,
            path: path.to_path_buf(),
            source,
        };
        let Some(name) = path.file_name() else {
            let source = std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name");
            return Err(io("write the store to", source));
        };
        let mut temp = None;
        for attempt in 0..100 {
            let mut temp_name = std::ffi::OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".{}-{attempt}.tmp", std::process::id()));
            let candidate = path.with_file_name(temp_name);
            if !exists(&candidate) {
                temp = Some(candidate);
                break;
            }
        }
        let Some(temp) = temp else {
            let source = std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "no free name for a temporary file beside it",
            );
            return Err(io("write the store to", source));
        };

        let written = self
            .conn
            .backup(
                rusqlite::MAIN_DB,
                &temp,
                None::<fn(rusqlite::backup::Progress)>,
            )
            .map_err(StoreError::sql("write the store's copy"))
            .and_then(|()| {
                // Checked again: the file may have appeared while the copy was written.
                if !overwrite && exists(path) {
                    return Err(StoreError::Exists(path.to_path_buf()));
                }
                fs::rename(&temp, path).map_err(|e| io("move the store into", e))
            });
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }

    /// The events `query` selects, ordered by the first day each may mean, then by id. See
    /// [`TimelineQuery`] for what each field keeps.
    ///
    /// Errors: [`StoreError::UnknownActor`], [`StoreError::UnknownKind`],
    /// [`StoreError::EmptyRange`] for a query that cannot match by construction, and
    /// [`StoreError::Sql`] if SQLite fails.
    pub fn timeline(&self, query: &TimelineQuery) -> Result<Vec<TimelineRow>, StoreError> {
        timeline::timeline(&self.conn, query)
    }

    /// How many rows the main tables hold.
    pub fn counts(&self) -> Result<StoreCounts, StoreError> {
        let count = |table: &str| -> Result<usize, StoreError> {
            // Table names are the literals below, never user input.
            let n: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(StoreError::sql("count the store's rows"))?;
            Ok(usize::try_from(n).unwrap_or(0))
        };
        Ok(StoreCounts {
            events: count("events")?,
            actors: count("actors")?,
            indicators: count("indicators")?,
            trade: count("trade")?,
            energy: count("energy")?,
            sanctions: count("sanctions")?,
            sources: count("sources")?,
        })
    }

    /// The id of the scenario the store holds; `None` for a store nothing was loaded into.
    pub fn scenario_id(&self) -> Result<Option<String>, StoreError> {
        self.meta("scenario_id")
    }

    /// Which scenario the store holds; `None` for a store nothing was loaded into.
    pub fn scenario(&self) -> Result<Option<ScenarioInfo>, StoreError> {
        let Some(id) = self.meta("scenario_id")? else {
            return Ok(None);
        };
        Ok(Some(ScenarioInfo {
            id,
            name: self.meta("scenario_name")?.unwrap_or_default(),
            fingerprint: self.meta("fingerprint")?.unwrap_or_default(),
            built_by: self.meta("built_by")?.unwrap_or_default(),
        }))
    }

    /// Whether the store holds exactly `world` (same [`fingerprint`]): a saved store
    /// reused with `--db` may have been built from another scenario or an older version of
    /// this one.
    pub fn is_built_from(&self, world: &World) -> Result<bool, StoreError> {
        Ok(self.meta("fingerprint")?.as_deref() == Some(fingerprint(world).as_str()))
    }

    /// The actor codes in the store, sorted; for hints after [`StoreError::UnknownActor`].
    pub fn actor_codes(&self) -> Result<Vec<String>, StoreError> {
        let failed = StoreError::sql("list the actors");
        let mut statement = self
            .conn
            .prepare("SELECT code FROM actors ORDER BY code")
            .map_err(failed)?;
        statement
            .query_map([], |r| r.get(0))
            .and_then(|codes| codes.collect())
            .map_err(StoreError::sql("list the actors"))
    }

    /// The schema version recorded in the store (equal to [`SCHEMA_VERSION`] once open).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        schema::version(&self.conn)
    }

    /// The file the store lives in; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM scenario_meta WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::sql("read the scenario's metadata"))
    }
}
