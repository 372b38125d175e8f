//! `orbit sweep`: run the yearly simulation at every row of an experiment design over the
//! scenario's uncertain inputs and stream the runs to SQLite or Parquet, chunk by chunk.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::{Args, ValueEnum};
use orbit_models::design::{
    DESIGN_RNG, Design, DesignSpec, IssueWidths, Outcomes, Plan, factors, sweep_rows,
};
use orbit_store::sweep::SweepSink;
use serde_json::json;

use super::InvalidInput;
use super::forecast::Progress;
use crate::output::{Format, write_json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DesignArg {
    /// Monte Carlo: independent uniform rows
    Mc,
    /// Latin hypercube (McKay et al. 1979)
    Lhs,
    /// Saltelli's scheme on a Sobol sequence, for Sobol indices: SAMPLES x (factors + 2) runs
    Saltelli,
    /// Morris trajectories, for elementary effects: SAMPLES x (factors + 1) runs
    Morris,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The design
    #[arg(long, value_enum, default_value_t = DesignArg::Lhs)]
    design: DesignArg,
    /// Rows (mc, lhs), base rows (saltelli) or trajectories (morris)
    #[arg(long, default_value_t = 100, value_name = "N")]
    samples: usize,
    /// Seed; the same seed gives the same rows here, in Python and on any executor
    #[arg(long, default_value_t = 1, value_name = "S")]
    seed: u64,
    /// First simulated year
    #[arg(long, default_value_t = 2015)]
    from: i32,
    /// Last simulated year
    #[arg(long, default_value_t = 2030)]
    to: i32,
    /// Series to record, as in `orbit simulate` (repeatable; default: every forecast and key indicator)
    #[arg(long = "series", value_name = "NAME")]
    series: Vec<String>,
    /// Years to record them at (repeatable; default: `--to`)
    #[arg(long = "year", value_name = "YEAR")]
    years: Vec<i32>,
    /// Grid levels of a Morris design (even)
    #[arg(long, default_value_t = 4, value_name = "P")]
    levels: usize,
    /// Saltelli: the plain Sobol sequence, without the seeded digital shift
    #[arg(long)]
    no_scramble: bool,
    /// Half-width of the capability factors, relative
    #[arg(long, default_value_t = 0.2, value_name = "W")]
    capability_width: f64,
    /// Half-width of the position factors, as a fraction of the scale
    #[arg(long, default_value_t = 0.05, value_name = "W")]
    position_width: f64,
    /// Half-width of the salience factors, absolute
    #[arg(long, default_value_t = 0.1, value_name = "W")]
    salience_width: f64,
    /// File the runs are streamed into, chunk by chunk: SQLite, or Parquet (one row group per
    /// chunk) when it ends in `.parquet`
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace `--out` if it exists
    #[arg(long)]
    force: bool,
    /// Runs per chunk (one transaction each; memory grows with the chunk, not the sweep)
    #[arg(long, default_value_t = 1000, value_name = "N")]
    chunk: usize,
    /// Worker threads (default: all cores)
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar
    #[arg(long, short)]
    quiet: bool,
    /// How the summary is printed
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Most runs one sweep may have.
pub const MAX_SWEEP_RUNS: usize = 100_000_000;

pub fn run(scenario: Option<&Path>, args: &SweepArgs) -> Result<()> {
    let invalid = |m: String| anyhow::Error::new(InvalidInput(m));
    let world = super::load_world(scenario)?;
    let widths = IssueWidths {
        capability: args.capability_width,
        position: args.position_width,
        salience: args.salience_width,
    };
    if [widths.capability, widths.position, widths.salience]
        .iter()
        .any(|w| !w.is_finite() || *w < 0.0)
    {
        return Err(invalid(
            "error: the `--*-width` flags must be non-negative numbers".into(),
        ));
    }
    if args.chunk == 0 {
        return Err(invalid("error: `--chunk` must be at least 1".into()));
    }
    let spec = DesignSpec {
        design: match args.design {
            DesignArg::Mc => Design::MonteCarlo,
            DesignArg::Lhs => Design::LatinHypercube,
            DesignArg::Saltelli => Design::Saltelli {
                scramble: !args.no_scramble,
            },
            DesignArg::Morris => Design::Morris {
                levels: args.levels,
            },
        },
        samples: args.samples,
        seed: args.seed,
    };
    let sim = orbit_models::backtest::present_simulator(&world, args.from, args.to)
        .map_err(|e| invalid(format!("error: {e}")))?;
    let factors = factors(&sim, &widths);
    let plan = Plan::new(&spec, factors.len()).map_err(|e| invalid(format!("error: {e}")))?;
    if plan.rows() > MAX_SWEEP_RUNS {
        return Err(invalid(format!(
            "error: the design has {} runs, above the limit of {MAX_SWEEP_RUNS}",
            plan.rows()
        )));
    }
    let outcomes = Outcomes::new(&sim, &args.series, &args.years).map_err(super::invalid)?;
    let meta = vec![
        ("scenario".to_string(), world.meta.id.clone()),
        ("design".to_string(), serde_json::to_string(&spec)?),
        ("rng".to_string(), DESIGN_RNG.to_string()),
        ("rows".to_string(), plan.rows().to_string()),
        ("from".to_string(), args.from.to_string()),
        ("to".to_string(), args.to.to_string()),
        ("executor".to_string(), "cli".to_string()),
    ];
    let factor_rows: Vec<(String, f64, f64, String)> = factors
        .iter()
        .map(|f| (f.name.clone(), f.low, f.high, f.source.clone()))
        .collect();
    let mut store = SweepSink::create(&args.out, args.force, &meta, &factor_rows, &outcomes.names)
        .map_err(|e| {
            let mut m = format!("error: {e}");
            if let Some(h) = e.hint() {
                m.push_str(&format!("\n  = hint: {h}"));
            }
            invalid(m)
        })?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let progress = Progress::new(plan.rows() as u64, args.quiet);
    progress.set_message("sweeping".to_string());
    let started = Instant::now();
    let mut failures = 0;
    let mut start = 0;
    while start < plan.rows() {
        let end = (start + args.chunk).min(plan.rows());
        let (data, failed) = pool
            .install(|| sweep_rows(&sim, &plan, &factors, &outcomes, start, end))
            .map_err(|e| invalid(format!("error: {e}")))?;
        store.write_chunk(start, &data, &failed)?;
        failures += failed.len();
        for _ in start..end {
            progress.tick();
        }
        start = end;
    }
    progress.finish();
    store.set_meta("failures", &failures.to_string())?;
    store.finish()?;
    let seconds = started.elapsed().as_secs_f64();
    let summary = json!({
        "out": args.out.display().to_string(),
        "scenario": world.meta.id,
        "design": spec,
        "rng": DESIGN_RNG,
        "rows": plan.rows(),
        "factors": factors.len(),
        "outcomes": outcomes.names.len(),
        "failures": failures,
        "seconds": seconds,
        "notes": sim.notes,
    });
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json | Format::Csv => write_json(&mut out, &summary),
        Format::Table => {
            writeln!(
                out,
                "{}: {} runs of {}-{} over {} factors ({:?} design, seed {}), {} outcomes each, in {:.1} s ({:.0} runs/s){}",
                args.out.display(),
                plan.rows(),
                args.from,
                args.to,
                factors.len(),
                args.design,
                args.seed,
                outcomes.names.len(),
                seconds,
                plan.rows() as f64 / seconds.max(1e-9),
                if failures > 0 {
                    format!("; {failures} runs failed (table `failures`)")
                } else {
                    String::new()
                }
            )?;
            for note in &sim.notes {
                writeln!(out, "note: {note}")?;
            }
            Ok(())
        }
    }
}
