//! The thesis backtest of a run: [`orbit_models::thesis_backtest`] (the patron–client bargain
//! calibrated afresh at every cutoff 2000–2021 the scenario allows, forecasting the gas price
//! and the trade shares 1–5 years ahead against persistence and drift) and, in the same
//! per-horizon table, the issue outcomes of the run's rolling backtests
//! ([`orbit_models::backtest`]: the expected utility model against the status quo and the
//! compromise model, with Brier scores of "moved at least 10% of the scale").
//!
//! [`plan`] decides once, for the CLI and the HTTP server alike, whether the scenario has
//! what the backtest needs (the European reference series among its `[[benchmarks]]`);
//! [`section`] computes it; [`scores_table`] and [`forecasts_table`] are its long-format
//! exports (`thesis_scores.csv`, `thesis_backtest.csv`).

use orbit_models::backtest::{Backtest, QuestionKind};
use orbit_models::calibrate::{CalibrationSpec, DEFAULT_BENCHMARK_SERIES, ReferenceSeries};
use orbit_models::thesis_backtest::{
    FAN_RNG, FanSettings, HORIZONS, PriceFan, THESIS_CUTOFFS, Target, ThesisBacktest,
    thesis_backtest,
};
use orbit_scenario::World;
use serde::Serialize;

use crate::export::{Cell, ExportTable};

/// The thesis backtest a run computes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThesisPlan {
    /// Every cutoff of [`THESIS_CUTOFFS`] that leaves a later year of the scenario to score.
    pub cutoffs: Vec<i32>,
    /// The scenario's `[[benchmarks]]` series used as the European reference price.
    pub reference_series: String,
    /// The year `t`'s bargain uses the reference of `t − reference_lag` (0: the same year).
    pub reference_lag: i32,
    /// Monte Carlo draws and seed of each cutoff's price fan.
    pub fan: FanSettings,
}

/// The thesis backtest of the run, or `None` with a note saying why not: asked off
/// (`off`), no cutoff inside the scenario's years, or no European reference series.
pub fn plan(world: &World, off: bool, seed: u64, notes: &mut Vec<String>) -> Option<ThesisPlan> {
    if off {
        return None;
    }
    let years = world.meta.years;
    let cutoffs: Vec<i32> = THESIS_CUTOFFS
        .filter(|&c| years.first <= c && c < years.last)
        .collect();
    if cutoffs.is_empty() {
        notes.push(format!(
            "no thesis backtest: none of the cutoffs {}-{} leaves a later year of the scenario's {}-{} to score",
            THESIS_CUTOFFS.start(),
            THESIS_CUTOFFS.end(),
            years.first,
            years.last
        ));
        return None;
    }
    if let Err(e) = ReferenceSeries::from_world(world, DEFAULT_BENCHMARK_SERIES) {
        notes.push(format!(
            "no thesis backtest: {e} (the bargain needs the European reference gas price as the `[[benchmarks]]` series `{DEFAULT_BENCHMARK_SERIES}`)"
        ));
        return None;
    }
    Some(ThesisPlan {
        cutoffs,
        reference_series: DEFAULT_BENCHMARK_SERIES.to_string(),
        reference_lag: 0,
        fan: FanSettings {
            seed,
            ..FanSettings::default()
        },
    })
}

/// The issue outcomes of the rolling backtests at one horizon (years from the cutoff to the
/// outcome's date).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueHorizonScore {
    pub horizon: i32,
    /// Issue outcomes scored (every cutoff of the run's rolling backtest).
    pub n: usize,
    /// The cutoffs they come from.
    pub cutoffs: Vec<i32>,
    /// Mean absolute error on the issues' scales: the expected utility model's central run,
    /// the status quo (persistence) and the compromise model on the cutoff positions.
    pub mae_model: Option<f64>,
    pub mae_persistence: Option<f64>,
    pub mae_compromise: Option<f64>,
    /// `1 − MAE_model/MAE_persistence`.
    pub skill_model: Option<f64>,
    /// `1 − MAE_compromise/MAE_persistence`.
    pub skill_compromise: Option<f64>,
    /// Mean Brier scores of "moved at least 10% of the scale from the status quo", over the
    /// outcomes that have all three.
    pub brier_n: usize,
    pub brier_model: Option<f64>,
    pub brier_persistence: Option<f64>,
    pub brier_compromise: Option<f64>,
    /// Outcomes where the model's error is below, within 1e-9 of, or above the status quo's
    /// (the rule of `orbit backtest`).
    pub better: usize,
    pub ties: usize,
    pub worse: usize,
}

/// The thesis backtest of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThesisSection {
    pub plan: ThesisPlan,
    /// The reference series' name as recorded.
    pub reference: String,
    pub backtest: ThesisBacktest,
    /// The issue outcomes per horizon, from the run's rolling backtests.
    pub issues: Vec<IssueHorizonScore>,
    /// The run's rolling-backtest cutoffs (where the issue outcomes come from).
    pub issue_cutoffs: Vec<i32>,
    /// The fans' RNG.
    pub rng: &'static str,
}

impl ThesisSection {
    /// The fan from `cutoff`, if that cutoff was calibrated.
    pub fn fan(&self, cutoff: i32) -> Option<&PriceFan> {
        self.backtest.fans.iter().find(|f| f.cutoff == cutoff)
    }

    /// The latest cutoff with a fan.
    pub fn latest_fan(&self) -> Option<&PriceFan> {
        self.backtest.fans.iter().max_by_key(|f| f.cutoff)
    }
}

/// Computes the thesis backtest of `plan` on `world`; `rolling` are the run's rolling
/// backtests, whose issue outcomes join the table. `None` with a note if the reference
/// series cannot be read (the plan checked it, so only a changed world gets here).
pub fn section(
    world: &World,
    plan: &ThesisPlan,
    rolling: &[Backtest],
    notes: &mut Vec<String>,
) -> Option<ThesisSection> {
    let mut section = section_without_issues(world, plan, notes)?;
    add_issue_scores(&mut section, rolling);
    Some(section)
}

/// The rolling backtests' issue outcomes per horizon, joined to a section made by
/// [`section_without_issues`].
pub fn add_issue_scores(section: &mut ThesisSection, rolling: &[Backtest]) {
    section.issues = issue_scores(rolling);
    section.issue_cutoffs = rolling.iter().map(|b| b.cutoff).collect();
}

/// [`section`] without the issue outcomes (empty until [`add_issue_scores`]), so that the
/// calibrations at every cutoff need not wait for the run's rolling backtests.
pub fn section_without_issues(
    world: &World,
    plan: &ThesisPlan,
    notes: &mut Vec<String>,
) -> Option<ThesisSection> {
    let reference = match ReferenceSeries::from_world(world, &plan.reference_series) {
        Ok(r) => r,
        Err(e) => {
            notes.push(format!("no thesis backtest: {e}"));
            return None;
        }
    };
    let spec = CalibrationSpec {
        reference_lag: plan.reference_lag,
        ..CalibrationSpec::default()
    };
    let backtest = thesis_backtest(world, &reference, &plan.cutoffs, &spec, &plan.fan);
    Some(ThesisSection {
        plan: plan.clone(),
        reference: reference.name,
        backtest,
        issues: Vec::new(),
        issue_cutoffs: Vec::new(),
        rng: FAN_RNG,
    })
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

fn skill(x: Option<f64>, reference: Option<f64>) -> Option<f64> {
    match (x, reference) {
        (Some(x), Some(r)) if r > 0.0 => Some(1.0 - x / r),
        _ => None,
    }
}

/// The horizon of a score: the outcome's year minus the cutoff.
fn horizon(cutoff: i32, date: &str) -> Option<i32> {
    Some(date.get(..4)?.parse::<i32>().ok()? - cutoff)
}

/// The issue outcomes of `rolling` per horizon 1–5 (outcomes further out are not scored
/// here; `orbit backtest --rolling` lists them all).
pub fn issue_scores(rolling: &[Backtest]) -> Vec<IssueHorizonScore> {
    HORIZONS
        .iter()
        .map(|&h| {
            let scores: Vec<_> = rolling
                .iter()
                .flat_map(|b| b.scores.iter())
                .filter(|s| s.kind == QuestionKind::Issue && horizon(s.cutoff, &s.date) == Some(h))
                .collect();
            let mut cutoffs: Vec<i32> = scores.iter().map(|s| s.cutoff).collect();
            cutoffs.dedup();
            let model: Vec<f64> = scores.iter().map(|s| s.model_error).collect();
            let persistence: Vec<f64> = scores.iter().map(|s| s.status_quo_error).collect();
            let compromise: Vec<f64> = scores.iter().filter_map(|s| s.compromise_error).collect();
            let briers: Vec<(f64, f64, f64)> = scores
                .iter()
                .filter_map(|s| Some((s.model_brier?, s.status_quo_brier?, s.compromise_brier?)))
                .collect();
            let (mae_model, mae_persistence) = (mean(&model), mean(&persistence));
            // The compromise's MAE only where every outcome has one, so it is on the same sample.
            let mae_compromise = (compromise.len() == scores.len())
                .then(|| mean(&compromise))
                .flatten();
            let column =
                |f: fn(&(f64, f64, f64)) -> f64| mean(&briers.iter().map(f).collect::<Vec<_>>());
            IssueHorizonScore {
                horizon: h,
                n: scores.len(),
                cutoffs,
                mae_model,
                mae_persistence,
                mae_compromise,
                skill_model: skill(mae_model, mae_persistence),
                skill_compromise: skill(mae_compromise, mae_persistence),
                brier_n: briers.len(),
                brier_model: column(|b| b.0),
                brier_persistence: column(|b| b.1),
                brier_compromise: column(|b| b.2),
                better: scores
                    .iter()
                    .filter(|s| s.model_error + 1e-9 < s.status_quo_error)
                    .count(),
                ties: scores
                    .iter()
                    .filter(|s| (s.model_error - s.status_quo_error).abs() <= 1e-9)
                    .count(),
                worse: scores
                    .iter()
                    .filter(|s| s.status_quo_error + 1e-9 < s.model_error)
                    .count(),
            }
        })
        .collect()
}

/// The snake_case name of a target in the exports.
pub fn target_key(target: Target) -> &'static str {
    match target {
        Target::GasPrice => "gas_price",
        Target::PatronExportsShare => "patron_exports_share",
        Target::PatronImportsShare => "patron_imports_share",
        Target::EuTradeShare => "eu_trade_share",
    }
}

/// The target of the issue outcomes in the exports.
pub const ISSUE_TARGET: &str = "issue_outcomes";

/// The columns of `thesis_scores.csv`.
pub const SCORE_COLUMNS: [&str; 20] = [
    "target",
    "horizon",
    "n",
    "mae_model",
    "mae_persistence",
    "mae_drift",
    "mae_compromise",
    "skill_model",
    "skill_drift",
    "skill_compromise",
    "mae_model_given_reference",
    "coverage_80",
    "brier_n",
    "brier_model",
    "brier_persistence",
    "brier_compromise",
    "better",
    "ties",
    "worse",
    "cutoffs",
];

fn count(n: usize) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn number(x: Option<f64>) -> Cell {
    x.map_or(Cell::Missing, Cell::Number)
}

/// The scored table, one row per target and horizon: the bargain's four targets, then the
/// issue outcomes (`issue_outcomes`). Empty cells where a score does not apply (no drift
/// for issues, no compromise or Brier score for prices and shares, no fan for shares).
pub fn scores_table(section: &ThesisSection) -> ExportTable {
    let mut table = ExportTable::new(&SCORE_COLUMNS);
    for s in &section.backtest.scores {
        let cutoffs: Vec<String> = section
            .backtest
            .rows
            .iter()
            .filter(|r| r.target == s.target && r.horizon == s.horizon && r.model.is_some())
            .map(|r| r.cutoff.to_string())
            .collect();
        table.rows.push(vec![
            Cell::Text(target_key(s.target).into()),
            Cell::Int(s.horizon.into()),
            count(s.n),
            number(s.mae_model),
            number(s.mae_persistence),
            number(s.mae_drift),
            Cell::Missing,
            number(s.skill_model),
            number(s.skill_drift),
            Cell::Missing,
            number(s.mae_model_given_reference),
            number(s.coverage_80),
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            count(s.better),
            count(s.ties),
            count(s.worse),
            Cell::Text(cutoffs.join(" ")),
        ]);
    }
    for s in &section.issues {
        table.rows.push(vec![
            Cell::Text(ISSUE_TARGET.into()),
            Cell::Int(s.horizon.into()),
            count(s.n),
            number(s.mae_model),
            number(s.mae_persistence),
            Cell::Missing,
            number(s.mae_compromise),
            number(s.skill_model),
            Cell::Missing,
            number(s.skill_compromise),
            Cell::Missing,
            Cell::Missing,
            count(s.brier_n),
            number(s.brier_model),
            number(s.brier_persistence),
            number(s.brier_compromise),
            count(s.better),
            count(s.ties),
            count(s.worse),
            Cell::Text(
                s.cutoffs
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ]);
    }
    table
}

/// The columns of `thesis_backtest.csv`.
pub const FORECAST_COLUMNS: [&str; 11] = [
    "target",
    "cutoff",
    "horizon",
    "year",
    "recorded",
    "model",
    "persistence",
    "drift",
    "model_given_reference",
    "fan_q10",
    "fan_q90",
];

/// Every forecast of the bargain's targets, one row per (target, cutoff, horizon), full
/// precision, empty where the model or a baseline has no forecast.
pub fn forecasts_table(section: &ThesisSection) -> ExportTable {
    let mut table = ExportTable::new(&FORECAST_COLUMNS);
    for r in &section.backtest.rows {
        table.rows.push(vec![
            Cell::Text(target_key(r.target).into()),
            Cell::Int(r.cutoff.into()),
            Cell::Int(r.horizon.into()),
            Cell::Int(r.year.into()),
            Cell::Number(r.recorded),
            number(r.model),
            number(r.persistence),
            number(r.drift),
            number(r.model_given_reference),
            number(r.fan_q10),
            number(r.fan_q90),
        ]);
    }
    table
}

/// The headline sentence of the backtest, generated from the scores: for each target, at
/// which of the horizons 1–3 the model beats persistence (positive skill) and at which it
/// does not. Nothing in it is written by hand.
pub fn verdict(section: &ThesisSection) -> String {
    let short = |t: Target| match t {
        Target::GasPrice => "the gas price",
        Target::PatronExportsShare => "the patron's export share",
        Target::PatronImportsShare => "the patron's import share",
        Target::EuTradeShare => "the EU's trade share",
    };
    let years = |hs: &[i32]| -> String {
        match hs {
            [] => String::new(),
            [h] => format!("{h} year{}", if *h == 1 { "" } else { "s" }),
            _ => {
                let contiguous = hs.windows(2).all(|w| w[1] == w[0] + 1);
                if contiguous {
                    format!("{}–{} years", hs[0], hs[hs.len() - 1])
                } else {
                    let list: Vec<String> = hs.iter().map(i32::to_string).collect();
                    format!("{} years", list.join(" and "))
                }
            }
        }
    };
    let gas: Vec<_> = section
        .backtest
        .scores
        .iter()
        .filter(|s| s.target == Target::GasPrice && s.horizon <= 3)
        .collect();
    let wins: Vec<i32> = gas
        .iter()
        .filter(|s| s.skill_model.is_some_and(|k| k > 0.0))
        .map(|s| s.horizon)
        .collect();
    let losses: Vec<i32> = gas
        .iter()
        .filter(|s| s.skill_model.is_some_and(|k| k <= 0.0))
        .map(|s| s.horizon)
        .collect();
    let mut out = match (wins.is_empty(), losses.is_empty()) {
        (true, true) => "The bargain cannot be scored on the gas price at 1–3 years".to_string(),
        (true, false) => format!(
            "The bargain does not beat persistence on {} at {}",
            short(Target::GasPrice),
            years(&losses)
        ),
        (false, true) => format!(
            "The bargain beats persistence on {} at {}",
            short(Target::GasPrice),
            years(&wins)
        ),
        (false, false) => format!(
            "The bargain beats persistence on {} at {} but not at {}",
            short(Target::GasPrice),
            years(&wins),
            years(&losses)
        ),
    };
    let beaten: Vec<(Target, bool)> = [
        Target::PatronExportsShare,
        Target::PatronImportsShare,
        Target::EuTradeShare,
    ]
    .into_iter()
    .filter(|&t| {
        section
            .backtest
            .scores
            .iter()
            .any(|s| s.target == t && s.horizon == 1 && s.skill_model.is_some_and(|k| k > 0.0))
    })
    .map(|t| {
        // The backtest notes a link that reduced to mean reversion (no bargain in it).
        let reverting = section
            .backtest
            .notes
            .iter()
            .any(|n| n.starts_with(t.label()) && n.contains("mean reversion"));
        (t, reverting)
    })
    .collect();
    if !beaten.is_empty() {
        let names: Vec<&str> = beaten.iter().map(|&(t, _)| short(t)).collect();
        let list = match names.as_slice() {
            [one] => one.to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => String::new(),
        };
        let how = if beaten.iter().all(|&(_, r)| r) {
            ", by mean reversion (the fitted link has no bargain in it)"
        } else {
            ""
        };
        out.push_str(&format!(
            "; the trade-share link beats persistence at 1 year on {list}{how}"
        ));
    }
    out
}
