//! The versioned schema: SQL migrations tracked by `PRAGMA user_version`.
//!
//! Migration `i` (1-based) is `MIGRATIONS[i - 1]`; a store at `user_version = n` has had the
//! first `n` applied. Each runs in its own `BEGIN IMMEDIATE` transaction together with the
//! `user_version` bump, so a failure leaves the store at the previous version, and two
//! processes opening a new store at once do not both migrate it. Migrations are append-only:
//! a released one is never edited, a change is a new file.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use crate::StoreError;

/// The SQL of each migration, in order.
const MIGRATIONS: &[&str] = &[include_str!("../migrations/0001_initial.sql")];

/// The schema version this code writes and reads: the number of migrations.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// `PRAGMA application_id` of an orbit store ("ORBT" in ASCII), so that orbit recognises
/// its own files and leaves other programs' SQLite databases alone.
pub const APPLICATION_ID: i32 = 0x4F52_4254;

/// What the header of an opened database says.
struct Header {
    application_id: i32,
    user_version: u32,
    objects: i64,
}

fn header(conn: &Connection) -> rusqlite::Result<Header> {
    let application_id = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let user_version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let objects = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    Ok(Header {
        application_id,
        // `user_version` is a signed 32-bit field; a negative one is nobody's orbit version.
        user_version: u32::try_from(user_version).unwrap_or(u32::MAX),
        objects,
    })
}

/// Checks that `conn` is an orbit store (or an empty database) that this code can read, and
/// brings its schema up to [`SCHEMA_VERSION`]. `path` is for messages.
///
/// A database that is not orbit's, or is newer than this code, is refused before anything
/// is written to it; so is an empty database (a new or zero-byte file) unless `create` says
/// the caller means to make a store there.
pub(crate) fn migrate(conn: &mut Connection, path: &Path, create: bool) -> Result<(), StoreError> {
    let not_a_store = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotAStore(path.to_path_buf()),
        _ => StoreError::Sql {
            operation: "read the store's header",
            source: e,
        },
    };
    let first = header(conn).map_err(not_a_store)?;
    check(&first, path)?;
    if !create && first.application_id != APPLICATION_ID {
        return Err(StoreError::NotAStore(path.to_path_buf()));
    }

    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = index as u32 + 1;
        let failed = |source| StoreError::Migrate { version, source };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        // Read again under the write lock: another process may have migrated meanwhile.
        let now = header(&tx).map_err(failed)?;
        check(&now, path)?;
        if now.user_version >= version {
            continue;
        }
        tx.execute_batch(sql).map_err(failed)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(failed)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    Ok(())
}

fn check(h: &Header, path: &Path) -> Result<(), StoreError> {
    let fresh = h.application_id == 0 && h.user_version == 0 && h.objects == 0;
    if h.application_id != APPLICATION_ID && !fresh {
        return Err(StoreError::NotAStore(path.to_path_buf()));
    }
    if h.user_version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: h.user_version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// The schema version recorded in the store.
pub(crate) fn version(conn: &Connection) -> Result<u32, StoreError> {
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(StoreError::sql("read the schema version"))?;
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}
