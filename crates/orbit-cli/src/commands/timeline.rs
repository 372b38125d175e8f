//! `orbit timeline`: query the dated events through the SQLite store.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use orbit_scenario::PartialDate;
use orbit_store::{Store, StoreError, TimelineQuery, TimelineRow};

use super::{UserError, load_world};
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
///
/// A store built from an earlier version of the same scenario still answers, with a
/// warning, since the user asked for that file.
pub fn open_store(scenario: Option<&Path>, db: Option<&Path>) -> Result<Store> {
    if let (Some(_), Some(scenario)) = (db, scenario) {
        return Err(UserError::new(format!(
            "`--db` and `--scenario {}` name two sources of events",
            scenario.display()
        ))
        .hint("the store holds the scenario it was built from: drop `--scenario`, or build a store from it with `orbit store build --scenario FILE --db PATH`")
        .into());
    }
    let Some(path) = db else {
        let world = load_world(scenario)?;
        return Ok(Store::build_from_world(&world)?);
    };
    let store = Store::open_existing(path).map_err(store_error)?;
    if let Ok(world) = load_world(scenario)
        && store.scenario_id()?.as_deref() == Some(world.meta.id.as_str())
        && !store.is_built_from(&world)?
    {
        eprintln!(
            "warning: `{}` was built from another version of scenario `{}`\n  = hint: rebuild it with `orbit store build --db {} --force`",
            path.display(),
            world.meta.id,
            path.display()
        );
    }
    Ok(store)
}

/// Store errors the user can fix become invalid input (exit 1) with the store's hint.
pub fn store_error(error: StoreError) -> anyhow::Error {
    let user_fixable = matches!(
        error,
        StoreError::Missing(_)
            | StoreError::NotAStore(_)
            | StoreError::NewerSchema { .. }
            | StoreError::Exists(_)
            | StoreError::UnknownActor(_)
            | StoreError::UnknownKind(_)
            | StoreError::EmptyRange { .. }
    );
    if !user_fixable {
        return error.into();
    }
    let mut user = UserError::new(error.to_string());
    if let Some(hint) = error.hint() {
        user = user.hint(hint);
    }
    user.into()
}

pub fn run(scenario: Option<&Path>, args: &TimelineArgs) -> Result<()> {
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
    let rows = store.timeline(&query).map_err(|e| match &e {
        StoreError::UnknownActor(code) => {
            let known = store.actor_codes().unwrap_or_default();
            UserError::new(format!("unknown actor `{code}`"))
                .hint(format!("the store's actors are {}", known.join(", ")))
                .into()
        }
        _ => store_error(e),
    })?;
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
