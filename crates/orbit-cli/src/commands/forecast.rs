//! `orbit forecast`: bargaining forecasts of the scenario's contested issues, or of a KTAB
//! actor table, with Monte Carlo sensitivity.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use orbit_models::bargaining::{Actor, BargainingInput, Variant};
use orbit_models::forecast::{
    ForecastOptions, IssueForecast, Model, forecast_issue, input_from_issue,
};
use orbit_models::sensitivity::{Perturbation, PerturbationSpec};
use orbit_pipeline::{Limits, ModelChoice, RawForecastOptions, StopChoice, resolve_forecast};
use serde_json::Value;

use super::{InvalidInput, UserError, load_world};
use crate::output::{Format, Table, write_json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Eum,
    Compromise,
    Median,
    Nbs,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VariantArg {
    /// The model as the papers describe it, reference bugs fixed (default)
    Bdm,
    /// The published reference run of Scholz, Calbert & Smith (2011), every position within 1e-14
    Scholz2011,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StopArg {
    /// Exactly `--rounds` rounds
    Fixed,
    /// Stop when the position change falls below 2% of the first round's (KTAB), at most `--rounds`
    Change,
    /// Stop when a state repeats (a cycle), at most `--rounds`
    Repeat,
}

#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Forecast only this issue of the scenario (default: all issues)
    #[arg(long, value_name = "ID", conflicts_with = "actors")]
    issue: Option<String>,
    /// Forecast an actor table instead (CSV with header `Actor,Capability,Position,Salience`)
    #[arg(long, value_name = "FILE.csv")]
    actors: Option<PathBuf>,
    /// Saliences in the `--actors` table are percentages (0-100), as in KTAB's inputs
    #[arg(long, requires = "actors")]
    salience_percent: bool,
    /// Status quo of the `--actors` issue (needed by Nash bargaining)
    #[arg(
        long,
        value_name = "X",
        requires = "actors",
        allow_hyphen_values = true
    )]
    status_quo: Option<f64>,
    /// Which model to run
    #[arg(long, value_enum, default_value_t = ModelArg::All)]
    model: ModelArg,
    /// Variant of the expected utility model
    #[arg(long, value_enum, default_value_t = VariantArg::Bdm)]
    variant: VariantArg,
    /// Rounds of the expected utility model (default: 10 for scholz2011, at most 100 for bdm)
    #[arg(long, value_name = "N")]
    rounds: Option<usize>,
    /// Stop rule of the expected utility model (default: fixed for scholz2011, change for bdm)
    #[arg(long, value_enum)]
    stop: Option<StopArg>,
    /// Monte Carlo draws of perturbed inputs (0: none)
    #[arg(long, default_value_t = 0, value_name = "N")]
    runs: usize,
    /// Seed of the Monte Carlo draws; the same seed gives the same numbers on any thread count
    #[arg(long, default_value_t = 1, value_name = "S")]
    seed: u64,
    /// Perturbation of capability, relative: none, normal:SD, uniform:W or pert:W
    #[arg(long, default_value = "pert:0.2", value_parser = Perturbation::parse, value_name = "DIST")]
    perturb_capability: Perturbation,
    /// Perturbation of positions, as a fraction of the scale
    #[arg(long, default_value = "pert:0.05", value_parser = Perturbation::parse, value_name = "DIST")]
    perturb_position: Perturbation,
    /// Perturbation of salience, absolute
    #[arg(long, default_value = "pert:0.1", value_parser = Perturbation::parse, value_name = "DIST")]
    perturb_salience: Perturbation,
    /// No progress bar
    #[arg(long)]
    quiet: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl ForecastArgs {
    /// The flags as the pipeline's raw forecast options.
    fn raw(&self) -> RawForecastOptions {
        RawForecastOptions {
            model: Some(match self.model {
                ModelArg::All => ModelChoice::All,
                ModelArg::Eum => ModelChoice::One(Model::Eum),
                ModelArg::Compromise => ModelChoice::One(Model::Compromise),
                ModelArg::Median => ModelChoice::One(Model::Median),
                ModelArg::Nbs => ModelChoice::One(Model::Nbs),
            }),
            variant: Some(match self.variant {
                VariantArg::Bdm => Variant::Bdm,
                VariantArg::Scholz2011 => Variant::Scholz2011,
            }),
            rounds: self.rounds,
            stop: self.stop.map(|s| match s {
                StopArg::Fixed => StopChoice::Fixed,
                StopArg::Change => StopChoice::Change,
                StopArg::Repeat => StopChoice::Repeat,
            }),
            runs: Some(self.runs),
            seed: Some(self.seed),
            perturbation: Some(PerturbationSpec {
                capability: self.perturb_capability,
                position: self.perturb_position,
                salience: self.perturb_salience,
            }),
        }
    }

    fn options(&self) -> Result<ForecastOptions> {
        resolve_forecast(&self.raw(), &Limits::COMMAND_LINE, 0).map_err(super::invalid)
    }
}

/// One issue to forecast: id, display name, input.
type Job = (String, Option<String>, BargainingInput);

fn jobs(scenario: Option<&Path>, args: &ForecastArgs) -> Result<Vec<Job>> {
    if args.actors.is_none() {
        for (given, flag) in [
            (args.status_quo.is_some(), "--status-quo"),
            (args.salience_percent, "--salience-percent"),
        ] {
            if given {
                return Err(UserError::new(format!(
                    "`{flag}` applies only to an `--actors` table"
                ))
                .hint("a scenario issue has its own status quo and saliences; drop the flag, or forecast a table with `--actors FILE.csv`")
                .into());
            }
        }
    }
    if let Some(path) = &args.actors {
        let text = super::read_input(path, orbit_pipeline::Limits::COMMAND_LINE.input_file_bytes)?;
        let rows = orbit_scenario::actor_table::parse_actor_table(
            &path.display().to_string(),
            &text,
            args.salience_percent,
        )
        .map_err(|e| InvalidInput(e.to_string()))?;
        let input = BargainingInput {
            actors: rows
                .into_iter()
                .map(|r| Actor::new(r.name, r.capability, r.position, r.salience))
                .collect(),
            status_quo: args.status_quo,
            scale: None,
        };
        if let Some(q) = args.status_quo
            && !q.is_finite()
        {
            return Err(UserError::new("`--status-quo` must be a finite number").into());
        }
        let id = path
            .file_stem()
            .map_or("actors".into(), |s| s.to_string_lossy().into_owned());
        return Ok(vec![(id, None, input)]);
    }
    let mut world = load_world(scenario)?;
    // Without `--issue`, the present: the latest coding of each question (the rule `orbit run`
    // and `orbit simulate` share); the superseded codings are named on stderr.
    if args.issue.is_none() {
        let (latest, superseded) = world.latest_codings();
        for note in superseded {
            eprintln!("note: {note}");
        }
        world = latest;
    }
    let issues: Vec<_> = match &args.issue {
        Some(id) => vec![world.issue(id).ok_or_else(|| {
            UserError::new(format!("unknown issue `{id}`")).hint(format!(
                "the scenario's issues are {}",
                world
                    .issues
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?],
        None => world.issues.iter().collect(),
    };
    if issues.is_empty() {
        return Err(UserError::new(format!(
            "scenario `{}` has no contested issues to forecast",
            world.meta.id
        ))
        .hint("add `[[issues]]` with positions to the scenario, or forecast an actor table with `--actors FILE.csv`")
        .into());
    }
    Ok(issues
        .into_iter()
        .map(|i| {
            (
                i.id.clone(),
                Some(i.name.clone()),
                input_from_issue(&world, i),
            )
        })
        .collect())
}

/// A progress bar on stderr that appears only after a second of work, only on a terminal,
/// and never with `--quiet`.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    allowed: bool,
}

impl Progress {
    pub fn new(total: u64, quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} draws, {eta} left")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Progress {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            allowed: !quiet && std::io::stderr().is_terminal(),
        }
    }

    pub fn set_message(&self, message: String) {
        self.bar.set_message(message);
    }

    pub fn tick(&self) {
        self.bar.inc(1);
        if self.allowed
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl orbit_pipeline::Progress for Progress {
    fn stage(&self, name: &str, total: u64) {
        self.bar.set_message(name.to_string());
        self.bar.set_length(total);
        self.bar.set_position(0);
    }

    fn tick(&self) {
        Progress::tick(self);
    }

    fn finish(&self) {
        Progress::finish(self);
    }
}

pub fn compute(scenario: Option<&Path>, args: &ForecastArgs) -> Result<Vec<IssueForecast>> {
    let options = args.options()?;
    let jobs = jobs(scenario, args)?;
    let progress = Progress::new((jobs.len() * args.runs) as u64, args.quiet);
    let mut results = Vec::new();
    for (id, name, input) in &jobs {
        progress.set_message(id.clone());
        let forecast = forecast_issue(id, name.as_deref(), input, &options, &|| progress.tick())
            .map_err(|e| UserError::new(format!("issue `{id}`: {e}")))?;
        results.push(forecast);
    }
    progress.finish();
    Ok(results)
}

pub fn run(scenario: Option<&Path>, args: &ForecastArgs) -> Result<()> {
    let results = compute(scenario, args)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => write_json(&mut out, &to_json(&results)?),
        Format::Csv => long_table(&results).write_csv(&mut out),
        Format::Table => {
            for r in &results {
                write!(out, "{}", render(r))?;
            }
            Ok(())
        }
    }
}

/// One JSON object per (issue, model): [`orbit_pipeline::export::forecast_json`].
pub fn to_json(results: &[IssueForecast]) -> Result<Value> {
    Ok(orbit_pipeline::export::forecast_json(results)?)
}

/// Every result in long format, one number per row ([`orbit_pipeline::export::forecast_rows`]),
/// numbers at full precision, `round` and `actor` empty where they do not apply.
pub fn long_table(results: &[IssueForecast]) -> Table {
    use orbit_pipeline::export::{FORECAST_COLUMNS, forecast_rows};
    let mut table = Table::new(&FORECAST_COLUMNS);
    for row in forecast_rows(results) {
        table.push(vec![
            row.issue.to_string(),
            row.model.to_string(),
            row.quantity.to_string(),
            row.round.map_or_else(String::new, |r| r.to_string()),
            row.actor.unwrap_or_default().to_string(),
            row.value.to_string(),
        ]);
    }
    table
}

/// Why the EUM stopped, in words.
pub fn stop_reason(stop: &orbit_models::bargaining::StopReason, rounds: usize) -> String {
    use orbit_models::bargaining::StopReason;
    match stop {
        StopReason::RoundsCompleted => format!("stopped after the {rounds} rounds asked for"),
        StopReason::Converged { ratio } => {
            format!(
                "converged after {rounds} rounds: the last move was {:.1}% of the first",
                100.0 * ratio
            )
        }
        StopReason::FixedPoint => format!("no actor moved in round {rounds}"),
        StopReason::Repeated {
            first_round,
            period,
        } => {
            format!("cycle: round {rounds} repeats round {first_round} (period {period})")
        }
        StopReason::MaxRounds => format!("did not converge within {rounds} rounds"),
    }
}

fn number(x: f64) -> String {
    format!("{x:.2}")
}

/// The text form of one issue's forecasts.
pub fn render(r: &IssueForecast) -> String {
    let mut out = String::new();
    let _ = match &r.name {
        Some(name) => write!(out, "Issue: {name} ({})", r.issue),
        None => write!(out, "Issue: {}", r.issue),
    };
    if let Some((lo, hi)) = r.scale {
        let _ = write!(out, ", scale {lo}-{hi}");
    }
    if let Some(q) = r.status_quo {
        let _ = write!(out, ", status quo {q}");
    }
    out.push_str("\n\n");
    let mc = r.monte_carlo.as_ref();
    let mut headers = vec!["model", "forecast"];
    if mc.is_some() {
        headers.extend(["mean", "sd", "5%", "50%", "95%"]);
    }
    let mut table = Table::new(&headers).numeric(&(1..headers.len()).collect::<Vec<_>>());
    for (model, forecast) in r.forecasts() {
        let label = match (model, &r.eum) {
            (Model::Eum, Some(e)) => format!(
                "eum ({})",
                serde_json::to_value(e.variant)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            ),
            (Model::Median, _) => "weighted median".into(),
            (Model::Nbs, _) => "nash bargaining".into(),
            (m, _) => m.as_str().into(),
        };
        let mut row = vec![label, number(forecast)];
        if let Some(mc) = mc {
            match mc.models.iter().find(|d| d.model == model) {
                Some(d) => row.extend([d.mean, d.sd, d.p5, d.p50, d.p95].map(number)),
                None => row.extend(std::iter::repeat_n("-".to_string(), 5)),
            }
        }
        table.push(row);
    }
    out.push_str(&table.render(40));
    if r.nbs.is_none() && r.status_quo.is_none() {
        out.push_str("(nash bargaining needs a status quo: `--status-quo X`)\n");
    }
    if let Some(eum) = &r.eum {
        let _ = writeln!(
            out,
            "\nExpected utility model, positions by round ({})\n",
            stop_reason(&eum.stop, eum.rounds.len().saturating_sub(1))
        );
        let mut headers: Vec<&str> = vec!["round"];
        headers.extend(eum.actors.iter().map(String::as_str));
        headers.extend(["mean", "median"]);
        let mut rounds = Table::new(&headers).numeric(&(0..headers.len()).collect::<Vec<_>>());
        for round in &eum.rounds {
            let mut row = vec![round.round.to_string()];
            row.extend(round.positions.iter().map(|p| number(*p)));
            row.extend([number(round.mean), number(round.median)]);
            rounds.push(row);
        }
        out.push_str(&rounds.render(12));
    }
    if let Some(mc) = mc {
        let _ = writeln!(
            out,
            "\nMonte Carlo: {} draws, seed {}; most influential inputs (Spearman's rho with the forecast)\n",
            mc.draws, mc.seed
        );
        let mut influence = Table::new(&["model", "input", "rho"]).numeric(&[2]);
        for d in &mc.models {
            for i in d.influence.iter().take(3) {
                influence.push(vec![
                    d.model.as_str().to_string(),
                    format!("{} {}", i.actor, i.input),
                    i.spearman.map_or("-".into(), |r| format!("{r:+.2}")),
                ]);
            }
            if d.failed > 0 {
                let _ = writeln!(
                    out,
                    "  {}: {} draws gave no forecast",
                    d.model.as_str(),
                    d.failed
                );
            }
        }
        out.push_str(&influence.render(40));
    }
    out.push('\n');
    out
}
