//! `orbit timeline`: query the dated events through the SQLite store.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use orbit_scenario::PartialDate;
use orbit_store::{Store, StoreError, TimelineQuery, TimelineRow};

use super::{InvalidInput, load_world};
use crate::output::{Format, Table, write_json};

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Only events involving this actor (repeat for any of several)
    #[arg(long, value_name = "CODE")]
    actor: Vec<String>,
    /// Only events of this kind, e.g. `sanction` (repeat for any of several)
    #[arg(long)]
    kind: Vec<String>,
    /// Only events on or after this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`)
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    from: Option<PartialDate>,
    /// Only events on or before this date
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    to: Option<PartialDate>,
    /// Only events whose description, note or source contains TEXT (case-insensitive)
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// Only the narrative's key events
    #[arg(long)]
    key: bool,
    /// Query this store (from `orbit store build`) instead of building one from the scenario
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

fn parse_date(text: &str) -> Result<PartialDate, String> {
    PartialDate::parse(text).map_err(|e| e.to_string())
}

/// Opens `--db PATH`, or builds an in-memory store from the scenario.
pub fn open_store(scenario: Option<&Path>, db: Option<&Path>) -> Result<Store> {
    match db {
        Some(path) => {
            if !path.exists() {
                return Err(InvalidInput(format!(
                    "error: no store at `{}`\n  = hint: create one with `orbit store build --db {}`",
                    path.display(),
                    path.display()
                ))
                .into());
            }
            Store::open(path).with_context(|| format!("cannot open the store `{}`", path.display()))
        }
        None => {
            let world = load_world(scenario)?;
            Ok(Store::build_from_world(&world)?)
        }
    }
}

pub fn run(scenario: Option<&Path>, args: &TimelineArgs) -> Result<()> {
    if let (Some(from), Some(to)) = (args.from, args.to)
        && to.last_day() < from.first_day()
    {
        return Err(InvalidInput(format!("error: `--to` {to} is before `--from` {from}")).into());
    }
    let store = open_store(scenario, args.db.as_deref())?;
    let query = TimelineQuery {
        actors: args.actor.clone(),
        kinds: args.kind.clone(),
        from: args.from,
        to: args.to,
        search: args.search.clone(),
        key_only: args.key,
        limit: None,
    };
    let rows = match store.timeline(&query) {
        Ok(rows) => rows,
        Err(e @ (StoreError::UnknownActor(_) | StoreError::UnknownKind(_))) => {
            return Err(InvalidInput(format!("error: {e}")).into());
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => write_json(&mut out, &rows),
        Format::Csv => table(&rows, false).write_csv(&mut out),
        Format::Table => {
            write!(out, "{}", table(&rows, true).render(100))?;
            writeln!(
                out,
                "\n{} event{}",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            )?;
            Ok(())
        }
    }
}

/// Events as a table; the text form leaves out the long source column.
pub fn table(rows: &[TimelineRow], for_reading: bool) -> Table {
    let mut headers = vec!["date", "kind", "actors", "description"];
    if !for_reading {
        headers = vec![
            "id",
            "date",
            "end_date",
            "kind",
            "actors",
            "description",
            "quantity",
            "unit",
            "key",
            "note",
            "source",
        ];
    }
    let mut table = Table::new(&headers);
    for r in rows {
        if for_reading {
            table.push(vec![
                r.date.clone(),
                r.kind.clone(),
                r.actors.join(","),
                r.description.clone(),
            ]);
        } else {
            table.push(vec![
                r.id.clone(),
                r.date.clone(),
                r.end_date.clone().unwrap_or_default(),
                r.kind.clone(),
                r.actors.join(";"),
                r.description.clone(),
                r.quantity.map(|q| q.to_string()).unwrap_or_default(),
                r.unit.clone().unwrap_or_default(),
                r.key.to_string(),
                r.note.clone().unwrap_or_default(),
                r.source.clone(),
            ]);
        }
    }
    table
}
