//! `orbit smp`: KTAB's Spatial Model of Politics on a KTAB input file (SMP CSV, XML, or a
//! one-dimensional actor table), reproducing KTAB's `smpc`; Monte Carlo over seeds and perturbed
//! inputs; KTAB's SQLite tables with `--db`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use orbit_models::ktab::monte_carlo::{SmpMonteCarlo, SmpPerturbation, smp_monte_carlo};
use orbit_models::ktab::{SmpInput, SmpRun, run_smp, win_probabilities};
use orbit_models::sensitivity::Perturbation;
use orbit_scenario::ktab::{KTAB_DEFAULT_SEED, KtabScenario, SmpParameters, read_ktab};
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
    let mut params = scenario.parameters.unwrap_or_default();
    for p in &args.params {
        let Some((name, value)) = p.split_once('=') else {
            return Err(InvalidInput(format!(
                "error: `--param {p}` needs NAME=VALUE, e.g. `--param BigRAdjust=Half`"
            ))
            .into());
        };
        params
            .set(name.trim(), value.trim())
            .map_err(|m| InvalidInput(format!("error: --param {p}: {m}")))?;
    }
    let seed = args.seed.or(scenario.seed).unwrap_or(KTAB_DEFAULT_SEED);
    if seed == 0 {
        return Err(InvalidInput(
            "error: seed 0 means a truly random seed in KTAB, which no one could reproduce\n  = hint: pass any other seed".into(),
        )
        .into());
    }
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
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?
        .len();
    if size > orbit_scenario::MAX_FILE_BYTES {
        return Err(InvalidInput(format!(
            "error: `{}` is {size} bytes; KTAB inputs are limited to {} bytes",
            path.display(),
            orbit_scenario::MAX_FILE_BYTES
        ))
        .into());
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        InvalidInput(format!(
            "error: `{}` is not UTF-8 text (first invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    read_ktab(&path.display().to_string(), &text).map_err(|e| InvalidInput(e.to_string()).into())
}

/// The history as `turn,actor,dimension,position` (0-based indices, 0–100, shortest round-trip
/// decimals), the layout of KTAB's reference runs.
pub fn history_csv(run: &SmpRun) -> String {
    let mut s = String::from("turn,actor,dimension,position\n");
    for (t, state) in run.positions.iter().enumerate() {
        for (i, x) in state.iter().enumerate() {
            for (d, v) in x.iter().enumerate() {
                s.push_str(&format!("{t},{i},{d},{}\n", python_repr(v * 100.0)));
            }
        }
    }
    s
}

/// Shortest round-trip decimal as Python's `repr` writes it (`30.0`, `6.370000000000001`,
/// `1e-05`), the notation of KTAB's reference histories, so the two can be compared with `diff`.
pub fn python_repr(v: f64) -> String {
    let s = format!("{v:?}");
    match s.split_once('e') {
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exponent),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_repr_matches_the_reference_notation() {
        assert_eq!(python_repr(30.0), "30.0");
        assert_eq!(python_repr(0.07 * 100.0), "7.000000000000001");
        assert_eq!(python_repr(1e-5), "1e-05");
        assert_eq!(python_repr(1.5e-7), "1.5e-07");
        assert_eq!(python_repr(0.0001), "0.0001");
    }

    #[test]
    fn the_csv_history_is_byte_identical_to_ktabs_reference_run() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../orbit-models/tests/data/ktab-refruns");
        let text = std::fs::read_to_string(dir.join("inputs/SOE-Pol-Comp.csv")).unwrap();
        let s = read_ktab("soe.csv", &text).unwrap();
        let run = run_smp(
            &SmpInput::from_scenario(&s),
            &SmpParameters::default(),
            KTAB_DEFAULT_SEED,
        )
        .unwrap();
        let expected =
            std::fs::read_to_string(dir.join("SOE-Pol-Comp_seed15455440707583219804_history.csv"))
                .unwrap()
                .replace("\r\n", "\n");
        assert_eq!(history_csv(&run), expected);
    }
}
