//! `orbit store`: write the scenario's SQLite store to a file.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Subcommand;
use orbit_store::{Store, StoreError};

use super::timeline::store_error;
use super::{UserError, load_world};

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Build the store from the scenario and write it to PATH
    Build {
        /// Where to write the SQLite file
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// Replace PATH if it exists
        #[arg(long)]
        force: bool,
    },
}

pub fn run(scenario: Option<&Path>, command: StoreCommand) -> Result<()> {
    match command {
        StoreCommand::Build { db, force } => {
            let world = load_world(scenario)?;
            let store = Store::build_from_world(&world)?;
            match store.save_to(&db, force) {
                Err(StoreError::Exists(_)) => {
                    Err(UserError::new(format!("`{}` already exists", db.display()))
                        .hint("pass `--force` to replace it")
                        .into())
                }
                Err(e) => Err(store_error(e)),
                Ok(()) => {
                    let counts = store.counts()?;
                    eprintln!(
                        "wrote {}: {} events, {} actors, {} indicators, {} sources",
                        db.display(),
                        counts.events,
                        counts.actors,
                        counts.indicators,
                        counts.sources
                    );
                    Ok(())
                }
            }
        }
    }
}
