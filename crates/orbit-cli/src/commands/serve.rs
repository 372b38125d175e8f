//! `orbit serve`: the dashboard, a local web server over the same charts and tables as the
//! report, with a JSON API (see `docs/api.md`).

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;

use anyhow::{Context, Result};
use clap::Args;
use orbit_pipeline::{RawForecastOptions, RawRunOptions};
use orbit_server::{AppState, StartOptions};

use super::load_world;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port; the URL is printed)
    #[arg(long, default_value_t = 8080, value_name = "PORT")]
    port: u16,
    /// Address to listen on; anything but loopback exposes the dashboard to the network
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), value_name = "ADDR")]
    bind: IpAddr,
    /// Monte Carlo draws per issue for the forecasts' 90% intervals (0: none) [default: 1000]
    #[arg(long, value_name = "N")]
    runs: Option<usize>,
    /// Seed of the Monte Carlo draws and runs [default: 1]
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Monte Carlo runs of the yearly simulation and the backtests on `/simulation`
    /// (0: not computed) [default: 200]
    #[arg(long, value_name = "N")]
    sim_runs: Option<usize>,
    /// Do not log requests
    #[arg(long)]
    quiet: bool,
}

pub fn run(scenario: Option<&Path>, args: &ServeArgs) -> Result<()> {
    let world = load_world(scenario)?;
    // `--sim-runs 0` leaves the simulation out (the dashboard's page says so).
    let no_simulation = args.sim_runs == Some(0);
    let options = StartOptions {
        run: RawRunOptions {
            forecast: RawForecastOptions {
                runs: args.runs,
                seed: args.seed,
                ..RawForecastOptions::default()
            },
            no_simulation,
            simulation_runs: args.sim_runs.filter(|_| !no_simulation),
            ..RawRunOptions::default()
        },
        ..StartOptions::default()
    };
    // Check the plan before the slow start-up run.
    orbit_pipeline::resolve(&world, &options.run, &orbit_pipeline::Limits::COMMAND_LINE)
        .map_err(super::invalid)?;
    if !args.quiet {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing::Level::INFO)
            .with_target(false)
            .with_ansi(std::io::stderr().is_terminal())
            .init();
        eprintln!(
            "computing the forecasts ({} Monte Carlo draws per issue)...",
            args.runs.unwrap_or(orbit_pipeline::DEFAULT_RUN_DRAWS)
        );
    }
    let state = AppState::build(world, &options).map_err(super::invalid)?;
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: the dashboard is reachable from other machines",
            args.bind
        );
    }
    let addr = SocketAddr::new(args.bind, args.port);
    orbit_server::run_blocking(addr, state, |bound| {
        let host = match bound.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        eprintln!(
            "orbit dashboard: http://{host}:{}/ (Ctrl-C stops it)",
            bound.port()
        );
    })
    .with_context(|| format!("cannot serve on {addr}"))
}
