//! `orbit serve`: the dashboard, a local web server over the same charts and tables as the
//! report, with a JSON API (see `docs/api.md`).

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;

use anyhow::{Context, Result};
use clap::Args;
use orbit_server::{AppState, StartOptions};

use super::{InvalidInput, load_world};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port; the URL is printed)
    #[arg(long, default_value_t = 8080, value_name = "PORT")]
    port: u16,
    /// Address to listen on; anything but loopback exposes the dashboard to the network
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), value_name = "ADDR")]
    bind: IpAddr,
    /// Monte Carlo draws per issue for the forecasts' 90% intervals (0: none)
    #[arg(long, default_value_t = 1000, value_name = "N")]
    runs: usize,
    /// Seed of the Monte Carlo draws
    #[arg(long, default_value_t = 1, value_name = "S")]
    seed: u64,
    /// Monte Carlo runs of the yearly simulation and the backtests on `/simulation`
    /// (0: not computed)
    #[arg(long, default_value_t = 200, value_name = "N")]
    sim_runs: usize,
    /// Do not log requests
    #[arg(long)]
    quiet: bool,
}

pub fn run(scenario: Option<&Path>, args: &ServeArgs) -> Result<()> {
    if args.runs > super::forecast::MAX_RUNS || args.sim_runs > super::forecast::MAX_RUNS {
        return Err(InvalidInput(format!(
            "error: `--runs` and `--sim-runs` are limited to {}",
            super::forecast::MAX_RUNS
        ))
        .into());
    }
    let world = load_world(scenario)?;
    if !args.quiet {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing::Level::INFO)
            .with_target(false)
            .with_ansi(std::io::stderr().is_terminal())
            .init();
        eprintln!(
            "computing the forecasts ({} Monte Carlo draws per issue)...",
            args.runs
        );
    }
    let options = StartOptions {
        runs: args.runs,
        seed: args.seed,
        simulation_runs: (args.sim_runs > 0).then_some(args.sim_runs),
        ..StartOptions::default()
    };
    let state =
        AppState::build(world, &options).map_err(|e| InvalidInput(format!("error: {e}")))?;
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
