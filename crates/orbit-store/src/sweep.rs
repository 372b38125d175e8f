//! The SQLite file a sweep streams its runs into (`orbit sweep --out`, `orbit.sweep(...,
//! store=...)`), one transaction per chunk, so memory stays flat however many runs there are.
//!
//! Tables:
//! - `meta(key, value)`: scenario id, design (JSON), seed, RNG, years, rows;
//! - `factors(position, name, low, high, source)` and `outcomes(position, name)`;
//! - `runs(run, <factor>..., <outcome>...)`: one row per design row, column names as in
//!   `factors` and `outcomes`; an outcome the model could not compute is NULL;
//! - `failures(run, message)`: why a run has NULL outcomes.
//!
//! With the `parquet` feature, a path ending in `.parquet` gives a Parquet file instead
//! ([`SweepSink`]): one row group per chunk, the columns `run`, the factors, the outcomes
//! (null where not computed) and `failure` (the message, null for a run that ran); `meta`,
//! `factors` and `outcomes` as JSON in the footer's key-value metadata (`orbit.meta`,
//! `orbit.factors`, `orbit.outcomes`), written when the sink is finished.

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
    #[cfg(feature = "parquet")]
    #[error(transparent)]
    Parquet(#[from] parquet::errors::ParquetError),
    /// A `.parquet` path in a build without the `parquet` feature.
    #[error("`{0}`: this build of orbit writes no Parquet")]
    NoParquet(String),
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
            SweepStoreError::NoParquet(_) => {
                Some("write SQLite (any other extension), or build with the `parquet` feature")
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

/// Refuses an existing `path` unless `overwrite`, then removes it.
fn replace(path: &Path, overwrite: bool) -> Result<(), SweepStoreError> {
    let shown = path.display().to_string();
    if path.exists() {
        if !overwrite {
            return Err(SweepStoreError::Exists(shown));
        }
        std::fs::remove_file(path).map_err(|source| SweepStoreError::Io {
            path: shown,
            source,
        })?;
    }
    Ok(())
}

/// Where a sweep's runs go: SQLite, or Parquet for a path ending in `.parquet`.
#[derive(Debug)]
pub enum SweepSink {
    Sqlite(SweepStore),
    #[cfg(feature = "parquet")]
    Parquet(ParquetSweep),
}

impl SweepSink {
    /// Whether `path` names a Parquet file (by its extension, case-insensitive).
    pub fn is_parquet(path: &Path) -> bool {
        path.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    }

    /// Creates the file as [`SweepStore::create`] does, Parquet for a `.parquet` path.
    pub fn create(
        path: &Path,
        overwrite: bool,
        meta: &[(String, String)],
        factors: &[(String, f64, f64, String)],
        outcomes: &[String],
    ) -> Result<Self, SweepStoreError> {
        if Self::is_parquet(path) {
            #[cfg(feature = "parquet")]
            return Ok(SweepSink::Parquet(ParquetSweep::create(
                path, overwrite, meta, factors, outcomes,
            )?));
            #[cfg(not(feature = "parquet"))]
            return Err(SweepStoreError::NoParquet(path.display().to_string()));
        }
        Ok(SweepSink::Sqlite(SweepStore::create(
            path, overwrite, meta, factors, outcomes,
        )?))
    }

    /// Appends one chunk of runs ([`SweepStore::write_chunk`]).
    pub fn write_chunk(
        &mut self,
        first_run: usize,
        data: &[f64],
        failures: &[(usize, String)],
    ) -> Result<(), SweepStoreError> {
        match self {
            SweepSink::Sqlite(s) => s.write_chunk(first_run, data, failures),
            #[cfg(feature = "parquet")]
            SweepSink::Parquet(p) => p.write_chunk(first_run, data, failures),
        }
    }

    /// Sets one metadata entry.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), SweepStoreError> {
        match self {
            SweepSink::Sqlite(s) => s.set_meta(key, value),
            #[cfg(feature = "parquet")]
            SweepSink::Parquet(p) => {
                p.set_meta(key, value);
                Ok(())
            }
        }
    }

    /// Completes the file (Parquet writes its footer here; SQLite has committed every chunk
    /// already). A Parquet sink dropped unfinished leaves an unreadable file.
    pub fn finish(self) -> Result<(), SweepStoreError> {
        match self {
            SweepSink::Sqlite(_) => Ok(()),
            #[cfg(feature = "parquet")]
            SweepSink::Parquet(p) => p.finish(),
        }
    }
}

/// A Parquet sweep file open for writing: one row group per chunk.
#[cfg(feature = "parquet")]
pub struct ParquetSweep {
    writer: parquet::file::writer::SerializedFileWriter<std::fs::File>,
    factors: usize,
    outcomes: usize,
    meta: Vec<(String, String)>,
}

#[cfg(feature = "parquet")]
impl std::fmt::Debug for ParquetSweep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetSweep")
            .field("factors", &self.factors)
            .field("outcomes", &self.outcomes)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "parquet")]
impl ParquetSweep {
    /// Creates the file (replacing it only when `overwrite`) with the schema `run`, the
    /// factors, the outcomes, `failure`.
    pub fn create(
        path: &Path,
        overwrite: bool,
        meta: &[(String, String)],
        factors: &[(String, f64, f64, String)],
        outcomes: &[String],
    ) -> Result<Self, SweepStoreError> {
        use std::sync::Arc;

        use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
        use parquet::file::metadata::KeyValue;
        use parquet::file::properties::WriterProperties;
        use parquet::schema::types::Type;

        replace(path, overwrite)?;
        let column = |name: &str, physical, repetition| {
            Type::primitive_type_builder(name, physical)
                .with_repetition(repetition)
                .build()
                .map(Arc::new)
        };
        let mut fields = vec![column("run", Physical::INT64, Repetition::REQUIRED)?];
        for (name, ..) in factors {
            fields.push(column(name, Physical::DOUBLE, Repetition::REQUIRED)?);
        }
        for name in outcomes {
            fields.push(column(name, Physical::DOUBLE, Repetition::OPTIONAL)?);
        }
        fields.push(Arc::new(
            Type::primitive_type_builder("failure", Physical::BYTE_ARRAY)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(Some(LogicalType::String))
                .build()?,
        ));
        let schema = Arc::new(
            Type::group_type_builder("sweep")
                .with_fields(fields)
                .build()?,
        );
        let factors_json: Vec<serde_json::Value> = factors
            .iter()
            .map(|(name, low, high, source)| {
                serde_json::json!({"name": name, "low": low, "high": high, "source": source})
            })
            .collect();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_key_value_metadata(Some(vec![
                KeyValue::new(
                    "orbit.factors".into(),
                    serde_json::Value::Array(factors_json).to_string(),
                ),
                KeyValue::new(
                    "orbit.outcomes".into(),
                    serde_json::json!(outcomes).to_string(),
                ),
            ]))
            .build();
        let file = std::fs::File::create(path).map_err(|source| SweepStoreError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let writer =
            parquet::file::writer::SerializedFileWriter::new(file, schema, Arc::new(props))?;
        Ok(ParquetSweep {
            writer,
            factors: factors.len(),
            outcomes: outcomes.len(),
            meta: meta.to_vec(),
        })
    }

    /// Writes rows `first_run ..` as one row group (NaN outcomes as null), each failed run's
    /// message in `failure`.
    pub fn write_chunk(
        &mut self,
        first_run: usize,
        data: &[f64],
        failures: &[(usize, String)],
    ) -> Result<(), SweepStoreError> {
        use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};

        let width = self.factors + self.outcomes;
        let rows = whole_rows(data, width)?;
        let mut group = self.writer.next_row_group()?;
        let mut index = 0;
        while let Some(mut column) = group.next_column()? {
            if index == 0 {
                let runs: Vec<i64> = (0..rows).map(|k| (first_run + k) as i64).collect();
                column.typed::<Int64Type>().write_batch(&runs, None, None)?;
            } else if index <= width {
                let j = index - 1;
                let values = data.iter().skip(j).step_by(width).copied();
                if j < self.factors {
                    let values: Vec<f64> = values.collect();
                    column
                        .typed::<DoubleType>()
                        .write_batch(&values, None, None)?;
                } else {
                    let mut present = Vec::with_capacity(rows);
                    let mut levels = Vec::with_capacity(rows);
                    for x in values {
                        levels.push(i16::from(!x.is_nan()));
                        if !x.is_nan() {
                            present.push(x);
                        }
                    }
                    column
                        .typed::<DoubleType>()
                        .write_batch(&present, Some(&levels), None)?;
                }
            } else {
                let mut levels = vec![0i16; rows];
                let mut messages = Vec::with_capacity(failures.len());
                let mut failed: Vec<&(usize, String)> = failures
                    .iter()
                    .filter(|(run, _)| (first_run..first_run + rows).contains(run))
                    .collect();
                failed.sort_by_key(|(run, _)| *run);
                failed.dedup_by_key(|(run, _)| *run);
                for (run, message) in failed {
                    levels[run - first_run] = 1;
                    messages.push(ByteArray::from(message.as_str()));
                }
                column
                    .typed::<ByteArrayType>()
                    .write_batch(&messages, Some(&levels), None)?;
            }
            column.close()?;
            index += 1;
        }
        group.close()?;
        Ok(())
    }

    /// Sets one metadata entry of `orbit.meta` (written by [`ParquetSweep::finish`]).
    pub fn set_meta(&mut self, key: &str, value: &str) {
        match self.meta.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.to_string(),
            None => self.meta.push((key.to_string(), value.to_string())),
        }
    }

    /// Writes the footer with the metadata.
    pub fn finish(mut self) -> Result<(), SweepStoreError> {
        let meta: serde_json::Map<String, serde_json::Value> = self
            .meta
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        self.writer
            .append_key_value_metadata(parquet::file::metadata::KeyValue::new(
                "orbit.meta".into(),
                serde_json::Value::Object(meta).to_string(),
            ));
        self.writer.close()?;
        Ok(())
    }
}

/// How many rows of `width` numbers the flat `data` holds; an error unless it holds whole
/// rows (both writers take their chunks in this layout).
fn whole_rows(data: &[f64], width: usize) -> Result<usize, SweepStoreError> {
    if width == 0 || !data.len().is_multiple_of(width) {
        return Err(SweepStoreError::Ragged {
            len: data.len(),
            width,
        });
    }
    Ok(data.len() / width)
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
        replace(path, overwrite)?;
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
        whole_rows(data, self.width)?;
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

    #[cfg(feature = "parquet")]
    #[test]
    fn parquet_rows_missing_values_and_failures_round_trip() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::Field;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.parquet");
        let factors = vec![("link.a".to_string(), 0.0, 1.0, "range".to_string())];
        let outcomes = vec!["eum.x@2030".to_string()];
        let meta = vec![("rows".to_string(), "3".to_string())];
        let mut sink = SweepSink::create(&path, false, &meta, &factors, &outcomes).unwrap();
        assert!(matches!(sink, SweepSink::Parquet(_)));
        sink.write_chunk(
            0,
            &[0.25, 1.5, 0.75, f64::NAN],
            &[(1, "no forecast".into())],
        )
        .unwrap();
        sink.write_chunk(2, &[0.5, 2.5], &[]).unwrap();
        assert!(matches!(
            sink.write_chunk(3, &[1.0], &[]),
            Err(SweepStoreError::Ragged { .. })
        ));
        sink.set_meta("failures", "1").unwrap();
        sink.finish().unwrap();

        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let metadata = reader.metadata();
        assert_eq!(metadata.num_row_groups(), 2, "one row group per chunk");
        let kv = metadata.file_metadata().key_value_metadata().unwrap();
        let get = |k: &str| {
            kv.iter()
                .find(|e| e.key == k)
                .and_then(|e| e.value.clone())
                .unwrap()
        };
        assert_eq!(get("orbit.outcomes"), r#"["eum.x@2030"]"#);
        assert!(get("orbit.factors").contains(r#""name":"link.a""#));
        let written: serde_json::Value = serde_json::from_str(&get("orbit.meta")).unwrap();
        assert_eq!(written, serde_json::json!({"rows": "3", "failures": "1"}));
        let rows: Vec<Vec<Field>> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| {
                r.unwrap()
                    .into_columns()
                    .into_iter()
                    .map(|(_, f)| f)
                    .collect()
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                vec![
                    Field::Long(0),
                    Field::Double(0.25),
                    Field::Double(1.5),
                    Field::Null
                ],
                vec![
                    Field::Long(1),
                    Field::Double(0.75),
                    Field::Null,
                    Field::Str("no forecast".into())
                ],
                vec![
                    Field::Long(2),
                    Field::Double(0.5),
                    Field::Double(2.5),
                    Field::Null
                ],
            ]
        );
        assert!(matches!(
            SweepSink::create(&path, false, &meta, &factors, &outcomes),
            Err(SweepStoreError::Exists(_))
        ));
    }

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
