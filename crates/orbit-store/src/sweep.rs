//! The SQLite file a sweep streams its runs into (`orbit sweep --out`, `orbit.sweep(...,
//! store=...)`), one transaction per chunk, so memory stays flat however many runs there are.
//!
//! Tables:
//! - `meta(key, value)`: scenario id, design (JSON), seed, RNG, years, rows;
//! - `factors(position, name, low, high, source)` and `outcomes(position, name)`;
//! - `runs(run, <factor>..., <outcome>...)`: one row per design row, column names as in
//!   `factors` and `outcomes`; an outcome the model could not compute is NULL;
//! - `failures(run, message)`: why a run has NULL outcomes.

use std::path::Path;

use rusqlite::{Connection, params};

/// A sweep file that cannot be created or written.
#[derive(Debug, thiserror::Error)]
pub enum SweepStoreError {
    /// The file exists and overwriting was not asked for.
    #[error("`{0}` already exists")]
    Exists(String),
    /// A chunk does not have `width` numbers per row.
    #[error("a chunk of {len} numbers is not whole rows of {width}")]
    Ragged { len: usize, width: usize },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot replace `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl SweepStoreError {
    /// What the user can do about it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            SweepStoreError::Exists(_) => {
                Some("pass `--force` (Python: `overwrite=True`) to replace it")
            }
            _ => None,
        }
    }
}

/// A sweep file open for writing.
#[derive(Debug)]
pub struct SweepStore {
    conn: Connection,
    width: usize,
    insert: String,
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl SweepStore {
    /// Creates the file (replacing it only when `overwrite`), with its metadata and an empty
    /// `runs` table. `factors` are `(name, low, high, source)`.
    pub fn create(
        path: &Path,
        overwrite: bool,
        meta: &[(String, String)],
        factors: &[(String, f64, f64, String)],
        outcomes: &[String],
    ) -> Result<Self, SweepStoreError> {
        let shown = path.display().to_string();
        if path.exists() {
            if !overwrite {
                return Err(SweepStoreError::Exists(shown));
            }
            std::fs::remove_file(path).map_err(|source| SweepStoreError::Io {
                path: shown.clone(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        // A sweep can be rerun from its seed: speed matters more than surviving a power cut.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE factors (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                                   low REAL NOT NULL, high REAL NOT NULL, source TEXT NOT NULL);
             CREATE TABLE outcomes (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
             CREATE TABLE failures (run INTEGER NOT NULL, message TEXT NOT NULL);",
        )?;
        for (k, v) in meta {
            conn.execute("INSERT INTO meta VALUES (?1, ?2)", params![k, v])?;
        }
        for (i, (name, low, high, source)) in factors.iter().enumerate() {
            conn.execute(
                "INSERT INTO factors VALUES (?1, ?2, ?3, ?4, ?5)",
                params![i as i64, name, low, high, source],
            )?;
        }
        for (i, name) in outcomes.iter().enumerate() {
            conn.execute(
                "INSERT INTO outcomes VALUES (?1, ?2)",
                params![i as i64, name],
            )?;
        }
        let columns: Vec<String> = factors
            .iter()
            .map(|f| quote(&f.0))
            .chain(outcomes.iter().map(|o| quote(o)))
            .collect();
        let typed: Vec<String> = columns.iter().map(|c| format!("{c} REAL")).collect();
        conn.execute_batch(&format!(
            "CREATE TABLE runs (run INTEGER PRIMARY KEY, {})",
            typed.join(", ")
        ))?;
        let width = columns.len();
        let insert = format!(
            "INSERT INTO runs VALUES (?1{})",
            (2..=width + 1)
                .map(|i| format!(", ?{i}"))
                .collect::<String>()
        );
        Ok(SweepStore {
            conn,
            width,
            insert,
        })
    }

    /// Appends rows `first_run ..` (flat, `width` numbers each; NaN is stored as NULL) and
    /// their failures, in one transaction.
    pub fn write_chunk(
        &mut self,
        first_run: usize,
        data: &[f64],
        failures: &[(usize, String)],
    ) -> Result<(), SweepStoreError> {
        if self.width == 0 || !data.len().is_multiple_of(self.width) {
            return Err(SweepStoreError::Ragged {
                len: data.len(),
                width: self.width,
            });
        }
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(&self.insert)?;
            let mut values: Vec<Option<f64>> = vec![None; self.width];
            for (k, row) in data.chunks(self.width).enumerate() {
                for (v, &x) in values.iter_mut().zip(row) {
                    *v = (!x.is_nan()).then_some(x);
                }
                let run = (first_run + k) as i64;
                let params = std::iter::once(&run as &dyn rusqlite::ToSql)
                    .chain(values.iter().map(|v| v as &dyn rusqlite::ToSql));
                insert.execute(rusqlite::params_from_iter(params))?;
            }
            let mut fail = tx.prepare_cached("INSERT INTO failures VALUES (?1, ?2)")?;
            for (run, message) in failures {
                fail.execute(params![*run as i64, message])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Sets one metadata entry (e.g. the count of runs written, at the end).
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), SweepStoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta VALUES (?1, ?2)",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_missing_values_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let factors = vec![("link.a".to_string(), 0.0, 1.0, "range".to_string())];
        let outcomes = vec!["eum.x@2030".to_string()];
        let mut store = SweepStore::create(&path, false, &[], &factors, &outcomes).unwrap();
        store
            .write_chunk(
                0,
                &[0.25, 1.5, 0.75, f64::NAN],
                &[(1, "no forecast".into())],
            )
            .unwrap();
        assert!(matches!(
            store.write_chunk(2, &[1.0], &[]),
            Err(SweepStoreError::Ragged { .. })
        ));
        drop(store);
        let conn = Connection::open(&path).unwrap();
        let rows: Vec<(i64, f64, Option<f64>)> = conn
            .prepare("SELECT run, \"link.a\", \"eum.x@2030\" FROM runs ORDER BY run")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, vec![(0, 0.25, Some(1.5)), (1, 0.75, None)]);
        assert!(matches!(
            SweepStore::create(&path, false, &[], &factors, &outcomes),
            Err(SweepStoreError::Exists(_))
        ));
    }
}
