//! The run plan: what a run computes, resolved once from raw options.
//!
//! Two layers, as in ripgrep's argument handling: [`RawRunOptions`] / [`RawForecastOptions`]
//! hold what the user gave (clap flags or HTTP parameters, already parsed into numbers but
//! unchecked, `None` for not given); [`resolve`] / [`resolve_forecast`] check them against
//! the scenario and the [`Limits`] and fill in the defaults, giving a [`RunPlan`] /
//! [`ForecastOptions`] or a [`PlanError`] that names the setting and says what is allowed.

use std::fmt;
use std::str::FromStr;

use orbit_models::backtest::ROLLING_CUTOFFS;
use orbit_models::bargaining::{EumOptions, StopRule, Variant};
use orbit_models::forecast::{ForecastOptions, Model};
use orbit_models::sensitivity::{MonteCarloSettings, PerturbationSpec};
use orbit_models::simulation::SimulationSettings;
use orbit_models::transit::DEFAULT_EPOCHS;
use orbit_scenario::{Hint, World, YearSpan};
use serde::Serialize;

use crate::Limits;

/// Monte Carlo draws per issue of a run's forecasts unless given.
pub const DEFAULT_RUN_DRAWS: usize = 1000;
/// Monte Carlo runs of a run's simulation and of each backtest cutoff unless given.
pub const DEFAULT_SIMULATION_RUNS: usize = 200;
/// The seed of every Monte Carlo stream unless given.
pub const DEFAULT_SEED: u64 = 1;
/// A run's simulation covers the scenario's last this-many years of data...
pub const SIMULATION_YEARS_BACK: i32 = 7;
/// ...and this many years beyond its last year.
pub const SIMULATION_YEARS_AHEAD: i32 = 8;

/// A setting of a run, named as the command line and the HTTP API spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    Runs,
    Seed,
    Model,
    Variant,
    Rounds,
    Stop,
    SimulationRuns,
    SimulationFrom,
    SimulationTo,
    TransitEpochs,
    BacktestCutoffs,
}

impl Setting {
    /// The command-line flag, e.g. `--sim-runs`.
    pub fn flag(self) -> &'static str {
        match self {
            Setting::Runs => "--runs",
            Setting::Seed => "--seed",
            Setting::Model => "--model",
            Setting::Variant => "--variant",
            Setting::Rounds => "--rounds",
            Setting::Stop => "--stop",
            Setting::SimulationRuns => "--sim-runs",
            Setting::SimulationFrom => "--sim-from",
            Setting::SimulationTo => "--sim-to",
            Setting::TransitEpochs => "--epoch",
            Setting::BacktestCutoffs => "--cutoff",
        }
    }

    /// The HTTP parameter, e.g. `sim_runs`.
    pub fn param(self) -> &'static str {
        match self {
            Setting::Runs => "runs",
            Setting::Seed => "seed",
            Setting::Model => "model",
            Setting::Variant => "variant",
            Setting::Rounds => "rounds",
            Setting::Stop => "stop",
            Setting::SimulationRuns => "sim_runs",
            Setting::SimulationFrom => "sim_from",
            Setting::SimulationTo => "sim_to",
            Setting::TransitEpochs => "epoch",
            Setting::BacktestCutoffs => "cutoff",
        }
    }
}

/// A setting that does not check: which one, what is wrong, what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}`: {problem}", setting.flag())]
pub struct PlanError {
    pub setting: Setting,
    /// What is wrong, without the setting's name (each surface names it its own way).
    pub problem: String,
    pub hints: Vec<String>,
}

impl PlanError {
    fn new(setting: Setting, problem: impl Into<String>) -> Self {
        PlanError {
            setting,
            problem: problem.into(),
            hints: Vec::new(),
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl Hint for PlanError {
    fn hints(&self) -> Vec<String> {
        self.hints.clone()
    }
}

/// Which bargaining models to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModelChoice {
    #[default]
    All,
    One(Model),
}

impl ModelChoice {
    pub fn models(self) -> Vec<Model> {
        match self {
            ModelChoice::All => Model::ALL.to_vec(),
            ModelChoice::One(m) => vec![m],
        }
    }
}

/// A value that is not one of the allowed names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub allowed: &'static [&'static str],
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`", self.what, self.given)
    }
}

impl UnknownName {
    /// `models are `all`, `eum`, ...`.
    pub fn allowed_list(&self) -> String {
        let names: Vec<String> = self.allowed.iter().map(|n| format!("`{n}`")).collect();
        names.join(", ")
    }
}

impl FromStr for ModelChoice {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Ok(match s {
            "all" => ModelChoice::All,
            "eum" => ModelChoice::One(Model::Eum),
            "compromise" => ModelChoice::One(Model::Compromise),
            "median" => ModelChoice::One(Model::Median),
            "nbs" => ModelChoice::One(Model::Nbs),
            _ => {
                return Err(UnknownName {
                    what: "model",
                    given: s.to_string(),
                    allowed: &["all", "eum", "compromise", "median", "nbs"],
                });
            }
        })
    }
}

/// Parses a variant name (`bdm`, `scholz2011`).
pub fn parse_variant(s: &str) -> Result<Variant, UnknownName> {
    match s {
        "bdm" => Ok(Variant::Bdm),
        "scholz2011" => Ok(Variant::Scholz2011),
        _ => Err(UnknownName {
            what: "variant",
            given: s.to_string(),
            allowed: &["bdm", "scholz2011"],
        }),
    }
}

/// The stop rule of the expected utility model, without its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopChoice {
    /// Exactly `rounds` rounds.
    Fixed,
    /// KTAB's relative-change rule, at most `rounds`.
    Change,
    /// Until a state repeats, at most `rounds`.
    Repeat,
}

impl FromStr for StopChoice {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        match s {
            "fixed" => Ok(StopChoice::Fixed),
            "change" => Ok(StopChoice::Change),
            "repeat" => Ok(StopChoice::Repeat),
            _ => Err(UnknownName {
                what: "stop rule",
                given: s.to_string(),
                allowed: &["fixed", "change", "repeat"],
            }),
        }
    }
}

/// Forecast options as given; `None` is "not given".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawForecastOptions {
    pub model: Option<ModelChoice>,
    pub variant: Option<Variant>,
    pub rounds: Option<usize>,
    pub stop: Option<StopChoice>,
    /// Monte Carlo draws (0: none).
    pub runs: Option<usize>,
    pub seed: Option<u64>,
    pub perturbation: Option<PerturbationSpec>,
}

/// The bound of a stop rule.
fn max_rounds(stop: StopRule) -> usize {
    match stop {
        StopRule::FixedRounds(n) => n,
        StopRule::RelativeChange { max_rounds, .. } | StopRule::RepeatedState { max_rounds } => {
            max_rounds
        }
    }
}

/// Checks forecast options against `limits`; `default_runs` is the surface's default number
/// of Monte Carlo draws (a run's forecasts draw [`DEFAULT_RUN_DRAWS`], `orbit forecast`
/// none).
pub fn resolve_forecast(
    raw: &RawForecastOptions,
    limits: &Limits,
    default_runs: usize,
) -> Result<ForecastOptions, PlanError> {
    let runs = raw.runs.unwrap_or(default_runs);
    if runs > limits.draws {
        return Err(PlanError::new(
            Setting::Runs,
            format!(
                "{runs} Monte Carlo draws are more than the {} allowed",
                limits.draws
            ),
        )
        .hint(format!("ask for at most {} draws", limits.draws)));
    }
    let variant = raw.variant.unwrap_or_default();
    let base = match variant {
        Variant::Bdm => EumOptions::default(),
        Variant::Scholz2011 => EumOptions::scholz2011(),
    };
    let rounds = raw.rounds.unwrap_or(max_rounds(base.stop));
    if rounds == 0 || rounds > limits.rounds {
        return Err(
            PlanError::new(Setting::Rounds, format!("{rounds} rounds is out of range"))
                .hint(format!("allowed are 1 to {} rounds", limits.rounds)),
        );
    }
    // KTAB's threshold, from the one place that states it.
    let ktab_threshold = match EumOptions::default().stop {
        StopRule::RelativeChange { threshold, .. } => threshold,
        _ => unreachable_threshold(),
    };
    let stop = match (raw.stop, base.stop) {
        (Some(StopChoice::Fixed), _) | (None, StopRule::FixedRounds(_)) => {
            StopRule::FixedRounds(rounds)
        }
        (Some(StopChoice::Change), _) => StopRule::RelativeChange {
            threshold: ktab_threshold,
            max_rounds: rounds,
        },
        (None, StopRule::RelativeChange { threshold, .. }) => StopRule::RelativeChange {
            threshold,
            max_rounds: rounds,
        },
        (Some(StopChoice::Repeat), _) | (None, StopRule::RepeatedState { .. }) => {
            StopRule::RepeatedState { max_rounds: rounds }
        }
    };
    let models = raw.model.unwrap_or_default().models();
    Ok(ForecastOptions {
        models,
        eum: EumOptions {
            variant,
            stop,
            ..base
        },
        monte_carlo: (runs > 0).then(|| MonteCarloSettings {
            draws: runs,
            seed: raw.seed.unwrap_or(DEFAULT_SEED),
            perturbation: raw.perturbation.unwrap_or_default(),
            ..MonteCarloSettings::default()
        }),
    })
}

/// `EumOptions::default()` uses KTAB's relative-change rule; this is its threshold should
/// that default ever change (KTAB, `smp.cpp`).
fn unreachable_threshold() -> f64 {
    0.02
}

/// Options of a whole run as given; `None` is "not given".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRunOptions {
    pub forecast: RawForecastOptions,
    /// Leave out the simulation and the backtest.
    pub no_simulation: bool,
    pub simulation_runs: Option<usize>,
    pub simulation_from: Option<i32>,
    pub simulation_to: Option<i32>,
    pub transit_epochs: Option<Vec<i32>>,
    pub backtest_cutoffs: Option<Vec<i32>>,
    /// Leave out the thesis backtest (`crate::thesis`).
    pub no_thesis: bool,
}

/// The yearly simulation of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SimulationPlan {
    pub from: i32,
    pub to: i32,
    /// `runs` is at least 1: the fans need a run besides the central one.
    pub settings: SimulationSettings,
}

/// Everything one run computes, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunPlan {
    /// Every issue of the scenario is forecast with these options.
    pub forecast: ForecastOptions,
    /// `None`: no simulation (asked so, or the scenario has no issues to drive it).
    pub simulation: Option<SimulationPlan>,
    /// Epochs of the transit game; an epoch without a gas network is left out with a note.
    pub transit_epochs: Vec<i32>,
    /// Cutoffs of the rolling backtest, each simulated with the simulation's settings
    /// (empty without a simulation).
    pub backtest_cutoffs: Vec<i32>,
    /// The thesis backtest (`crate::thesis`): `None` when asked off or when the scenario
    /// lacks what it needs (a note says which).
    pub thesis: Option<crate::thesis::ThesisPlan>,
    /// What the plan left out and why.
    pub notes: Vec<String>,
}

/// The default simulation years of a scenario: its last [`SIMULATION_YEARS_BACK`] years of
/// data and [`SIMULATION_YEARS_AHEAD`] years beyond (the built-in scenario: 2015-2030).
pub fn default_simulation_years(years: YearSpan) -> (i32, i32) {
    let from = years
        .last
        .saturating_sub(SIMULATION_YEARS_BACK)
        .max(years.first);
    (from, years.last.saturating_add(SIMULATION_YEARS_AHEAD))
}

/// The default backtest cutoffs of a scenario: the rolling cutoffs of the Union State study
/// ([`ROLLING_CUTOFFS`]) that fall inside the scenario's years and leave at least one later
/// year to score; when none does, the year before the scenario's last.
pub fn default_cutoffs(years: YearSpan) -> Vec<i32> {
    let scorable = |c: i32| years.first <= c && c < years.last;
    let mut cutoffs: Vec<i32> = ROLLING_CUTOFFS
        .into_iter()
        .filter(|&c| scorable(c))
        .collect();
    if cutoffs.is_empty() && scorable(years.last - 1) {
        cutoffs.push(years.last - 1);
    }
    cutoffs
}

/// The default transit epochs: those of the Union State study ([`DEFAULT_EPOCHS`]) inside
/// the scenario's years.
pub fn default_epochs(years: YearSpan) -> Vec<i32> {
    DEFAULT_EPOCHS
        .into_iter()
        .filter(|&y| years.contains(y))
        .collect()
}

fn years_hint(what: &str, span: (i32, i32)) -> String {
    format!("{what} must lie in {}-{}", span.0, span.1)
}

/// A cutoff must leave a later year of the scenario to score.
pub fn check_cutoff(years: YearSpan, cutoff: i32) -> Result<(), PlanError> {
    if cutoff < years.first || cutoff >= years.last {
        return Err(PlanError::new(
            Setting::BacktestCutoffs,
            format!(
                "the cutoff {cutoff} is outside the scenario's years {}-{}",
                years.first, years.last
            ),
        )
        .hint(years_hint(
            "a cutoff leaves a later year to score, so it",
            (years.first, years.last - 1),
        )));
    }
    Ok(())
}

/// Checks the simulated years against the scenario's years and the horizon of `limits`.
pub fn check_simulation_years(
    years: YearSpan,
    from: i32,
    to: i32,
    limits: &Limits,
) -> Result<(), PlanError> {
    let latest = years.last.saturating_add(limits.horizon);
    if !years.contains(from) {
        return Err(PlanError::new(
            Setting::SimulationFrom,
            format!(
                "the simulation cannot start in {from}: the scenario's years are {}-{}",
                years.first, years.last
            ),
        )
        .hint(years_hint(
            "the first simulated year is a year with data, so it",
            (years.first, years.last),
        )));
    }
    if to < from || to > latest {
        return Err(PlanError::new(
            Setting::SimulationTo,
            format!("the simulation cannot end in {to}"),
        )
        .hint(years_hint(
            &format!(
                "the last simulated year comes after the first ({from}) and at most {} years after the scenario's last ({}), so it",
                limits.horizon, years.last
            ),
            (from, latest),
        )));
    }
    Ok(())
}

/// Checks `raw` against the scenario and `limits` and fills in the defaults.
pub fn resolve(world: &World, raw: &RawRunOptions, limits: &Limits) -> Result<RunPlan, PlanError> {
    let years = world.meta.years;
    let forecast = resolve_forecast(&raw.forecast, limits, DEFAULT_RUN_DRAWS)?;
    let mut notes = Vec::new();
    if raw.no_simulation {
        let ignored = [
            (Setting::SimulationRuns, raw.simulation_runs.is_some()),
            (Setting::SimulationFrom, raw.simulation_from.is_some()),
            (Setting::SimulationTo, raw.simulation_to.is_some()),
            (Setting::BacktestCutoffs, raw.backtest_cutoffs.is_some()),
        ];
        if let Some((setting, _)) = ignored.iter().find(|(_, given)| *given) {
            return Err(
                PlanError::new(*setting, "is ignored when the simulation is left out").hint(
                    format!(
                        "drop `{}`, or drop `--no-simulation` to run the simulation",
                        setting.flag()
                    ),
                ),
            );
        }
    }
    let runs = raw.simulation_runs.unwrap_or(DEFAULT_SIMULATION_RUNS);
    if runs > limits.simulation_runs {
        return Err(PlanError::new(
            Setting::SimulationRuns,
            format!(
                "{runs} simulation runs are more than the {} allowed",
                limits.simulation_runs
            ),
        )
        .hint(format!("ask for at most {} runs", limits.simulation_runs)));
    }
    let (default_from, default_to) = default_simulation_years(years);
    let from = raw.simulation_from.unwrap_or(default_from);
    let to = raw.simulation_to.unwrap_or(default_to.max(from));
    let simulation = if raw.no_simulation {
        None
    } else {
        check_simulation_years(years, from, to, limits)?;
        if world.issues.is_empty() {
            notes.push(
                "no simulation and no backtest: the scenario has no issues to drive them".into(),
            );
            None
        } else {
            Some(SimulationPlan {
                from,
                to,
                settings: SimulationSettings {
                    runs: runs.max(1),
                    seed: raw.forecast.seed.unwrap_or(DEFAULT_SEED),
                    ..SimulationSettings::default()
                },
            })
        }
    };
    let backtest_cutoffs = match (&simulation, &raw.backtest_cutoffs) {
        (None, _) => Vec::new(),
        (Some(_), Some(cutoffs)) => {
            for &c in cutoffs {
                check_cutoff(years, c)?;
            }
            cutoffs.clone()
        }
        (Some(_), None) => default_cutoffs(years),
    };
    let transit_epochs = match &raw.transit_epochs {
        Some(epochs) => {
            if let Some(&y) = epochs.iter().find(|&&y| !years.contains(y)) {
                return Err(PlanError::new(
                    Setting::TransitEpochs,
                    format!(
                        "the epoch {y} is outside the scenario's years {}-{}",
                        years.first, years.last
                    ),
                )
                .hint(years_hint("an epoch", (years.first, years.last))));
            }
            epochs.clone()
        }
        None => default_epochs(years),
    };
    let thesis = crate::thesis::plan(
        world,
        raw.no_thesis,
        raw.forecast.seed.unwrap_or(DEFAULT_SEED),
        &mut notes,
    );
    Ok(RunPlan {
        forecast,
        simulation,
        transit_epochs,
        backtest_cutoffs,
        thesis,
        notes,
    })
}
