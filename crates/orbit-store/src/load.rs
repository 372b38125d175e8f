//! Writing a [`World`] into the tables, and the fingerprint that identifies it.

use std::collections::HashMap;
use std::io::Write;

use orbit_scenario::{PartialDate, World};
use rusqlite::{Transaction, params};

use crate::StoreError;

/// Tables emptied before a load, children before parents.
const TABLES: &[&str] = &[
    "event_actors",
    "sanctions",
    "events",
    "indicators",
    "trade",
    "energy",
    "actors",
    "sources",
    "scenario_meta",
];

/// Replaces everything in the store with `world`, inside `tx` (the caller commits).
pub(crate) fn load(tx: &Transaction<'_>, world: &World) -> Result<(), StoreError> {
    let err = StoreError::sql;
    for table in TABLES {
        // Table names are the constants above, never user input.
        tx.execute(&format!("DELETE FROM {table}"), [])
            .map_err(err("clear the store"))?;
    }

    let mut sources = Sources::default();
    let code = |id| world.code(id);

    let meta = [
        ("scenario_id", world.meta.id.clone()),
        ("scenario_name", world.meta.name.clone()),
        ("fingerprint", fingerprint(world)),
        (
            "built_by",
            format!("orbit-store {}", env!("CARGO_PKG_VERSION")),
        ),
    ];
    {
        let mut insert = tx
            .prepare("INSERT INTO scenario_meta (key, value) VALUES (?1, ?2)")
            .map_err(err("write the scenario's metadata"))?;
        for (key, value) in meta {
            insert
                .execute(params![key, value])
                .map_err(err("write the scenario's metadata"))?;
        }
    }

    {
        let what = err("write the actors");
        let mut insert = tx
            .prepare(
                "INSERT INTO actors (code, name, kind, parent, note, source_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(what)?;
        for a in &world.actors {
            let source = sources.id(tx, &a.source)?;
            insert
                .execute(params![
                    a.code,
                    a.name,
                    a.kind.as_str(),
                    a.parent.map(code),
                    a.note,
                    source
                ])
                .map_err(err("write the actors"))?;
        }
    }

    {
        let mut insert = tx
            .prepare(
                "INSERT INTO events (id, date, date_first, date_last, precision, end_date, kind,
                                     description, quantity, unit, key, note, source_id,
                                     search_text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )
            .map_err(err("write the events"))?;
        let mut involve = tx
            .prepare(
                "INSERT OR IGNORE INTO event_actors (event_id, actor_code, position)
                 VALUES (?1, ?2, ?3)",
            )
            .map_err(err("write the events' actors"))?;
        for e in &world.events {
            let source = sources.id(tx, &e.source)?;
            let search_text = search_text(&e.description, e.note.as_deref(), &e.source);
            insert
                .execute(params![
                    e.id,
                    e.date.to_string(),
                    e.date.first_day_iso(),
                    e.date.last_day_iso(),
                    e.date.precision(),
                    e.end_date.as_ref().map(PartialDate::to_string),
                    e.kind.as_str(),
                    e.description,
                    e.quantity,
                    e.unit,
                    e.key,
                    e.note,
                    source,
                    search_text,
                ])
                .map_err(err("write the events"))?;
            for (position, &actor) in e.actors.iter().enumerate() {
                involve
                    .execute(params![e.id, code(actor), position as i64])
                    .map_err(err("write the events' actors"))?;
            }
        }
    }

    {
        let mut insert = tx
            .prepare(
                "INSERT INTO indicators (actor_code, name, year_first, year_last, value, unit,
                                         signed, estimate, note, source_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(err("write the indicators"))?;
        for i in &world.indicators {
            let source = sources.id(tx, &i.source)?;
            insert
                .execute(params![
                    code(i.actor),
                    i.name,
                    i.years.first,
                    i.years.last,
                    i.value,
                    i.unit,
                    i.signed,
                    i.estimate,
                    i.note,
                    source
                ])
                .map_err(err("write the indicators"))?;
        }
    }

    {
        let mut insert = tx
            .prepare(
                "INSERT INTO trade (reporter, partner, year, flow, value_usd, share, note,
                                    source_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(err("write the trade records"))?;
        for t in &world.trade {
            let source = sources.id(tx, &t.source)?;
            insert
                .execute(params![
                    code(t.reporter),
                    code(t.partner),
                    t.year,
                    t.flow.as_str(),
                    t.value_usd,
                    t.share,
                    t.note,
                    source
                ])
                .map_err(err("write the trade records"))?;
        }
    }

    {
        let mut insert = tx
            .prepare(
                "INSERT INTO energy (importer, exporter, commodity, year, period, price,
                                     reference_price, reference_source_id, volume, note,
                                     source_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(err("write the energy records"))?;
        for e in &world.energy {
            let source = sources.id(tx, &e.source)?;
            let reference_source = match &e.reference_source {
                Some(text) => Some(sources.id(tx, text)?),
                None => None,
            };
            insert
                .execute(params![
                    code(e.importer),
                    code(e.exporter),
                    e.commodity.as_str(),
                    e.year,
                    e.period,
                    e.price,
                    e.reference_price,
                    reference_source,
                    e.volume,
                    e.note,
                    source
                ])
                .map_err(err("write the energy records"))?;
        }
    }

    {
        let mut insert = tx
            .prepare(
                "INSERT INTO sanctions (id, imposer, target, kind, start, start_first, end_date,
                                        end_last, individuals, entities, description, event_id,
                                        note, source_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )
            .map_err(err("write the sanctions"))?;
        for s in &world.sanctions {
            let source = sources.id(tx, &s.source)?;
            insert
                .execute(params![
                    s.id,
                    code(s.imposer),
                    code(s.target),
                    s.kind.as_str(),
                    s.start.to_string(),
                    s.start.first_day_iso(),
                    s.end.as_ref().map(PartialDate::to_string),
                    s.end.as_ref().map(PartialDate::last_day_iso),
                    s.individuals,
                    s.entities,
                    s.description,
                    s.event.map(|i| world.events[i].id.as_str()),
                    s.note,
                    source
                ])
                .map_err(err("write the sanctions"))?;
        }
    }
    Ok(())
}

/// Interns source texts into the `sources` table.
#[derive(Default)]
struct Sources {
    ids: HashMap<String, i64>,
}

impl Sources {
    fn id(&mut self, tx: &Transaction<'_>, text: &str) -> Result<i64, StoreError> {
        if let Some(&id) = self.ids.get(text) {
            return Ok(id);
        }
        tx.prepare_cached("INSERT INTO sources (text) VALUES (?1)")
            .and_then(|mut s| s.execute([text]))
            .map_err(StoreError::sql("write the sources"))?;
        let id = tx.last_insert_rowid();
        self.ids.insert(text.to_string(), id);
        Ok(id)
    }
}

/// What `search` matches: the fields case-folded with Unicode rules (SQLite's own `LIKE`
/// folds ASCII only), one per line so a match does not run from one field into the next.
pub(crate) fn search_text(description: &str, note: Option<&str>, source: &str) -> String {
    let mut text = description.to_lowercase();
    text.push('\n');
    text.push_str(&note.unwrap_or_default().to_lowercase());
    text.push('\n');
    text.push_str(&source.to_lowercase());
    text
}

/// A fingerprint of the scenario's content: 16 hex digits of a 64-bit FNV-1a hash over the
/// `World`'s JSON form. Stable across runs, platforms and Rust versions (unlike std's
/// `DefaultHasher`), so a saved store can be checked against the scenario it should hold.
/// Not cryptographic: it detects edits, not tampering.
pub fn fingerprint(world: &World) -> String {
    struct Fnv(u64);
    impl Write for Fnv {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            for &b in bytes {
                self.0 ^= u64::from(b);
                self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hash = Fnv(0xCBF2_9CE4_8422_2325);
    // Serialising a World cannot fail: it has only strings, numbers, options and sequences,
    // and the writer never errors.
    let _ = serde_json::to_writer(&mut hash, world);
    format!("{:016x}", hash.0)
}
