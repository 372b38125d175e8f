//! What a run reports: [`RunReport`], shaped by [`build`] from a [`World`] and the
//! [`RunResults`] of `orbit_pipeline::run`. It computes no model numbers: every number comes
//! from the scenario or from the results. The CLI prints it as text or JSON; the HTML report
//! and the dashboard draw it.

use std::collections::BTreeMap;

use orbit_models::backtest::Backtest;
use orbit_models::dependence::{DependenceProfile, Estimate, FigureCheck};
use orbit_models::forecast::IssueForecast;
use orbit_models::simulation::SimulationResult;
use orbit_models::transit::TransitReport;
use orbit_pipeline::{RunPlan, RunResults};
use orbit_scenario::{Verdict, World, YearSpan};
use serde::Serialize;

use crate::charts::network::{TransitEpoch, TransitPlayer, TransitShares};

/// Everything `orbit run` reports; every number in it comes from the scenario or
/// `orbit-models`.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub scenario: ScenarioSummary,
    pub key_events: Vec<KeyEvent>,
    /// How many events of each kind the timeline has per year (the timeline chart).
    pub event_counts: Vec<EventCount>,
    pub dependence: DependenceProfile,
    /// Published estimates of all Russian support (energy, loans, trade preferences) as a
    /// share of the focus actor's GDP (indicator `russian_support_share_gdp`): a different
    /// measure from the energy subsidy, charted on its own axis.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub support_estimates: Vec<Estimate>,
    pub figure_checks: Vec<FigureCheck>,
    pub claims: ClaimsSummary,
    pub issues: Vec<IssueSummary>,
    /// Every model's forecast of every issue (bdm variant), with Monte Carlo sensitivity.
    pub forecasts: Vec<IssueForecast>,
    /// The gas pipelines as a network game per epoch (Shapley, Banzhaf, core, nucleolus,
    /// Belarus's trend), when the scenario has a gas network with known capacities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_game: Option<TransitReport>,
    /// The yearly simulation with Monte Carlo fans (`orbit simulate`), when computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulation: Option<SimulationResult>,
    /// Rolling backtests (`orbit backtest --rolling`), when computed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub backtest: Vec<Backtest>,
    /// The scenario's multi-dimensional issues bargained with KTAB's SMP.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub smp: Vec<orbit_pipeline::smp::SmpIssueResult>,
    /// The plan the numbers were computed with.
    pub plan: RunPlan,
    /// What the run left out and why.
    pub notes: Vec<String>,
    /// The gas disputes as escalation games, when the scenario has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disputes: Option<orbit_pipeline::disputes::DisputeSection>,
    /// The thesis backtest (`orbit_pipeline::thesis`), when computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thesis: Option<orbit_pipeline::thesis::ThesisSection>,
    /// The same game's Shapley shares, shaped for the network chart (not serialized: the
    /// numbers are in `transit_game`).
    #[serde(skip)]
    pub transit: Option<TransitShares>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioSummary {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub years: YearSpan,
    pub focus: String,
    pub patron: String,
    pub narrative: Option<String>,
    pub counts: BTreeMap<&'static str, usize>,
    /// Every actor, in scenario order (codes name actors everywhere else in the report).
    pub actors: Vec<ActorSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActorSummary {
    pub code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyEvent {
    pub id: String,
    pub date: String,
    pub kind: String,
    pub actors: Vec<String>,
    pub description: String,
    pub note: Option<String>,
    pub source: String,
}

/// Events of one kind that start in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventCount {
    pub year: i32,
    pub kind: String,
    pub count: usize,
    /// Of which marked as key events.
    pub key: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimsSummary {
    pub total: usize,
    pub by_verdict: BTreeMap<String, usize>,
    pub corrected: Vec<CorrectedClaim>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrectedClaim {
    pub id: String,
    pub paragraph: u32,
    pub text: String,
    pub correction: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssueSummary {
    pub id: String,
    pub name: String,
    pub as_of: String,
    pub scale: [f64; 2],
    /// What the ends of the scale mean.
    pub scale_labels: [String; 2],
    pub status_quo: f64,
    pub actors: usize,
    pub source: String,
}

impl RunReport {
    /// The actor's name, or the code itself when the scenario has no such actor.
    pub fn actor_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.scenario
            .actors
            .iter()
            .find(|a| a.code == code)
            .map_or(code, |a| a.name.as_str())
    }

    /// The summary of the issue `id`, if the scenario has it.
    pub fn issue(&self, id: &str) -> Option<&IssueSummary> {
        self.issues.iter().find(|i| i.id == id)
    }
}

/// Shapes the report; every number in it comes from the scenario or from `results`.
pub fn build(world: &World, results: RunResults) -> RunReport {
    let RunResults {
        plan,
        forecasts,
        dependence,
        figure_checks,
        transit: transit_game,
        simulation,
        backtest,
        smp,
        disputes,
        thesis,
        notes,
    } = results;
    let codes =
        |ids: &[orbit_scenario::ActorId]| ids.iter().map(|&a| world.code(a).to_string()).collect();
    let counts = BTreeMap::from([
        ("actors", world.actors.len()),
        ("events", world.events.len()),
        ("key_events", world.events.iter().filter(|e| e.key).count()),
        ("indicators", world.indicators.len()),
        ("trade", world.trade.len()),
        ("energy", world.energy.len()),
        ("pipelines", world.pipelines.len()),
        ("alliances", world.alliances.len()),
        ("sanctions", world.sanctions.len()),
        ("issues", world.issues.len()),
        ("claims", world.claims.len()),
    ]);
    let mut by_verdict = BTreeMap::new();
    for c in &world.claims {
        *by_verdict.entry(c.verdict.to_string()).or_insert(0) += 1;
    }
    let mut event_counts: BTreeMap<(i32, &str), (usize, usize)> = BTreeMap::new();
    for e in &world.events {
        let entry = event_counts
            .entry((e.date.year, e.kind.as_str()))
            .or_default();
        entry.0 += 1;
        entry.1 += usize::from(e.key);
    }
    RunReport {
        scenario: ScenarioSummary {
            id: world.meta.id.clone(),
            name: world.meta.name.clone(),
            description: world.meta.description.clone(),
            years: world.meta.years,
            focus: world.code(world.meta.focus).to_string(),
            patron: world.code(world.meta.patron).to_string(),
            narrative: world.meta.narrative.clone(),
            counts,
            actors: world
                .actors
                .iter()
                .map(|a| ActorSummary {
                    code: a.code.clone(),
                    name: a.name.clone(),
                    kind: a.kind.to_string(),
                })
                .collect(),
        },
        key_events: world
            .events
            .iter()
            .filter(|e| e.key)
            .map(|e| KeyEvent {
                id: e.id.clone(),
                date: e.date.to_string(),
                kind: e.kind.to_string(),
                actors: codes(&e.actors),
                description: e.description.clone(),
                note: e.note.clone(),
                source: e.source.clone(),
            })
            .collect(),
        event_counts: event_counts
            .into_iter()
            .map(|((year, kind), (count, key))| EventCount {
                year,
                kind: kind.to_string(),
                count,
                key,
            })
            .collect(),
        dependence,
        support_estimates: world
            .indicators
            .iter()
            .filter(|i| i.actor == world.meta.focus && i.name == "russian_support_share_gdp")
            .map(|i| Estimate {
                years: i.years,
                value: i.value,
                note: i.note.clone(),
                source: i.source.clone(),
            })
            .collect(),
        figure_checks,
        claims: ClaimsSummary {
            total: world.claims.len(),
            by_verdict,
            corrected: world
                .claims
                .iter()
                .filter(|c| c.verdict == Verdict::Corrected)
                .filter_map(|c| {
                    Some(CorrectedClaim {
                        id: c.id.clone(),
                        paragraph: c.paragraph,
                        text: c.text.clone(),
                        correction: c.correction.clone()?,
                    })
                })
                .collect(),
        },
        // The issues the run forecast: the latest coding of each question (earlier dated
        // snapshots appear in the backtest, and the run's notes name them).
        issues: world
            .issues
            .iter()
            .filter(|i| forecasts.iter().any(|f| f.issue == i.id))
            .map(|i| IssueSummary {
                id: i.id.clone(),
                name: i.name.clone(),
                as_of: i.as_of.to_string(),
                scale: [i.scale_min, i.scale_max],
                scale_labels: [i.min_label.clone(), i.max_label.clone()],
                status_quo: i.status_quo,
                actors: i.positions.len(),
                source: i.source.clone(),
            })
            .collect(),
        forecasts,
        simulation,
        backtest,
        smp,
        plan,
        disputes,
        thesis,
        notes,
        transit: transit_game.as_ref().map(chart_shares),
        transit_game,
    }
}

/// Players of every epoch (in order of first appearance), their Shapley shares and the
/// country-to-country links of each epoch's network.
fn chart_shares(report: &TransitReport) -> TransitShares {
    let mut players: Vec<String> = Vec::new();
    for e in &report.epochs {
        for p in &e.players {
            if !players.contains(p) {
                players.push(p.clone());
            }
        }
    }
    let index = |code: &str| players.iter().position(|p| p == code);
    let epochs = report
        .epochs
        .iter()
        .map(|e| TransitEpoch {
            label: e.year.to_string(),
            shares: players
                .iter()
                .map(|p| {
                    e.results
                        .iter()
                        .find(|r| &r.player == p)
                        .map(|r| r.shapley_share)
                })
                .collect(),
            links: e
                .network
                .links
                .iter()
                .filter_map(|l| Some([index(&l.from)?, index(&l.to)?]))
                .collect(),
        })
        .collect();
    TransitShares {
        players: players
            .iter()
            .map(|code| TransitPlayer {
                code: code.clone(),
                position: None,
            })
            .collect(),
        epochs,
        source: "pipeline capacities of the scenario (see transit_game.epochs[].segments); \
                 Shapley value of the max-flow network game (Hubert & Ikonnikova 2011)"
            .to_string(),
    }
}
