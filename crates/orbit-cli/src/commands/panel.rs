//! `orbit panel`: the scenario's states as a dyad-year panel (peacesciencer conventions).

use std::path::Path;

use anyhow::Result;
use clap::{Args, ValueEnum};
use orbit_models::panel::dyad_years;

use super::load_world;
use crate::output::write_json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PanelFormat {
    /// One row per dyad-year with a header row; empty cells are missing values.
    Csv,
    /// `{directed, rows, notes}`; missing values are null.
    Json,
}

#[derive(Debug, Args)]
pub struct PanelArgs {
    /// One row per unordered pair (ccode1 < ccode2) instead of both directions
    #[arg(long)]
    non_directed: bool,
    #[arg(long, value_enum, default_value_t = PanelFormat::Csv)]
    format: PanelFormat,
}

pub fn run(scenario: Option<&Path>, args: &PanelArgs) -> Result<()> {
    let world = load_world(scenario)?;
    let panel = dyad_years(&world, !args.non_directed);
    let mut out = std::io::stdout().lock();
    match args.format {
        PanelFormat::Json => write_json(&mut out, &panel),
        PanelFormat::Csv => {
            // The CSV stays one table for pandas; what was left out goes to stderr.
            for note in &panel.notes {
                eprintln!("note: {note}");
            }
            let mut writer = csv::Writer::from_writer(&mut out);
            for row in &panel.rows {
                writer.serialize(row)?;
            }
            writer.flush()?;
            Ok(())
        }
    }
}
