//! `orbit smp`: KTAB's Spatial Model of Politics on a KTAB input file (SMP CSV, XML, or a
//! one-dimensional actor table), reproducing KTAB's `smpc`; Monte Carlo over seeds and perturbed
//! inputs; KTAB's SQLite tables with `--db`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use orbit_models::ktab::monte_carlo::{SmpMonteCarlo, SmpPerturbation, smp_monte_carlo};
use orbit_models::ktab::{SmpInput, SmpRun, run_smp, win_probabilities};
use orbit_models::sensitivity::Perturbation;
use orbit_scenario::ktab::{KtabScenario, SmpParameters};
use orbit_smp::SmpSetupError;
use orbit_store::ktab::{KtabDbRun, write_ktab_db};
use serde::Serialize;

use super::InvalidInput;
use crate::output::{Format, Table, write_json};

#[derive(Debug, Args)]
pub struct SmpArgs {
    /// KTAB input: SMP CSV (`name,desc,nActors,nDims` line, `Actor,Description,Power,…`), KTAB
    /// XML scenario, or an `Actor,Capability,Position,Salience` table
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Seed of KTAB's PRNG (default: the XML's `prngSeed`, else KTAB's 15455440707583219804);
    /// only Stochastic transitions use it
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// A model parameter by KTAB's names, e.g. `BigRAdjust=Half` (repeatable; overrides the XML)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Monte Carlo: this many runs over perturbed inputs, each with its own seeded stream
    #[arg(long, value_name = "N")]
    runs: Option<usize>,
    /// Perturbation of capabilities in Monte Carlo (relative), e.g. `pert:0.2` or `none`
    #[arg(long, value_name = "DIST", default_value = "pert:0.2")]
    capability_noise: String,
    /// Perturbation of positions in Monte Carlo (on KTAB's [0, 1] scale), e.g. `pert:0.05`
    #[arg(long, value_name = "DIST", default_value = "pert:0.05")]
    position_noise: String,
    /// Perturbation of saliences in Monte Carlo (on [0, 1]), e.g. `pert:0.05`
    #[arg(long, value_name = "DIST", default_value = "pert:0.05")]
    salience_noise: String,
    /// Write KTAB's SQLite tables (ScenarioDesc, ActorDescription, SpatialCapability,
    /// SpatialSalience, VectorPosition, …) to this new file
    #[arg(long, value_name = "FILE", conflicts_with = "runs")]
    db: Option<PathBuf>,
    /// Replace an existing `--db` file
    #[arg(long, requires = "db")]
    force: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// The result of one run, as printed in JSON.
#[derive(Debug, Serialize)]
struct SmpReport<'a> {
    input: String,
    scenario: &'a str,
    description: &'a str,
    actors: &'a [String],
    dimensions: &'a [String],
    seed: u64,
    parameters: SmpParameters,
    turns: usize,
    stop_reason: String,
    fractional_change: &'a [f64],
    /// `final_positions[actor][dimension]` on 0–100.
    final_positions: Vec<Vec<f64>>,
    /// `history[turn][actor][dimension]` on 0–100.
    history: Vec<Vec<Vec<f64>>>,
    /// KTAB's logged win probability of each actor's position, `[turn][actor]`.
    win_probabilities: Vec<Vec<f64>>,
    notes: &'a [String],
}

pub fn run(args: &SmpArgs) -> Result<()> {
    let scenario = load(&args.input)?;
    let params = orbit_smp::parameters(&scenario, &args.params).map_err(setup_error)?;
    let seed = orbit_smp::seed(&scenario, args.seed).map_err(setup_error)?;
    let input = SmpInput::from_scenario(&scenario);
    for note in &scenario.notes {
        eprintln!("note: {note}");
    }
    let mut out = std::io::stdout().lock();
    if let Some(draws) = args.runs {
        if draws == 0 {
            return Err(InvalidInput("error: `--runs` must be at least 1".into()).into());
        }
        let noise = |text: &str, flag: &str| {
            Perturbation::parse(text).map_err(|m| InvalidInput(format!("error: --{flag}: {m}")))
        };
        let spec = SmpPerturbation {
            capability: noise(&args.capability_noise, "capability-noise")?,
            position: noise(&args.position_noise, "position-noise")?,
            salience: noise(&args.salience_noise, "salience-noise")?,
        };
        // The unperturbed input must run; its refusal is the user's to see, not a failed draw.
        run_smp(&input, &params, seed).map_err(|e| InvalidInput(format!("error: {e}")))?;
        let mc = smp_monte_carlo(&input, &params, draws, seed, &spec)
            .map_err(|e| InvalidInput(format!("error: {e}")))?;
        return print_monte_carlo(&mut out, &mc, args.format);
    }
    let run = run_smp(&input, &params, seed).map_err(|e| {
        InvalidInput(format!(
            "error: {}: KTAB's SMP refuses this run: {e}",
            args.input.display()
        ))
    })?;
    if let Some(db) = &args.db {
        let descriptions: Vec<String> = scenario
            .actors
            .iter()
            .map(|a| a.description.clone())
            .collect();
        let record = KtabDbRun {
            scenario: &scenario.name,
            description: &scenario.description,
            seed,
            parameters: &params,
            actors: &input.actors,
            actor_descriptions: &descriptions,
            dimensions: &input.dimensions,
            capability: &input.capability,
            salience: &input.salience,
            accommodation: input.accommodation.as_deref(),
            positions: &run.positions,
            ideals: &run.ideals,
        };
        write_ktab_db(db, &record, args.force).map_err(|e| match e {
            orbit_store::ktab::KtabDbError::Exists(_) => {
                anyhow::Error::new(InvalidInput(format!("error: {e}")))
            }
            other => anyhow::Error::new(other),
        })?;
        eprintln!("wrote KTAB's tables to `{}`", db.display());
    }
    print_run(&mut out, args, &scenario, &input, &run, seed)
}

fn load(path: &Path) -> Result<KtabScenario> {
    orbit_smp::load(path).map_err(setup_error)
}

/// A set-up error as every command renders it: an unreadable file is an error (exit 2),
/// anything else invalid input (exit 1).
fn setup_error(e: SmpSetupError) -> anyhow::Error {
    match e {
        SmpSetupError::Read { .. } => anyhow::Error::new(e),
        SmpSetupError::Ktab(rendered) => InvalidInput(rendered).into(),
        other => InvalidInput(format!("error: {other}")).into(),
    }
}

pub use orbit_smp::history_csv;

fn print_run(
    out: &mut dyn Write,
    args: &SmpArgs,
    scenario: &KtabScenario,
    input: &SmpInput,
    run: &SmpRun,
    seed: u64,
) -> Result<()> {
    let scaled = |state: &Vec<Vec<f64>>| -> Vec<Vec<f64>> {
        state
            .iter()
            .map(|x| x.iter().map(|v| v * 100.0).collect())
            .collect()
    };
    match args.format {
        Format::Csv => {
            out.write_all(history_csv(run).as_bytes())?;
            Ok(())
        }
        Format::Json => write_json(
            out,
            &SmpReport {
                input: args.input.display().to_string(),
                scenario: &scenario.name,
                description: &scenario.description,
                actors: &input.actors,
                dimensions: &input.dimensions,
                seed,
                parameters: run.parameters,
                turns: run.turns(),
                stop_reason: run.stop.to_string(),
                fractional_change: &run.fractional_change,
                final_positions: run.positions.last().map(scaled).unwrap_or_default(),
                history: run.positions.iter().map(scaled).collect(),
                win_probabilities: win_probabilities(input, run)
                    .map_err(|e| InvalidInput(format!("error: {e}")))?,
                notes: &scenario.notes,
            },
        ),
        Format::Table => {
            writeln!(
                out,
                "KTAB SMP: {} ({} actors, {} dimension{}), seed {seed}",
                if scenario.name.is_empty() {
                    args.input.display().to_string()
                } else {
                    scenario.name.clone()
                },
                input.actors.len(),
                input.dimensions.len(),
                if input.dimensions.len() == 1 { "" } else { "s" }
            )?;
            let params: Vec<String> = run
                .parameters
                .pairs()
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            writeln!(out, "parameters: {}", params.join(" "))?;
            writeln!(out, "{} turns; {}\n", run.turns(), run.stop)?;
            let mut headers = vec!["actor".to_string()];
            for d in &input.dimensions {
                headers.push(format!("{d} t0"));
                headers.push(format!("{d} t{}", run.turns()));
            }
            let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            let mut table =
                Table::new(&header_refs).numeric(&(1..headers.len()).collect::<Vec<_>>());
            let first = &run.positions[0];
            let last = &run.positions[run.turns()];
            for (i, name) in input.actors.iter().enumerate() {
                let mut row = vec![name.clone()];
                for d in 0..input.dimensions.len() {
                    row.push(format!("{:.2}", first[i][d] * 100.0));
                    row.push(format!("{:.2}", last[i][d] * 100.0));
                }
                table.push(row);
            }
            write!(out, "{}", table.render(100))?;
            writeln!(
                out,
                "\nthe full history: `--format csv` (turn,actor,dimension,position) or `--format json`"
            )?;
            Ok(())
        }
    }
}

fn print_monte_carlo(out: &mut dyn Write, mc: &SmpMonteCarlo, format: Format) -> Result<()> {
    let mut table = Table::new(&["actor", "dimension", "mean", "sd", "p5", "p50", "p95"])
        .numeric(&[2, 3, 4, 5, 6]);
    for s in &mc.final_positions {
        table.push(vec![
            s.actor.clone(),
            s.dimension.clone(),
            format!("{:.2}", s.mean),
            format!("{:.2}", s.sd),
            format!("{:.2}", s.p5),
            format!("{:.2}", s.p50),
            format!("{:.2}", s.p95),
        ]);
    }
    match format {
        Format::Json => write_json(out, mc),
        Format::Csv => table.write_csv(out),
        Format::Table => {
            writeln!(
                out,
                "KTAB SMP Monte Carlo: {} draws (seed {}), {} ran, {} refused by KTAB's rules; turns {:.1} on average ({}-{})\n",
                mc.draws,
                mc.seed,
                mc.succeeded,
                mc.failed.len(),
                mc.turns_mean,
                mc.turns_min,
                mc.turns_max
            )?;
            write!(out, "{}", table.render(100))?;
            for f in &mc.failed {
                writeln!(out, "draw {} refused: {}", f.draw, f.error)?;
            }
            writeln!(
                out,
                "\nfinal positions on 0-100 over the draws that ran; RNG: {}",
                mc.rng
            )?;
            Ok(())
        }
    }
}
