//! `orbit`: an executable, checkable model of an asymmetric alliance.
//!
//! The binary is glue: it parses flags, loads the scenario, calls the library crates and
//! formats their results. Exit codes: 0 success, 1 invalid input (a scenario or query that
//! does not check), 2 any other error (including bad flags).

mod commands;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::Format;

/// orbit turns a written account of an asymmetric alliance into an executable, checkable
/// model. Every command runs on the built-in Russia–Belarus Union State scenario unless
/// `--scenario FILE` names another.
#[derive(Debug, Parser)]
#[command(name = "orbit", version, max_term_width = 100)]
struct Cli {
    /// Scenario file (TOML) to use instead of the built-in Union State scenario
    #[arg(long, global = true, value_name = "FILE")]
    scenario: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The main job: a report of the scenario, printed and written as HTML with charts
    Run(commands::run::RunArgs),
    /// Check a scenario file and print every problem with file, line and column
    Validate {
        /// Scenario file to check (default: `--scenario`, else the built-in one)
        file: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Bargaining forecasts (expected utility model and baselines) with Monte Carlo sensitivity
    Forecast(commands::forecast::ForecastArgs),
    /// Query the dated event timeline
    Timeline(commands::timeline::TimelineArgs),
    /// Interdependence indices (partner shares, HHI, trade dependence, energy subsidy)
    Dependence(commands::dependence::DependenceArgs),
    /// Dyad-year panel of the scenario's states (COW codes, ISO3, trade, alliances, sanctions, gas)
    Panel(commands::panel::PanelArgs),
    /// Shapley, Banzhaf, core and nucleolus of a TU game or pipeline network (JSON)
    Game {
        #[command(subcommand)]
        command: commands::game::GameCommand,
    },
    /// Transit power: the scenario's gas pipelines as a network game per epoch
    Transit(commands::transit::TransitArgs),
    /// The gas disputes of 2004, 2006-07 and 2010 as escalation games; Gambit export
    Dispute(commands::dispute::DisputeArgs),
    /// Yearly simulation with Monte Carlo fans, optionally with counterfactual overlays
    Simulate(commands::simulate::SimulateArgs),
    /// Difference between the simulation of a scenario and of the scenario with an overlay
    Compare(commands::compare::CompareArgs),
    /// Score simulated forecasts from a cutoff year against what happened, with baselines
    Backtest(commands::backtest::BacktestArgs),
    /// Fit the patron-client bargain on the record up to a cutoff, or backtest it (`--backtest`)
    Calibrate(commands::calibrate::CalibrateArgs),
    /// The dashboard: pages and a JSON API on http://127.0.0.1:8080/
    Serve(commands::serve::ServeArgs),
    /// Run the simulation over an experiment design of the uncertain inputs, streamed to SQLite
    Sweep(commands::sweep::SweepArgs),
    /// KTAB's Spatial Model of Politics on a KTAB input file (CSV or XML), as KTAB's `smpc` runs it
    Smp(commands::smp::SmpArgs),
    /// Manage the SQLite store of events, indicators and sources
    Store {
        #[command(subcommand)]
        command: commands::store::StoreCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => commands::run::run(cli.scenario.as_deref(), &args),
        Command::Validate { file, format } => {
            commands::validate::run(file.as_deref().or(cli.scenario.as_deref()), format)
        }
        Command::Forecast(args) => commands::forecast::run(cli.scenario.as_deref(), &args),
        Command::Timeline(args) => commands::timeline::run(cli.scenario.as_deref(), &args),
        Command::Dependence(args) => commands::dependence::run(cli.scenario.as_deref(), &args),
        Command::Panel(args) => commands::panel::run(cli.scenario.as_deref(), &args),
        Command::Game { command } => commands::game::run(&command),
        Command::Transit(args) => commands::transit::run(cli.scenario.as_deref(), &args),
        Command::Dispute(args) => commands::dispute::run(cli.scenario.as_deref(), &args),
        Command::Simulate(args) => commands::simulate::run(cli.scenario.as_deref(), &args),
        Command::Compare(args) => commands::compare::run(cli.scenario.as_deref(), &args),
        Command::Backtest(args) => commands::backtest::run(cli.scenario.as_deref(), &args),
        Command::Calibrate(args) => commands::calibrate::run(cli.scenario.as_deref(), &args),
        Command::Serve(args) => commands::serve::run(cli.scenario.as_deref(), &args),
        Command::Sweep(args) => commands::sweep::run(cli.scenario.as_deref(), &args),
        Command::Smp(args) => commands::smp::run(&args),
        Command::Store { command } => commands::store::run(cli.scenario.as_deref(), command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => commands::report_error(&error),
    }
}
