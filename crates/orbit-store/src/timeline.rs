//! The timeline query, shared by `orbit timeline` and (later) the dashboard's
//! `/api/timeline`.

use orbit_scenario::{EventKind, PartialDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use serde::Serialize;

use crate::StoreError;

/// Which events [`Store::timeline`](crate::Store::timeline) returns. Every field narrows the
/// result; the [`Default`] query returns every event.
///
/// ```
/// # let Ok(world) = orbit_scenario::builtin() else { return Ok(()) };
/// let store = orbit_store::Store::build_from_world(&world)?;
/// let query = orbit_store::TimelineQuery {
///     actors: vec!["BLR".into()],
///     from: Some(orbit_scenario::PartialDate::parse("2020").unwrap()),
///     ..Default::default()
/// };
/// for row in store.timeline(&query)? {
///     assert!(row.actors.iter().any(|a| a == "BLR"));
///     assert!(row.date.as_str() >= "2020");
/// }
/// # Ok::<(), orbit_store::StoreError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimelineQuery {
    /// Keep events that involve *any* of these actor codes; empty keeps all. Codes match
    /// exactly, or else case-insensitively when that picks out a single actor (`blr` finds
    /// `BLR`). A code the store does not have is [`StoreError::UnknownActor`].
    pub actors: Vec<String>,
    /// Keep events of *any* of these kinds (names as in scenario files, e.g. `sanction`;
    /// case-insensitive); empty keeps all. Another name is [`StoreError::UnknownKind`].
    pub kinds: Vec<String>,
    /// Keep events whose last possible day is on or after the first day of `from`: an event
    /// dated `2004-07` is kept by `from = 2004-07-15`, since it may have happened then.
    pub from: Option<PartialDate>,
    /// Keep events whose first possible day is on or before the last day of `to`: an event
    /// dated `2021` is kept by `to = 2021-01-01`.
    ///
    /// `from` and `to` look at an event's `date` only, not its `end_date`. A `from` that
    /// starts after `to` ends is [`StoreError::EmptyRange`].
    pub to: Option<PartialDate>,
    /// Keep events whose description, note or source contains this text, ignoring case
    /// (Unicode case folding, so `мінск` finds `Мінск`). The text is literal: `%`, `_` and
    /// `\` have no special meaning. An empty text keeps all.
    pub search: Option<String>,
    /// Keep only the narrative's key events.
    pub key_only: bool,
    /// Return at most this many rows (after ordering).
    pub limit: Option<usize>,
}

/// One event of the timeline, as the CLI prints it and the dashboard sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineRow {
    pub id: String,
    /// The date as written in the scenario: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    pub end_date: Option<String>,
    pub kind: String,
    /// Actor codes in the order the scenario lists them.
    pub actors: Vec<String>,
    pub description: String,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    /// One of the narrative's key events.
    pub key: bool,
    pub note: Option<String>,
    pub source: String,
}

/// Runs `query`. Rows are ordered by the first day an event may mean, then by id. Every
/// value is bound as a parameter; only placeholders are formatted into the SQL.
pub(crate) fn timeline(
    conn: &Connection,
    query: &TimelineQuery,
) -> Result<Vec<TimelineRow>, StoreError> {
    let mut sql = String::from(
        "SELECT e.id, e.date, e.end_date, e.kind, e.description, e.quantity, e.unit, e.key,
                e.note, s.text
         FROM events e JOIN sources s ON s.id = e.source_id
         WHERE 1",
    );
    let mut values: Vec<Value> = Vec::new();

    if !query.actors.is_empty() {
        let mut codes = Vec::with_capacity(query.actors.len());
        for code in &query.actors {
            codes.push(resolve_actor(conn, code)?);
        }
        sql.push_str(" AND e.id IN (SELECT event_id FROM event_actors WHERE actor_code IN (");
        push_placeholders(&mut sql, &mut values, codes);
        sql.push_str("))");
    }

    if !query.kinds.is_empty() {
        let mut kinds = Vec::with_capacity(query.kinds.len());
        for kind in &query.kinds {
            kinds.push(resolve_kind(kind)?.to_string());
        }
        sql.push_str(" AND e.kind IN (");
        push_placeholders(&mut sql, &mut values, kinds);
        sql.push(')');
    }

    if let (Some(from), Some(to)) = (&query.from, &query.to)
        && from.first_day() > to.last_day()
    {
        return Err(StoreError::EmptyRange {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    // Stored days are `YYYY-MM-DD` with four-digit years (scenario dates are parsed that
    // way), which compare correctly as text. A bound outside those years is settled here,
    // because its ISO form (`10000-01-01`, `-001-01-01`) would not compare correctly.
    if let Some(from) = &query.from {
        match from.year {
            ..0 => {}
            10_000.. => return Ok(Vec::new()),
            _ => {
                sql.push_str(" AND e.date_last >= ?");
                values.push(Value::Text(iso(from.first_day())));
            }
        }
    }
    if let Some(to) = &query.to {
        match to.year {
            ..0 => return Ok(Vec::new()),
            10_000.. => {}
            _ => {
                sql.push_str(" AND e.date_first <= ?");
                values.push(Value::Text(iso(to.last_day())));
            }
        }
    }

    if let Some(search) = query.search.as_deref().filter(|s| !s.is_empty()) {
        let pattern = like_pattern(search);
        if pattern.len() <= MAX_LIKE_PATTERN_BYTES {
            sql.push_str(r" AND e.search_text LIKE ? ESCAPE '\'");
            values.push(Value::Text(pattern));
        } else {
            // SQLite refuses longer `LIKE` patterns; `instr` needs no escaping and has no
            // such limit, and matches the same events.
            sql.push_str(" AND instr(e.search_text, ?) > 0");
            values.push(Value::Text(search.to_lowercase()));
        }
    }

    if query.key_only {
        sql.push_str(" AND e.key = 1");
    }

    sql.push_str(" ORDER BY e.date_first, e.id");
    if let Some(limit) = query.limit {
        sql.push_str(" LIMIT ?");
        values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    }

    let failed = StoreError::sql("query the timeline");
    let mut statement = conn.prepare(&sql).map_err(failed)?;
    let mut rows = statement
        .query_map(params_from_iter(values), |r| {
            Ok(TimelineRow {
                id: r.get(0)?,
                date: r.get(1)?,
                end_date: r.get(2)?,
                kind: r.get(3)?,
                actors: Vec::new(),
                description: r.get(4)?,
                quantity: r.get(5)?,
                unit: r.get(6)?,
                key: r.get(7)?,
                note: r.get(8)?,
                source: r.get(9)?,
            })
        })
        .map_err(StoreError::sql("query the timeline"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::sql("query the timeline"))?;

    let mut actors = conn
        .prepare_cached("SELECT actor_code FROM event_actors WHERE event_id = ?1 ORDER BY position")
        .map_err(StoreError::sql("read the events' actors"))?;
    for row in &mut rows {
        row.actors = actors
            .query_map([&row.id], |r| r.get(0))
            .and_then(|codes| codes.collect())
            .map_err(StoreError::sql("read the events' actors"))?;
    }
    Ok(rows)
}

/// `YYYY-MM-DD` for a year in 0..=9999. A query's date need not come from
/// [`PartialDate::parse`], so a month or day past 99 is capped to keep two digits: stored
/// days are real calendar days, so the cap changes no comparison.
fn iso((year, month, day): (i32, u8, u8)) -> String {
    format!("{year:04}-{:02}-{:02}", month.min(99), day.min(99))
}

fn push_placeholders(sql: &mut String, values: &mut Vec<Value>, items: Vec<String>) {
    for (i, item) in items.into_iter().enumerate() {
        sql.push_str(if i == 0 { "?" } else { ", ?" });
        values.push(Value::Text(item));
    }
}

/// The stored code for `code`: exact, or else the only case-insensitive match.
fn resolve_actor(conn: &Connection, code: &str) -> Result<String, StoreError> {
    let failed = StoreError::sql("look up an actor");
    let exact: Option<String> = conn
        .prepare_cached("SELECT code FROM actors WHERE code = ?1")
        .and_then(|mut s| s.query_row([code], |r| r.get(0)).optional())
        .map_err(failed)?;
    if let Some(found) = exact {
        return Ok(found);
    }
    let folded = code.to_lowercase();
    let mut all = conn
        .prepare_cached("SELECT code FROM actors")
        .map_err(StoreError::sql("look up an actor"))?;
    let matches: Vec<String> = all
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|codes| codes.collect::<Result<Vec<_>, _>>())
        .map_err(StoreError::sql("look up an actor"))?
        .into_iter()
        .filter(|c| c.to_lowercase() == folded)
        .collect();
    match <[String; 1]>::try_from(matches) {
        Ok([found]) => Ok(found),
        Err(_) => Err(StoreError::UnknownActor(code.to_string())),
    }
}

fn resolve_kind(kind: &str) -> Result<EventKind, StoreError> {
    EventKind::ALL
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(kind))
        .map(|&(_, k)| k)
        .ok_or_else(|| StoreError::UnknownKind(kind.to_string()))
}

/// SQLite's default `SQLITE_MAX_LIKE_PATTERN_LENGTH`.
const MAX_LIKE_PATTERN_BYTES: usize = 50_000;

/// A `LIKE … ESCAPE '\'` pattern matching `text` literally anywhere in the (case-folded)
/// search text.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
