//! The shapes programs read (`--format json|csv`), defined once so that the CLI and the
//! Python bindings cannot drift apart: each formats these rows in its own cell type.

use orbit_models::backtest::Backtest;
use orbit_models::dependence::{DependenceProfile, profile};
use orbit_models::forecast::{IssueForecast, Model};
use orbit_models::gas_price::GasPriceBacktest;
use orbit_models::simulation::SimulationResult;
use orbit_models::transit::TransitReport;
use orbit_scenario::{Hint, World, YearSpan};
use serde_json::{Value, json};

use crate::PlanError;

/// The columns of the forecasts' long format (`orbit forecast --format csv`).
pub const FORECAST_COLUMNS: [&str; 6] = ["issue", "model", "quantity", "round", "actor", "value"];

/// One number of the forecasts' long format; `round` and `actor` are `None` where they do
/// not apply.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRow<'a> {
    pub issue: &'a str,
    pub model: &'a str,
    pub quantity: &'static str,
    pub round: Option<usize>,
    pub actor: Option<&'a str>,
    pub value: f64,
}

/// Every result in long format, one number per row: each model's `forecast`, the EUM's
/// `position` of each actor in each round, and the Monte Carlo summary of each model
/// (`mc_mean`, `mc_sd`, `mc_p5`, `mc_p50`, `mc_p95`, `mc_draws`, `mc_failed`).
pub fn forecast_rows(results: &[IssueForecast]) -> Vec<ForecastRow<'_>> {
    let mut rows = Vec::new();
    for r in results {
        let row = |model, quantity, round, actor, value| ForecastRow {
            issue: &r.issue,
            model,
            quantity,
            round,
            actor,
            value,
        };
        for (model, forecast) in r.forecasts() {
            rows.push(row(model.as_str(), "forecast", None, None, forecast));
        }
        if let Some(eum) = &r.eum {
            for round in &eum.rounds {
                for (actor, position) in eum.actors.iter().zip(&round.positions) {
                    rows.push(row(
                        "eum",
                        "position",
                        Some(round.round),
                        Some(actor),
                        *position,
                    ));
                }
            }
        }
        if let Some(mc) = &r.monte_carlo {
            for d in &mc.models {
                for (quantity, value) in [
                    ("mc_mean", d.mean),
                    ("mc_sd", d.sd),
                    ("mc_p5", d.p5),
                    ("mc_p50", d.p50),
                    ("mc_p95", d.p95),
                    ("mc_draws", d.draws as f64),
                    ("mc_failed", d.failed as f64),
                ] {
                    rows.push(row(d.model.as_str(), quantity, None, None, value));
                }
            }
        }
    }
    rows
}

/// One JSON object per (issue, model), each in the shape `{"issue", "model", "forecast",
/// ...}`; the EUM's has `variant`, `rounds`, `offers`, and a model with Monte Carlo draws its
/// `monte_carlo` summary (`orbit forecast --format json`).
pub fn forecast_json(results: &[IssueForecast]) -> Result<Value, serde_json::Error> {
    let mut objects = Vec::new();
    for r in results {
        for (model, forecast) in r.forecasts() {
            let mut object = match (model, &r.eum) {
                (Model::Eum, Some(eum)) => serde_json::to_value(eum)?,
                _ => json!({ "model": model.as_str(), "forecast": forecast }),
            };
            if let Some(map) = object.as_object_mut() {
                map.insert("issue".into(), json!(r.issue));
                if let Some(name) = &r.name {
                    map.insert("issue_name".into(), json!(name));
                }
                if let Some(mc) = &r.monte_carlo
                    && let Some(dist) = mc.models.iter().find(|d| d.model == model)
                {
                    let mut summary = serde_json::to_value(dist)?;
                    if let Some(s) = summary.as_object_mut() {
                        s.insert("runs".into(), json!(mc.draws));
                        s.insert("seed".into(), json!(mc.seed));
                        s.insert("rng".into(), json!(mc.rng));
                        s.insert(
                            "perturbation".into(),
                            serde_json::to_value(mc.perturbation)?,
                        );
                    }
                    map.insert("monte_carlo".into(), summary);
                }
            }
            objects.push(object);
        }
    }
    Ok(Value::Array(objects))
}

/// One cell of an exported table, typed so that each surface formats it its own way (the
/// CLI's CSV as text at full precision, its tables rounded, Python as JSON numbers).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    Bool(bool),
    /// Not computed or not applicable: an empty CSV cell, `-` in a table, null in Python.
    Missing,
}

impl Cell {
    fn number(x: Option<f64>) -> Cell {
        x.map_or(Cell::Missing, Cell::Number)
    }

    /// The cell as text: numbers through `number`, a missing cell as `missing`.
    pub fn text(&self, number: impl Fn(f64) -> String, missing: &str) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Number(x) => number(*x),
            Cell::Bool(b) => b.to_string(),
            Cell::Missing => missing.to_string(),
        }
    }

    /// The cell as text as the CSV writers have it: full precision, empty when missing.
    pub fn raw(&self) -> String {
        self.text(|x| x.to_string(), "")
    }
}

/// A long-format table: its columns and rows of typed cells.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl ExportTable {
    pub(crate) fn new(columns: &[&str]) -> Self {
        ExportTable {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// The columns of `orbit transit --format csv`.
pub const TRANSIT_COLUMNS: [&str; 10] = [
    "year",
    "player",
    "shapley",
    "shapley_share",
    "banzhaf",
    "banzhaf_index",
    "nucleolus",
    "grand_value",
    "core_empty",
    "least_core_epsilon",
];

/// The transit game in long format: one row per (epoch, player).
pub fn transit_table(report: &TransitReport) -> ExportTable {
    let mut table = ExportTable::new(&TRANSIT_COLUMNS);
    for e in &report.epochs {
        for r in &e.results {
            table.rows.push(vec![
                Cell::Int(e.year.into()),
                Cell::Text(r.player.clone()),
                Cell::Number(r.shapley),
                Cell::Number(r.shapley_share),
                Cell::Number(r.banzhaf),
                Cell::number(r.banzhaf_index),
                Cell::number(r.nucleolus),
                Cell::Number(e.grand_value),
                e.core_empty.map_or(Cell::Missing, Cell::Bool),
                Cell::number(e.least_core_epsilon),
            ]);
        }
    }
    table
}

/// The columns of `orbit simulate --format csv`.
pub const SIMULATION_COLUMNS: [&str; 6] = ["series", "year", "central", "p5", "p50", "p95"];

/// The simulation in long format: one row per series and year, the central run and the 5/50/95%
/// fan (missing without Monte Carlo runs).
pub fn simulation_table(result: &SimulationResult) -> ExportTable {
    let mut table = ExportTable::new(&SIMULATION_COLUMNS);
    let n_ind = result.indicator_names.len();
    let n_iss = result.issue_ids.len();
    for (k, fan) in result.fans.iter().enumerate() {
        for (y, year) in result.years.iter().enumerate() {
            // The fans list the indicators, then the EUM forecasts, then the compromises.
            let central = if k < n_ind {
                result.central.indicators[y][k]
            } else if k < n_ind + n_iss {
                result.central.eum[y][k - n_ind]
            } else {
                result.central.compromise[y][k - n_ind - n_iss]
            };
            let fan_at = |v: &[f64]| {
                if result.runs == 0 {
                    Cell::Missing
                } else {
                    Cell::Number(v[y])
                }
            };
            table.rows.push(vec![
                Cell::Text(fan.name.clone()),
                Cell::Int((*year).into()),
                Cell::Number(central),
                fan_at(&fan.p5),
                fan_at(&fan.p50),
                fan_at(&fan.p95),
            ]);
        }
    }
    table
}

/// The columns of `orbit backtest --format csv`.
pub const BACKTEST_COLUMNS: [&str; 13] = [
    "cutoff",
    "question",
    "date",
    "observed",
    "model",
    "status_quo",
    "compromise",
    "model_error",
    "status_quo_error",
    "compromise_error",
    "model_brier",
    "status_quo_brier",
    "compromise_brier",
];

/// The backtests' scores in long format: one row per (cutoff, question).
pub fn backtest_table(results: &[Backtest]) -> ExportTable {
    let mut table = ExportTable::new(&BACKTEST_COLUMNS);
    for bt in results {
        for s in &bt.scores {
            table.rows.push(vec![
                Cell::Int(s.cutoff.into()),
                Cell::Text(s.question.clone()),
                Cell::Text(s.date.clone()),
                Cell::Number(s.observed),
                Cell::Number(s.model),
                Cell::Number(s.status_quo),
                Cell::number(s.compromise),
                Cell::Number(s.model_error),
                Cell::Number(s.status_quo_error),
                Cell::number(s.compromise_error),
                Cell::number(s.model_brier),
                Cell::number(s.status_quo_brier),
                Cell::number(s.compromise_brier),
            ]);
        }
    }
    table
}

/// The gas-price backtest (`orbit backtest --gas-price`): per year, the recorded price, the
/// bargaining model's and the baselines' prices, their absolute errors, and the prediction's
/// inputs; `focus` names the focus actor's share column (`BLR share`).
pub fn gas_price_table(bt: &GasPriceBacktest, focus: &str) -> ExportTable {
    let focus_share = format!("{focus} share");
    let mut table = ExportTable::new(&[
        "year",
        "recorded",
        "model",
        "persistence",
        "ratio",
        "err model",
        "err persistence",
        "err ratio",
        focus_share.as_str(),
        "p_low",
        "p_ref",
    ]);
    for r in &bt.rows {
        let p = r.prediction.as_ref();
        table.rows.push(vec![
            Cell::Int(r.year.into()),
            Cell::Number(r.recorded),
            Cell::number(r.model),
            Cell::number(r.persistence),
            Cell::number(r.ratio),
            Cell::number(r.model_error),
            Cell::number(r.persistence_error),
            Cell::number(r.ratio_error),
            Cell::number(p.map(|p| p.focus_share)),
            Cell::number(p.map(|p| p.floor)),
            Cell::number(p.map(|p| p.reference)),
        ]);
    }
    table
}

/// The cutoffs of `orbit backtest`: the rolling ones ([`crate::default_cutoffs`]), or `cutoff`
/// (default 2019, or the year before the scenario's last when 2019 leaves nothing to score),
/// checked to leave a later year to score.
pub fn backtest_cutoffs(
    years: YearSpan,
    cutoff: Option<i32>,
    rolling: bool,
) -> Result<Vec<i32>, PlanError> {
    if rolling {
        return Ok(crate::default_cutoffs(years));
    }
    let cutoff = cutoff.unwrap_or(if years.contains(2019) && years.last > 2019 {
        2019
    } else {
        years.last - 1
    });
    crate::check_cutoff(years, cutoff)?;
    Ok(vec![cutoff])
}

/// Why `orbit dependence` has nothing to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DependenceError {
    #[error("unknown actor `{code}`")]
    UnknownActor { code: String, known: Vec<String> },
    #[error("the actor and the partner are the same actor")]
    SameActor,
    #[error(
        "no dependence figures for {actor} on {patron}: the scenario records no trade or energy reported by {actor}"
    )]
    NoFigures {
        actor: String,
        patron: String,
        /// The actors with reported trade.
        reporters: Vec<String>,
    },
    #[error("no dependence figures for {actor} in {year}")]
    NoFiguresInYear { actor: String, year: i32 },
}

impl Hint for DependenceError {
    fn hints(&self) -> Vec<String> {
        match self {
            DependenceError::UnknownActor { known, .. } => {
                vec![format!("the scenario's actors are {}", known.join(", "))]
            }
            DependenceError::SameActor => Vec::new(),
            DependenceError::NoFigures { reporters, .. } => vec![format!(
                "the actors with reported trade are {}",
                if reporters.is_empty() {
                    "none".to_string()
                } else {
                    reporters.join(", ")
                }
            )],
            DependenceError::NoFiguresInYear { .. } => {
                vec!["ask without a year to see the years with data".to_string()]
            }
        }
    }
}

/// The dependence profile of `orbit dependence`: `actor` (default: the scenario's focus)
/// against `partner` (default: its patron), optionally cut to one `year` (with that year's
/// notes only).
pub fn dependence(
    world: &World,
    actor: Option<&str>,
    partner: Option<&str>,
    year: Option<i32>,
) -> Result<DependenceProfile, DependenceError> {
    let resolve = |code: Option<&str>, default| match code {
        None => Ok(default),
        Some(code) => world
            .actor_id(code)
            .ok_or_else(|| DependenceError::UnknownActor {
                code: code.to_string(),
                known: world.actors.iter().map(|a| a.code.clone()).collect(),
            }),
    };
    let actor = resolve(actor, world.meta.focus)?;
    let partner = resolve(partner, world.meta.patron)?;
    if actor == partner {
        return Err(DependenceError::SameActor);
    }
    let mut profile = profile(world, actor, partner);
    if profile.years.is_empty() && profile.subsidy_estimates.is_empty() {
        let reporters = world
            .actors
            .iter()
            .enumerate()
            .filter(|(i, _)| world.trade.iter().any(|t| t.reporter.0 == *i))
            .map(|(_, a)| a.code.clone())
            .collect();
        return Err(DependenceError::NoFigures {
            actor: profile.actor,
            patron: profile.patron,
            reporters,
        });
    }
    if let Some(year) = year {
        profile.years.retain(|y| y.year == year);
        profile.subsidy_estimates.retain(|e| e.years.contains(year));
        let prefix = format!("{year}:");
        profile.notes.retain(|n| n.starts_with(&prefix));
        if profile.years.is_empty() && profile.subsidy_estimates.is_empty() {
            return Err(DependenceError::NoFiguresInYear {
                actor: profile.actor,
                year,
            });
        }
    }
    Ok(profile)
}
