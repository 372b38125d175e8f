//! `orbit simulate`: the yearly simulation of the scenario (optionally with counterfactual
//! overlays), with Monte Carlo fans over the links' uncertain parameters and the issue inputs.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use orbit_models::forecast::Model;
use orbit_models::series::SeriesId;
use orbit_models::simulation::{SimulationResult, SimulationSettings, monte_carlo};
use orbit_pipeline::Limits;
use orbit_scenario::overlay::{OverlayError, load_with_overlays};
use orbit_scenario::{Variable, World};

use super::forecast::Progress;
use super::{InvalidInput, UserError};
use crate::output::{Format, Table, write_json};

/// Flags shared by `simulate`, `compare` and `backtest`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Monte Carlo runs (0: the central run only)
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub runs: usize,
    /// Seed of the runs (ChaCha8Rng, one stream per run)
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Keep the links' parameters as stated (vary only the issue inputs)
    #[arg(long)]
    pub fixed_links: bool,
    /// No progress bar
    #[arg(long, short)]
    pub quiet: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

impl RunArgs {
    pub fn settings(&self) -> Result<SimulationSettings> {
        let limit = orbit_pipeline::Limits::COMMAND_LINE.simulation_runs;
        if self.runs > limit {
            return Err(UserError::new(format!(
                "`--runs {}` is above the limit of {limit} simulation runs",
                self.runs
            ))
            .hint(format!(
                "each run keeps its whole trajectory in memory; ask for at most {limit}"
            ))
            .into());
        }
        Ok(SimulationSettings {
            runs: self.runs,
            seed: self.seed,
            vary_links: !self.fixed_links,
            ..SimulationSettings::default()
        })
    }
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// First simulated year, a year of the scenario [default: its last year minus 7]
    #[arg(long, allow_hyphen_values = true, value_name = "YEAR")]
    pub from: Option<i32>,
    /// Last simulated year, at most 50 years after the scenario's last [default: its last
    /// year plus 8]
    #[arg(long, allow_hyphen_values = true, value_name = "YEAR")]
    pub to: Option<i32>,
    /// Counterfactual overlay merged over the scenario (repeatable)
    #[arg(long, value_name = "FILE")]
    pub overlay: Vec<PathBuf>,
    /// Change one field for this run: `section.id.field=value` (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Loads the scenario (or the built-in one) with overlays and `--set` edits merged over it.
pub fn load(scenario: Option<&Path>, overlays: &[PathBuf], sets: &[String]) -> Result<World> {
    if overlays.is_empty() && sets.is_empty() {
        return super::load_world(scenario);
    }
    let (name, text) = match scenario {
        Some(path) => (
            path.display().to_string(),
            super::read_input(path, Limits::COMMAND_LINE.input_file_bytes)?,
        ),
        None => (
            orbit_scenario::BUILTIN_NAME.to_string(),
            orbit_scenario::BUILTIN_TOML.to_string(),
        ),
    };
    let overlays = overlays
        .iter()
        .map(|p| {
            super::read_input(p, Limits::COMMAND_LINE.input_file_bytes)
                .map(|t| (p.display().to_string(), t))
        })
        .collect::<Result<Vec<_>>>()?;
    load_with_overlays(&name, &text, &overlays, sets).map_err(|e| match e {
        OverlayError::Invalid(orbit_scenario::ScenarioError::Invalid(d)) => {
            InvalidInput(d.to_string()).into()
        }
        other => UserError::new(other.to_string()).into(),
    })
}

/// Runs the simulation of `world` with a progress bar; the years must lie in the scenario's
/// (and at most `Limits::horizon` years beyond).
pub fn simulate(
    world: &World,
    from: Option<i32>,
    to: Option<i32>,
    run: &RunArgs,
) -> Result<SimulationResult> {
    let settings = run.settings()?;
    let (default_from, default_to) = orbit_pipeline::default_simulation_years(world.meta.years);
    let from = from.unwrap_or(default_from);
    let to = to.unwrap_or(default_to.max(from));
    orbit_pipeline::check_simulation_years(
        world.meta.years,
        from,
        to,
        &orbit_pipeline::Limits::COMMAND_LINE,
    )
    .map_err(|e| {
        let flag = match e.setting {
            orbit_pipeline::Setting::SimulationFrom => "--from",
            _ => "--to",
        };
        super::invalid_as(flag, &e)
    })?;
    let sim = orbit_models::backtest::present_simulator(world, from, to)
        .map_err(|e| UserError::new(e.to_string()))?;
    let progress = Progress::new(settings.runs as u64, run.quiet);
    progress.set_message("simulating".to_string());
    let result = monte_carlo(&sim, &settings, &|| progress.tick())
        .map_err(|e| UserError::new(e.to_string()))?;
    progress.finish();
    Ok(result)
}

/// The long table: one row per series and year with the central run and the fan
/// ([`orbit_pipeline::export::simulation_table`]). Numbers at full precision (`for_csv`) or
/// to three decimals.
pub fn long_table(result: &SimulationResult, for_csv: bool) -> Table {
    let export = orbit_pipeline::export::simulation_table(result);
    let columns: Vec<&str> = export.columns.iter().map(String::as_str).collect();
    let mut table = Table::new(&columns).numeric(&[1, 2, 3, 4, 5]);
    let show = |x: f64| {
        if for_csv {
            x.to_string()
        } else {
            format!("{x:.3}")
        }
    };
    for row in &export.rows {
        table.push(row.iter().map(|c| c.text(show, "")).collect());
    }
    table
}

/// Whether a series is shown in the people's table (positions, saliences and compromise
/// forecasts are in JSON/CSV).
pub fn is_key_series(id: &SeriesId) -> bool {
    !matches!(
        id,
        SeriesId::Indicator(Variable::Position { .. } | Variable::Salience { .. })
            | SeriesId::IssueForecast {
                model: Model::Compromise,
                ..
            }
    )
}

/// The names of `result`'s key series ([`is_key_series`]), to select rows of its tables.
pub fn key_series_names(result: &SimulationResult) -> std::collections::HashSet<&str> {
    result
        .fans
        .iter()
        .filter(|f| is_key_series(&f.id))
        .map(|f| f.name.as_str())
        .collect()
}

pub fn run(scenario: Option<&Path>, args: &SimulateArgs) -> Result<()> {
    let world = load(scenario, &args.overlay, &args.sets)?;
    let result = simulate(&world, args.from, args.to, &args.run)?;
    let mut out = std::io::stdout().lock();
    match args.run.format {
        Format::Json => write_json(&mut out, &result),
        Format::Csv => long_table(&result, true).write_csv(&mut out),
        Format::Table => {
            use std::io::Write;
            let mut table = long_table(&result, false);
            let key = key_series_names(&result);
            table.rows.retain(|r| key.contains(r[0].as_str()));
            writeln!(
                out,
                "{} {}-{}: {} runs, seed {} ({}); central run and 5/50/95% fans",
                world.meta.id,
                result.years.first().copied().unwrap_or_default(),
                result.years.last().copied().unwrap_or_default(),
                result.runs,
                result.seed,
                result.rng
            )?;
            write!(out, "{}", table.render(48))?;
            for note in &result.notes {
                writeln!(out, "note: {note}")?;
            }
            Ok(())
        }
    }
}
