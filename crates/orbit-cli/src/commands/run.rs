//! `orbit run`: the main job. A report of the scenario, its key dates, dependence over
//! time, the narrative's figures set against the data and the forecasts; printed, and
//! written as an HTML report with charts, JSON and CSV (`--out DIR`).

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use orbit_models::dependence::Provenance;
use orbit_models::forecast::{IssueForecast, Model};
use orbit_models::simulation::SimulationResult;
use orbit_pipeline::{Limits, RawForecastOptions, RawRunOptions};
use orbit_report::data::KeyEvent;
use orbit_report::{ReportFile, RunReport, build};
use orbit_scenario::World;
use rayon::prelude::*;

use super::forecast::{Progress, stop_reason};
use super::{UserError, load_world};
use crate::output::{Format, Table, percent, write_json};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Monte Carlo draws per issue for the forecasts' 90% intervals (0: none) [default: 1000]
    #[arg(long, value_name = "N")]
    runs: Option<usize>,
    /// Seed of the Monte Carlo draws and runs [default: 1]
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Monte Carlo runs of the yearly simulation and of each backtest cutoff (0: the central
    /// run only; the fans then collapse onto it) [default: 200]
    #[arg(long, value_name = "N")]
    sim_runs: Option<usize>,
    /// First year of the simulation [default: the scenario's last year minus 7]
    #[arg(long, value_name = "YEAR", allow_hyphen_values = true)]
    sim_from: Option<i32>,
    /// Last year of the simulation [default: the scenario's last year plus 8]
    #[arg(long, value_name = "YEAR", allow_hyphen_values = true)]
    sim_to: Option<i32>,
    /// Leave out the simulation and the backtest
    #[arg(long)]
    no_simulation: bool,
    /// Leave out the thesis backtest (the bargain calibrated at every cutoff 2000-2021)
    #[arg(long)]
    no_thesis: bool,
    /// No progress bar
    #[arg(long)]
    quiet: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Directory of the HTML report (`index.html`, `report.json`, CSVs, `charts/*.svg`);
    /// default `orbit-report`
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Overwrite report files that already exist
    #[arg(long)]
    force: bool,
    /// Do not write the HTML report
    #[arg(long, conflicts_with_all = ["out", "force"])]
    no_report: bool,
}

impl RunArgs {
    /// The flags as the pipeline's raw options.
    pub fn raw(&self) -> RawRunOptions {
        RawRunOptions {
            forecast: RawForecastOptions {
                runs: self.runs,
                seed: self.seed,
                ..RawForecastOptions::default()
            },
            no_simulation: self.no_simulation,
            simulation_runs: self.sim_runs,
            simulation_from: self.sim_from,
            simulation_to: self.sim_to,
            transit_epochs: None,
            backtest_cutoffs: None,
            no_thesis: self.no_thesis,
        }
    }
}

pub fn run(scenario: Option<&Path>, args: &RunArgs) -> Result<()> {
    let world = load_world(scenario)?;
    let plan = orbit_pipeline::resolve(&world, &args.raw(), &Limits::COMMAND_LINE)
        .map_err(super::invalid)?;
    let progress = Progress::new(0, args.quiet);
    let results = orbit_pipeline::run(&world, &plan, &progress).map_err(super::invalid)?;
    let report = build(&world, results);
    // Check every target before printing or writing anything, so a refusal leaves no trace.
    // A directory the user named is never overwritten without `--force` (exit 1); the default
    // one is left as it is with a note, so the README's main command can be run again.
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_OUT));
    let files = if args.no_report {
        None
    } else {
        let files = orbit_report::files(&report);
        match (args.force, existing(&dir, &files)) {
            (false, Some(existing)) if args.out.is_some() => {
                return Err(UserError::new(format!("`{}` already exists", existing.display()))
                    .hint("pass `--force` to overwrite the report, `--out DIR` to write it elsewhere, or `--no-report`")
                    .into());
            }
            (false, Some(existing)) => {
                eprintln!(
                    "note: the report in `{}` was left as it is (`{}` exists); pass `--force` to replace it or `--out DIR` to write a new one",
                    dir.display(),
                    existing.display()
                );
                None
            }
            _ => Some(files),
        }
    };
    {
        let mut out = std::io::stdout().lock();
        match args.format {
            Format::Json => write_json(&mut out, &report)?,
            Format::Csv => every_table(&report).write_csv(&mut out)?,
            Format::Table => write!(out, "{}", render(&report, &world))?,
        }
        out.flush()?;
    }
    if let Some(files) = files {
        write_files(&dir, &files)?;
        eprintln!(
            "report: {} ({} files; open it in a browser)",
            dir.join("index.html").display(),
            files.len()
        );
        std::mem::forget(files);
    }
    // The process ends after this command: freeing the results' many small allocations one
    // by one would only delay the exit.
    std::mem::forget(report);
    std::mem::forget(world);
    Ok(())
}

/// Every table of the report (the report's CSVs) in one long CSV: `table,row,column,value`,
/// numbers at full precision, empty for missing.
fn every_table(report: &RunReport) -> Table {
    let mut out = Table::new(&["table", "row", "column", "value"]);
    for table in orbit_report::tables::all(report) {
        for (r, row) in table.rows.iter().enumerate() {
            for (header, cell) in table.headers.iter().zip(row) {
                out.push(vec![
                    table.name.to_string(),
                    r.to_string(),
                    header.clone(),
                    cell.raw(),
                ]);
            }
        }
    }
    out
}

fn target(dir: &Path, file: &ReportFile) -> PathBuf {
    file.path
        .split('/')
        .fold(dir.to_path_buf(), |p, part| p.join(part))
}

/// Where the report goes unless `--out` says otherwise.
pub const DEFAULT_OUT: &str = "orbit-report";

/// The first report file that exists already, if any.
fn existing(dir: &Path, files: &[ReportFile]) -> Option<PathBuf> {
    files.iter().map(|f| target(dir, f)).find(|p| p.exists())
}

fn write_files(dir: &Path, files: &[ReportFile]) -> Result<()> {
    // Written side by side (creating a directory that another thread has just created is
    // not an error); the first failure in the files' order is the one reported.
    let written: Vec<Result<()>> = files
        .par_iter()
        .map(|file| {
            let path = target(dir, file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create `{}`", parent.display()))?;
            }
            std::fs::write(&path, &file.contents)
                .with_context(|| format!("cannot write `{}`", path.display()))
        })
        .collect();
    written.into_iter().collect()
}

fn render(report: &RunReport, world: &World) -> String {
    let s = &report.scenario;
    let mut out = String::new();
    let name = |code: &str| {
        world
            .actor_id(code)
            .map_or(String::new(), |id| world.actor(id).name.clone())
    };
    let _ = writeln!(out, "orbit run: {} ({})", s.name, s.id);
    // The years once: the scenario's name often states them already.
    if !s.name.contains(&s.years.to_string()) {
        let _ = writeln!(out, "years: {}", s.years);
    }
    let _ = writeln!(
        out,
        "focus {} ({}), patron {} ({})",
        s.focus,
        name(&s.focus),
        s.patron,
        name(&s.patron)
    );
    let counts: Vec<String> = s
        .counts
        .iter()
        .map(|(k, v)| {
            let noun = k.replace('_', " ");
            // "1 claim", "2 claims"; "energy" and "trade" are records, not counted nouns.
            let noun = match (*v, noun.strip_suffix('s')) {
                (1, Some(one)) => one.to_string(),
                _ => noun,
            };
            format!("{v} {noun}")
        })
        .collect();
    let _ = writeln!(out, "data: {}", counts.join(", "));
    if let Some(n) = &s.narrative {
        let _ = writeln!(out, "narrative: {n}");
    }

    let _ = writeln!(out, "\nKey dates\n");
    let mut key = Table::new(&["date", "kind", "event"]);
    for e in &report.key_events {
        key.push(vec![e.date.clone(), e.kind.clone(), e.description.clone()]);
    }
    out.push_str(&key.render(110));
    let corrected_key: Vec<&KeyEvent> = report
        .key_events
        .iter()
        .filter(|e| e.note.is_some())
        .collect();
    if !corrected_key.is_empty() {
        let _ = writeln!(
            out,
            "\nWhere the narrative dates or names these differently\n"
        );
        for e in corrected_key {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                e.date,
                e.id,
                e.note.as_deref().unwrap_or("")
            );
        }
    }

    out.push('\n');
    out.push_str(&super::dependence::render(&report.dependence));

    if !report.figure_checks.is_empty() {
        let _ = writeln!(out, "\nThe narrative's figures against the data\n");
        for check in &report.figure_checks {
            let _ = writeln!(
                out,
                "P{} [{}] \"{}\" ({})",
                check.paragraph, check.claim, check.text, check.verdict
            );
            let _ = writeln!(
                out,
                "  states {} for {}",
                percent(check.figure),
                check.measure
            );
            for o in &check.observations {
                let kind = match &o.provenance {
                    Provenance::Sourced { source } => format!("sourced: {source}"),
                    Provenance::Derived { .. } => "derived".to_string(),
                };
                let label = o
                    .label
                    .as_deref()
                    .map_or(String::new(), |l| format!(" [{l}]"));
                let _ = writeln!(
                    out,
                    "  {:>9}  {:>6}{label}  ({kind})",
                    o.years.to_string(),
                    percent(o.value)
                );
            }
            if let Some(gap) = check.closest_gap {
                let _ = writeln!(
                    out,
                    "  closest figure in the data differs by {:+.1} percentage points",
                    100.0 * gap
                );
            }
            if let Some(c) = &check.correction {
                let _ = writeln!(out, "  correction: {c}");
            }
            out.push('\n');
        }
    }

    let c = &report.claims;
    if c.total > 0 {
        let verdicts: Vec<String> = c
            .by_verdict
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        let _ = writeln!(
            out,
            "Claims of the narrative checked: {} ({})",
            c.total,
            verdicts.join(", ")
        );
        for claim in &c.corrected {
            let _ = writeln!(
                out,
                "  P{} {}: {}",
                claim.paragraph, claim.id, claim.correction
            );
        }
    }

    if !report.issues.is_empty() {
        let _ = writeln!(out, "\nContested issues\n");
        let mut issues =
            Table::new(&["issue", "as of", "scale", "status quo", "actors"]).numeric(&[3, 4]);
        for i in &report.issues {
            issues.push(vec![
                i.name.clone(),
                i.as_of.clone(),
                format!("{}-{}", i.scale[0], i.scale[1]),
                format!("{}", i.status_quo),
                i.actors.to_string(),
            ]);
        }
        out.push_str(&issues.render(70));
    }

    if !report.forecasts.is_empty() {
        out.push_str(&render_forecasts(&report.forecasts));
    }
    if let Some(transit) = &report.transit_game {
        out.push('\n');
        out.push_str(&super::transit::render_summary(transit));
    }
    if let Some(sim) = &report.simulation {
        out.push_str(&render_simulation(sim));
    }
    if !report.backtest.is_empty() {
        let _ = writeln!(
            out,
            "\nBacktest: forecasts from the data up to each cutoff against what happened (details: `orbit backtest --rolling`, docs/backtest.md)\n"
        );
        out.push_str(&super::backtest::summary_table(&report.backtest).render(40));
    }
    if let Some(thesis) = &report.thesis {
        out.push_str(&super::thesis::render(thesis));
    }
    out
}

/// The simulation's key series in a few years: median and 90% band of the runs.
fn render_simulation(sim: &SimulationResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nSimulation {}-{} ({} runs, seed {}): median and 5-95% of the runs (docs/models/simulation.md)\n",
        sim.years.first().copied().unwrap_or_default(),
        sim.years.last().copied().unwrap_or_default(),
        sim.runs,
        sim.seed
    );
    let shown: Vec<(usize, i32)> = sim
        .years
        .iter()
        .enumerate()
        .filter(|(k, y)| **y % 5 == 0 || *k + 1 == sim.years.len())
        .map(|(k, y)| (k, *y))
        .collect();
    let mut headers = vec!["series".to_string()];
    headers.extend(shown.iter().map(|(_, y)| y.to_string()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut table = Table::new(&header_refs).numeric(&(1..headers.len()).collect::<Vec<_>>());
    for fan in sim
        .fans
        .iter()
        .filter(|f| super::simulate::is_key_series(&f.id))
    {
        let share = fan.id.unit().is_share();
        let show = |v: f64| {
            if share {
                format!("{:.1}%", 100.0 * v)
            } else {
                format!("{v:.1}")
            }
        };
        let mut row = vec![fan.name.clone()];
        row.extend(shown.iter().map(|&(k, _)| {
            format!(
                "{} ({}-{})",
                show(fan.p50[k]),
                show(fan.p5[k]),
                show(fan.p95[k])
            )
        }));
        table.push(row);
    }
    out.push_str(&table.render(48));
    out
}

fn render_forecasts(forecasts: &[IssueForecast]) -> String {
    let mut out = String::new();
    let runs = forecasts.iter().find_map(|f| f.monte_carlo.as_ref());
    let _ = writeln!(
        out,
        "\nForecasts (expected utility model, bdm variant, and the baselines of Thomson et al. 2006){}\n",
        runs.map_or(String::new(), |mc| format!(
            "; 90% intervals from {} Monte Carlo draws, seed {}",
            mc.draws, mc.seed
        ))
    );
    let mut table = Table::new(&[
        "issue",
        "eum",
        "eum 90%",
        "compromise",
        "median",
        "nbs",
        "status quo",
    ])
    .numeric(&[1, 3, 4, 5, 6]);
    for f in forecasts {
        let value = |m: Model| {
            f.forecasts()
                .iter()
                .find(|(model, _)| *model == m)
                .map_or("-".to_string(), |(_, v)| format!("{v:.1}"))
        };
        let interval = f
            .monte_carlo
            .as_ref()
            .and_then(|mc| mc.models.iter().find(|d| d.model == Model::Eum))
            .map_or("-".to_string(), |d| format!("{:.1}-{:.1}", d.p5, d.p95));
        table.push(vec![
            f.name.clone().unwrap_or_else(|| f.issue.clone()),
            value(Model::Eum),
            interval,
            value(Model::Compromise),
            value(Model::Median),
            value(Model::Nbs),
            f.status_quo.map_or("-".into(), |q| format!("{q}")),
        ]);
    }
    out.push_str(&table.render(40));
    for f in forecasts {
        let Some(eum) = &f.eum else { continue };
        let _ = writeln!(
            out,
            "\n{}: expected utility model by round ({})\n",
            f.name.as_deref().unwrap_or(&f.issue),
            stop_reason(&eum.stop, eum.rounds.len().saturating_sub(1))
        );
        let mut headers: Vec<&str> = vec!["round"];
        headers.extend(eum.actors.iter().map(String::as_str));
        headers.push("median");
        let mut rounds = Table::new(&headers).numeric(&(0..headers.len()).collect::<Vec<_>>());
        let last = eum.rounds.len().saturating_sub(1);
        for (k, round) in eum.rounds.iter().enumerate() {
            // Long paths: the first rounds, where most of the movement is, and the last two.
            if last > 12 && (6..last - 1).contains(&k) {
                if k == 6 {
                    let mut gap = vec!["...".to_string()];
                    gap.extend(std::iter::repeat_n(String::new(), headers.len() - 1));
                    rounds.push(gap);
                }
                continue;
            }
            let mut row = vec![round.round.to_string()];
            row.extend(round.positions.iter().map(|p| format!("{p:.1}")));
            row.push(format!("{:.1}", round.median));
            rounds.push(row);
        }
        out.push_str(&rounds.render(16));
    }
    out
}
