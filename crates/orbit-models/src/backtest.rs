//! Backtests: cut a scenario at a year, simulate forward from what was known then, and score
//! the forecasts against what happened, next to naive baselines.
//!
//! [`cutoff_world`] keeps only data dated on or before the cutoff year (the no-leak rule is
//! tested by mutating every later datum). [`backtest`] then asks the questions the full
//! scenario can answer after the cutoff: each `[[issues.outcomes]]` entry of an issue whose
//! positions were known by then (absolute error on the issue scale; and a Brier score for the
//! event "the outcome moved at least 10% of the scale away from the status quo", with the
//! probability taken over the Monte Carlo runs), and each later trade share and energy price
//! the state tracks (absolute error). Baselines: the status quo persists (the issue's status
//! quo; the indicator's value at the cutoff), and the compromise model on the cutoff positions.

use orbit_scenario::{Variable, World};
use serde::Serialize;

use crate::bargaining::compromise;
use crate::forecast::input_from_issue;
use crate::simulation::{SimulationError, SimulationSettings, Simulator, monte_carlo};

/// A move of at least this share of an issue's scale away from the status quo is an "event".
pub const EVENT_SHARE: f64 = 0.1;

/// The scenario as it was known at the end of `cutoff`: [`World::as_of`], built in
/// `orbit-scenario` (the one crate that may change a `World`). Returns the world and notes on
/// what was dropped.
pub fn cutoff_world(world: &World, cutoff: i32) -> (World, Vec<String>) {
    world.as_of(cutoff)
}

/// The scenario with only the latest coding of each question, for forecasts and simulations
/// of the present: [`World::latest_codings`], the one rule every entry point shares. Earlier
/// codings serve the backtest, which picks the one known at each cutoff ([`cutoff_world`]).
/// Returns a note per superseded coding and per link dropped with it.
pub fn latest_codings(world: &World) -> (World, Vec<String>) {
    world.latest_codings()
}

/// The simulation of the present from `from` to `to`: [`Simulator::new`] on the latest coding
/// of each question ([`latest_codings`]), the superseded codings named in the simulator's
/// `notes` (and so in every result's). `orbit simulate`, `orbit sweep` and Python's
/// `World.simulate`, `World.factors` and `Sweep` build their simulator here.
pub fn present_simulator(world: &World, from: i32, to: i32) -> Result<Simulator, SimulationError> {
    let (latest, superseded) = latest_codings(world);
    let mut sim = Simulator::new(&latest, from, to)?;
    sim.notes.extend(superseded);
    Ok(sim)
}

/// What a question asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Issue,
    Indicator,
}

/// One scored question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub cutoff: i32,
    pub kind: QuestionKind,
    /// The issue id or the indicator's variable name. For an issue, the id of the coding
    /// scored: the snapshot known at the cutoff.
    pub question: String,
    /// For an issue: the `as_of` of the coding scored (never after the cutoff).
    pub coding_as_of: Option<String>,
    /// When the outcome was observed.
    pub date: String,
    pub observed: f64,
    /// The simulation's central run (EUM for issues).
    pub model: f64,
    pub status_quo: f64,
    /// Compromise model on the cutoff positions (issues only).
    pub compromise: Option<f64>,
    pub model_error: f64,
    pub status_quo_error: f64,
    pub compromise_error: Option<f64>,
    /// Brier scores of the event "moved ≥ 10% of the scale from the status quo" (issues only).
    pub model_brier: Option<f64>,
    pub status_quo_brier: Option<f64>,
    pub compromise_brier: Option<f64>,
}

/// The scores of one cutoff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    pub cutoff: i32,
    pub scores: Vec<Score>,
    pub notes: Vec<String>,
}

/// The rolling cutoffs of the Union State study: before the 2006 gas contract, after the
/// 2010 gas war, after Crimea, before the 2020 election and before the 2022 invasion. Runs
/// use those inside a scenario's years (`orbit_pipeline::default_cutoffs`, the one place
/// that picks them for `orbit run`, `orbit backtest --rolling` and the dashboard).
pub const ROLLING_CUTOFFS: [i32; 5] = [2005, 2010, 2015, 2019, 2021];

/// Backtests the scenario at `cutoff`: builds the cutoff world, simulates from the cutoff to
/// the last year with an observation, and scores every question dated after the cutoff.
pub fn backtest(
    world: &World,
    cutoff: i32,
    settings: &SimulationSettings,
) -> Result<Backtest, SimulationError> {
    backtest_with_progress(world, cutoff, settings, &|| {})
}

/// [`backtest`], calling `on_run` after each Monte Carlo run (for a progress bar).
pub fn backtest_with_progress(
    world: &World,
    cutoff: i32,
    settings: &SimulationSettings,
    on_run: &(dyn Fn() + Sync),
) -> Result<Backtest, SimulationError> {
    let (past, mut notes) = cutoff_world(world, cutoff);
    let mut last = cutoff;
    for issue in &world.issues {
        for o in &issue.outcomes {
            last = last.max(o.date.year);
        }
    }
    for t in &world.trade {
        last = last.max(t.year);
    }
    for e in &world.energy {
        last = last.max(e.year);
    }
    let sim = Simulator::new(&past, cutoff, last)?;
    let result = monte_carlo(&sim, settings, on_run)?;
    let central = &result.central;
    let at = |year: i32| (year - cutoff) as usize;
    let mut scores = Vec::new();
    for (i, issue) in past.issues.iter().enumerate() {
        let full = world
            .issues
            .iter()
            .find(|f| f.id == issue.id)
            .expect("cutoff issues come from the world");
        let input = input_from_issue(&past, issue);
        let comp = compromise(&input).ok();
        let range = issue.scale_max - issue.scale_min;
        let moved = |x: f64| (x - issue.status_quo).abs() >= EVENT_SHARE * range;
        for o in full.outcomes.iter().filter(|o| o.date.year > cutoff) {
            let y = at(o.date.year);
            let model = central.eum[y][i];
            let event = if moved(o.value) { 1.0 } else { 0.0 };
            let p = result
                .eum_runs
                .iter()
                .filter(|run| moved(run[y][i]))
                .count() as f64
                / result.eum_runs.len().max(1) as f64;
            let brier = |p: f64| (p - event) * (p - event);
            scores.push(Score {
                cutoff,
                kind: QuestionKind::Issue,
                question: issue.id.clone(),
                coding_as_of: Some(issue.as_of.to_string()),
                date: o.date.to_string(),
                observed: o.value,
                model,
                status_quo: issue.status_quo,
                compromise: comp,
                model_error: (model - o.value).abs(),
                status_quo_error: (issue.status_quo - o.value).abs(),
                compromise_error: comp.map(|c| (c - o.value).abs()),
                model_brier: Some(brier(p)),
                status_quo_brier: Some(brier(0.0)),
                compromise_brier: comp.map(|c| brier(if moved(c) { 1.0 } else { 0.0 })),
            });
        }
    }
    // Indicators the state tracks: later trade shares and energy prices.
    // By name: `variable` is in `world`'s ids, the simulator's in the cutoff world's.
    let column = |name: &str| sim.indicator_names.iter().position(|n| n == name);
    let mut indicator_question = |variable: Variable, year: i32, observed: f64| {
        let name = variable.name(world);
        let Some(c) = column(&name) else {
            notes.push(format!(
                "`{name}` in {year} is not scored: nothing was known of it at the cutoff"
            ));
            return;
        };
        let model = central.indicators[at(year)][c];
        let status_quo = central.indicators[0][c];
        let known_at_cutoff = past.trade.iter().any(|t| {
            t.share.is_some()
                && Variable::TradeShare {
                    flow: t.flow,
                    reporter: t.reporter,
                    partner: t.partner,
                }
                .name(&past)
                    == name
        }) || matches!(variable, Variable::Price { .. });
        if !known_at_cutoff {
            notes.push(format!(
                "`{name}` in {year} is not scored: no share was on record at the cutoff"
            ));
            return;
        }
        scores.push(Score {
            cutoff,
            kind: QuestionKind::Indicator,
            question: name,
            coding_as_of: None,
            date: year.to_string(),
            observed,
            model,
            status_quo,
            compromise: None,
            model_error: (model - observed).abs(),
            status_quo_error: (status_quo - observed).abs(),
            compromise_error: None,
            model_brier: None,
            status_quo_brier: None,
            compromise_brier: None,
        });
    };
    for t in world.trade.iter().filter(|t| t.year > cutoff) {
        if t.flow == orbit_scenario::TradeFlow::Turnover {
            continue;
        }
        if let Some(share) = t.share {
            let variable = Variable::TradeShare {
                flow: t.flow,
                reporter: t.reporter,
                partner: t.partner,
            };
            indicator_question(variable, t.year, share);
        }
    }
    let mut prices: Vec<(Variable, i32, f64)> = Vec::new();
    for e in world.energy.iter().filter(|e| e.year > cutoff) {
        let variable = Variable::Price {
            commodity: e.commodity,
            importer: e.importer,
        };
        if prices.iter().any(|p| p.0 == variable && p.1 == e.year) {
            continue;
        }
        if let Some(p) = crate::simulation::observed_price(world, e.commodity, e.importer, e.year) {
            prices.push((variable, e.year, p));
        }
    }
    for (variable, year, p) in prices {
        indicator_question(variable, year, p);
    }
    notes.sort();
    notes.dedup();
    Ok(Backtest {
        cutoff,
        scores,
        notes,
    })
}
