//! The system in motion: a yearly stepper over a scenario, driven by the timeline's shocks and
//! the scenario's declared `[[links]]`, with the bargaining models run on every issue each year,
//! and a seeded, parallel Monte Carlo over the links' uncertain parameters and the issue inputs.
//!
//! One year `y` (see `docs/models/simulation.md`):
//! 1. **Shocks** from the timeline: sanctions measures in force in `y` (`sanctions.*`), events of
//!    `y` (`events.*`), the energy price observed for `y` (`price.*`, kept until the next
//!    observation), and the gas transit game's Shapley shares for the pipelines in service in
//!    `y` (`transit_share.*`).
//! 2. **Links** in declared order, each reading the current state (so a later link sees an
//!    earlier one's effect). After each, trade shares are clamped to [0, 1] and their partner
//!    group rescaled so it sums to at most 1; positions are clamped to their issue's scale,
//!    saliences to [0, 1], prices to `≥ 0`.
//! 3. **Bargaining**: the EUM (`bdm` variant) and the compromise model forecast every issue from
//!    the year's positions and saliences.
//!
//! Everything is pure: no IO, no printing; randomness only in [`monte_carlo`], one
//! `ChaCha8Rng` per run (`seed_from_u64(seed)`, `set_stream(run)`), so results do not depend
//! on the thread count.

use std::collections::{BTreeMap, HashMap};

use orbit_scenario::{
    ActorId, Commodity, Link, LinkForm, LinkInput, SanctionKind, TradeFlow, Variable, World,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Uniform};
use rayon::prelude::*;
use serde::Serialize;

use crate::bargaining::{
    BargainingError, BargainingInput, EumOptions, StopRule, compromise, run_eum,
};
use crate::sensitivity::{PerturbationSpec, perturb, quantile};

/// Why a simulation could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimulationError {
    /// `from` is after `to`.
    #[error("the simulated years {from}-{to} are empty")]
    EmptyYears { from: i32, to: i32 },
    /// A link parameter vector has the wrong length.
    #[error("expected {expected} link parameters, got {got}")]
    Parameters { expected: usize, got: usize },
    /// An issue input vector does not match the scenario's issues.
    #[error("expected {expected} issue inputs, got {got}")]
    Issues { expected: usize, got: usize },
    /// A bargaining model rejected a year's input.
    #[error("issue `{issue}` in {year}: {source}")]
    Bargaining {
        issue: String,
        year: i32,
        #[source]
        source: BargainingError,
    },
}

/// Where a state variable's value lives: a slot of the state vector, or computed on read.
#[derive(Debug, Clone, Copy)]
enum Place {
    Slot(usize),
    /// Index into [`Simulator::derived`].
    Dependence(usize),
}

/// A compiled link: places instead of names.
#[derive(Debug, Clone)]
struct CompiledLink {
    from: Place,
    to: usize,
    form: LinkForm,
    input: LinkInput,
    threshold: f64,
    midpoint: f64,
    steepness: f64,
    /// For position targets: (issue, mover's position index, toward's position index).
    toward: Option<(usize, usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SlotKind {
    /// A trade share in partner group `group`.
    Share {
        group: usize,
    },
    Price,
    Position {
        issue: usize,
    },
    Salience,
    /// Set by the timeline only.
    Shock,
}

/// A scenario compiled for stepping from `from` to `to`.
#[derive(Debug, Clone)]
pub struct Simulator {
    pub from: i32,
    pub to: i32,
    /// Names of the state slots, then of the tracked derived variables, as in
    /// [`Trajectory::indicators`].
    pub indicator_names: Vec<String>,
    /// Issue ids, as in [`Trajectory::eum`] and [`Trajectory::compromise`].
    pub issue_ids: Vec<String>,
    /// Link ids and their central parameters and ranges, in declared order.
    pub link_ids: Vec<String>,
    pub link_parameters: Vec<f64>,
    pub link_ranges: Vec<(f64, f64)>,
    /// What was assumed in compiling the scenario (missing data, pipelines left out...).
    pub notes: Vec<String>,
    slot_kinds: Vec<SlotKind>,
    initial: Vec<f64>,
    groups: Vec<Vec<usize>>,
    links: Vec<CompiledLink>,
    /// Per issue: the slot of each position's position and salience, and the scale.
    issue_slots: Vec<Vec<(usize, usize)>>,
    scales: Vec<(f64, f64)>,
    issue_inputs: Vec<BargainingInput>,
    /// Timeline shocks for years `from - 1 ..= to`: `(slot, value)`.
    shocks: Vec<Vec<(usize, f64)>>,
    /// Dependence pairs `(actor, patron)` and the slots of the actor's export and import shares
    /// with the patron.
    derived: Vec<(ActorId, ActorId, Vec<usize>)>,
    eum: EumOptions,
}

/// One run: per year, the tracked indicators and each issue's forecasts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    pub years: Vec<i32>,
    /// `[year][indicator]`, indicators as in [`Simulator::indicator_names`].
    pub indicators: Vec<Vec<f64>>,
    /// `[year][issue]`: the EUM forecast.
    pub eum: Vec<Vec<f64>>,
    /// `[year][issue]`: the compromise model's forecast.
    pub compromise: Vec<Vec<f64>>,
}

struct Builder<'w> {
    world: &'w World,
    names: Vec<String>,
    kinds: Vec<SlotKind>,
    initial: Vec<f64>,
    index: HashMap<Variable, usize>,
    groups: BTreeMap<(ActorId, u8), Vec<usize>>,
    notes: Vec<String>,
}

impl Builder<'_> {
    fn slot(&mut self, var: Variable) -> usize {
        if let Some(&s) = self.index.get(&var) {
            return s;
        }
        let s = self.names.len();
        self.names.push(var.name(self.world));
        let kind = match var {
            Variable::TradeShare { flow, reporter, .. } => {
                let key = (reporter, (flow == TradeFlow::Imports) as u8);
                self.groups.entry(key).or_default().push(s);
                // The group index is set once every share is known.
                SlotKind::Share { group: 0 }
            }
            Variable::Price { .. } => SlotKind::Price,
            Variable::Position { issue, .. } => SlotKind::Position { issue },
            Variable::Salience { .. } => SlotKind::Salience,
            _ => SlotKind::Shock,
        };
        self.kinds.push(kind);
        self.initial.push(0.0);
        self.index.insert(var, s);
        s
    }
}

/// The latest share record of `(reporter, flow, partner)` dated on or before `year`, else the
/// earliest after it.
fn initial_share(world: &World, var: &Variable, year: i32) -> Option<f64> {
    let Variable::TradeShare {
        flow,
        reporter,
        partner,
    } = *var
    else {
        return None;
    };
    let mut records: Vec<(i32, f64)> = world
        .trade
        .iter()
        .filter(|t| t.reporter == reporter && t.partner == partner && t.flow == flow)
        .filter_map(|t| Some((t.year, t.share?)))
        .collect();
    records.sort_by_key(|r| r.0);
    records
        .iter()
        .rev()
        .find(|r| r.0 <= year)
        .or(records.first())
        .map(|r| r.1)
}

/// The price observed for `year`: the `annual` record if there is one, else the last listed.
pub fn observed_price(
    world: &World,
    commodity: Commodity,
    importer: ActorId,
    year: i32,
) -> Option<f64> {
    let records: Vec<_> = world
        .energy
        .iter()
        .filter(|e| e.commodity == commodity && e.importer == importer && e.year == year)
        .filter(|e| e.price.is_some())
        .collect();
    records
        .iter()
        .find(|e| e.period.as_deref().is_some_and(|p| p.contains("annual")))
        .or(records.last())
        .and_then(|e| e.price)
}

/// Sanctions measures of `imposer` on `target` in force during `year` (liftings not counted).
pub fn sanctions_in_force(world: &World, imposer: ActorId, target: ActorId, year: i32) -> usize {
    world
        .sanctions
        .iter()
        .filter(|s| s.imposer == imposer && s.target == target)
        .filter(|s| s.kind != SanctionKind::Suspension)
        .filter(|s| s.start.year <= year && s.end.is_none_or(|e| e.year > year))
        .count()
}

/// Each player's Shapley share (`φ_i / v(N)`) of the gas transit game of `year`: the game of
/// [`crate::transit::epoch`] (the pipelines standing at the end of the year, transit states
/// holding the pipes on their soil, segments without a sourced capacity left out), so the
/// simulation and `orbit transit` always agree. Players without a state actor id are skipped;
/// a year without a gas network gives an empty map and a note.
pub fn transit_shares(world: &World, year: i32, notes: &mut Vec<String>) -> BTreeMap<ActorId, f64> {
    match crate::transit::epoch(world, year, &crate::transit::TransitOptions::default()) {
        Ok(game) => {
            for left in game
                .left_out
                .iter()
                .filter(|l| l.reason == crate::transit::LeftOutReason::NoCapacity)
            {
                notes.push(format!(
                    "transit game {year}: segment {} -> {} of `{}` is left out (no sourced capacity)",
                    left.from, left.to, left.pipeline
                ));
            }
            game.results
                .iter()
                .filter_map(|r| Some((world.actor_id(&r.player)?, r.shapley_share)))
                .collect()
        }
        Err(e) => {
            notes.push(format!("no transit game for {year}: {e}"));
            BTreeMap::new()
        }
    }
}

impl Simulator {
    /// Compiles `world` for the years `from..=to` (which may run past the scenario's end: the
    /// timeline then has no more shocks and the links alone move the state).
    pub fn new(world: &World, from: i32, to: i32) -> Result<Self, SimulationError> {
        if from > to {
            return Err(SimulationError::EmptyYears { from, to });
        }
        let mut b = Builder {
            world,
            names: Vec::new(),
            kinds: Vec::new(),
            initial: Vec::new(),
            index: HashMap::new(),
            groups: BTreeMap::new(),
            notes: Vec::new(),
        };
        // Trade shares with data (organisations that contain another partner of the same
        // group are left out, so a group's shares do not double count: CIS contains RUS).
        let mut share_vars: Vec<Variable> = Vec::new();
        for t in world.trade.iter().filter(|t| t.share.is_some()) {
            if t.flow == TradeFlow::Turnover {
                continue;
            }
            let v = Variable::TradeShare {
                flow: t.flow,
                reporter: t.reporter,
                partner: t.partner,
            };
            if !share_vars.contains(&v) {
                share_vars.push(v);
            }
        }
        for l in &world.links {
            for v in [l.from, l.to] {
                if matches!(v, Variable::TradeShare { .. }) && !share_vars.contains(&v) {
                    share_vars.push(v);
                }
            }
        }
        let overlaps = |v: &Variable, all: &[Variable]| {
            let Variable::TradeShare {
                flow,
                reporter,
                partner,
            } = *v
            else {
                return false;
            };
            let members = &world.actor(partner).members;
            all.iter().any(|o| {
                matches!(*o, Variable::TradeShare { flow: f, reporter: r, partner: p }
                    if f == flow && r == reporter && members.contains(&p))
            })
        };
        let kept: Vec<Variable> = share_vars
            .iter()
            .filter(|v| {
                let drop = overlaps(v, &share_vars);
                if drop {
                    b.notes.push(format!(
                        "`{}` is left out: the partner contains another partner of the same flow",
                        v.name(world)
                    ));
                }
                !drop
            })
            .copied()
            .collect();
        for v in kept {
            let s = b.slot(v);
            match initial_share(world, &v, from) {
                Some(x) => b.initial[s] = x,
                None => b.notes.push(format!(
                    "`{}` has no share on record and starts at 0",
                    v.name(world)
                )),
            }
        }
        // Prices with data, sanctions dyads, the focus actor's transit share.
        for e in world.energy.iter().filter(|e| e.price.is_some()) {
            b.slot(Variable::Price {
                commodity: e.commodity,
                importer: e.importer,
            });
        }
        for s in &world.sanctions {
            b.slot(Variable::Sanctions {
                imposer: s.imposer,
                target: s.target,
            });
        }
        b.slot(Variable::TransitShare {
            actor: world.meta.focus,
        });
        // Link variables not seen yet (events counts, other transit shares, prices...).
        for l in &world.links {
            for v in [l.from, l.to] {
                if !matches!(
                    v,
                    Variable::Dependence { .. }
                        | Variable::Position { .. }
                        | Variable::Salience { .. }
                        | Variable::TradeShare { .. }
                ) {
                    b.slot(v);
                }
            }
        }
        // Issues: a position and a salience slot per actor.
        let mut issue_slots = Vec::new();
        for (i, issue) in world.issues.iter().enumerate() {
            let mut slots = Vec::new();
            for p in &issue.positions {
                let ps = b.slot(Variable::Position {
                    issue: i,
                    actor: p.actor,
                });
                b.initial[ps] = p.position;
                let ss = b.slot(Variable::Salience {
                    issue: i,
                    actor: p.actor,
                });
                b.initial[ss] = p.salience;
                slots.push((ps, ss));
            }
            issue_slots.push(slots);
        }
        // Share groups.
        let groups: Vec<Vec<usize>> = b.groups.values().cloned().collect();
        for (g, members) in groups.iter().enumerate() {
            for &s in members {
                b.kinds[s] = SlotKind::Share { group: g };
            }
        }
        // Initial prices: the latest observation on or before `from`.
        for (var, &s) in &b.index {
            if let Variable::Price {
                commodity,
                importer,
            } = *var
            {
                let mut last = None;
                for y in world.meta.years.first..=from {
                    if let Some(p) = observed_price(world, commodity, importer, y) {
                        last = Some(p);
                    }
                }
                b.initial[s] = last.unwrap_or(0.0);
            }
        }
        // Derived variables tracked as indicators: the focus's dependence on the patron, and
        // every dependence a link reads.
        let mut derived = vec![(world.meta.focus, world.meta.patron)];
        for l in &world.links {
            if let Variable::Dependence { actor, patron } = l.from
                && !derived.contains(&(actor, patron))
            {
                derived.push((actor, patron));
            }
        }
        // Timeline shocks for each year from `from - 1` to `to`.
        let mut transit_cache: HashMap<Vec<usize>, BTreeMap<ActorId, f64>> = HashMap::new();
        let mut shocks = Vec::new();
        for year in from - 1..=to {
            let mut year_shocks = Vec::new();
            // Keyed by the network `transit_shares` solves (standing at the end of the year,
            // as `orbit transit --epoch`), so a pipeline closed during a year counts as gone
            // in that year for both.
            let in_service: Vec<usize> = world
                .pipelines
                .iter()
                .enumerate()
                .filter(|(_, p)| crate::transit::standing_at_end_of(p, year))
                .map(|(i, _)| i)
                .collect();
            let shares = transit_cache
                .entry(in_service)
                .or_insert_with(|| transit_shares(world, year, &mut b.notes))
                .clone();
            for (var, &s) in &b.index {
                let value = match *var {
                    Variable::Sanctions { imposer, target } => {
                        Some(sanctions_in_force(world, imposer, target, year) as f64)
                    }
                    Variable::Events { kind, actor } => Some(
                        world
                            .events
                            .iter()
                            .filter(|e| {
                                e.date.year == year && e.kind == kind && e.actors.contains(&actor)
                            })
                            .count() as f64,
                    ),
                    Variable::TransitShare { actor } => {
                        Some(shares.get(&actor).copied().unwrap_or(0.0))
                    }
                    Variable::Price {
                        commodity,
                        importer,
                    } if year > from => observed_price(world, commodity, importer, year),
                    _ => None,
                };
                if let Some(v) = value {
                    year_shocks.push((s, v));
                }
            }
            year_shocks.sort_by_key(|x| x.0);
            shocks.push(year_shocks);
        }
        b.notes.sort();
        b.notes.dedup();
        let derived: Vec<(ActorId, ActorId, Vec<usize>)> = derived
            .into_iter()
            .map(|(a, p)| {
                let slots = [TradeFlow::Exports, TradeFlow::Imports]
                    .into_iter()
                    .filter_map(|flow| {
                        b.index
                            .get(&Variable::TradeShare {
                                flow,
                                reporter: a,
                                partner: p,
                            })
                            .copied()
                    })
                    .collect();
                (a, p, slots)
            })
            .collect();
        let links = world
            .links
            .iter()
            .map(|l| compile_link(l, &b, world, &derived))
            .collect();
        let mut indicator_names = b.names.clone();
        for &(a, p, _) in &derived {
            indicator_names.push(
                Variable::Dependence {
                    actor: a,
                    patron: p,
                }
                .name(world),
            );
        }
        let issue_inputs = world
            .issues
            .iter()
            .map(|issue| crate::forecast::input_from_issue(world, issue))
            .collect();
        Ok(Simulator {
            from,
            to,
            indicator_names,
            issue_ids: world.issues.iter().map(|i| i.id.clone()).collect(),
            link_ids: world.links.iter().map(|l| l.id.clone()).collect(),
            link_parameters: world.links.iter().map(|l| l.parameter).collect(),
            link_ranges: world.links.iter().map(|l| l.range).collect(),
            notes: b.notes,
            slot_kinds: b.kinds,
            initial: b.initial,
            groups,
            links,
            issue_slots,
            scales: world
                .issues
                .iter()
                .map(|i| (i.scale_min, i.scale_max))
                .collect(),
            issue_inputs,
            shocks,
            derived,
            eum: EumOptions {
                record_offers: false,
                stop: StopRule::RelativeChange {
                    threshold: 0.02,
                    max_rounds: 100,
                },
                ..EumOptions::default()
            },
        })
    }

    /// The issues' bargaining inputs as the scenario states them.
    pub fn issue_inputs(&self) -> &[BargainingInput] {
        &self.issue_inputs
    }

    /// Runs the central case: the links' stated parameters and the scenario's issue inputs.
    pub fn run_central(&self) -> Result<Trajectory, SimulationError> {
        self.run(&self.link_parameters, &self.issue_inputs)
    }

    /// Runs one trajectory with the given link parameters (one per link, declared order) and
    /// issue inputs (one per issue, actors in the scenario's order: their capabilities are
    /// used as given, their positions and saliences start the state).
    pub fn run(
        &self,
        parameters: &[f64],
        issues: &[BargainingInput],
    ) -> Result<Trajectory, SimulationError> {
        if parameters.len() != self.links.len() {
            return Err(SimulationError::Parameters {
                expected: self.links.len(),
                got: parameters.len(),
            });
        }
        if issues.len() != self.issue_slots.len()
            || issues
                .iter()
                .zip(&self.issue_slots)
                .any(|(i, s)| i.actors.len() != s.len())
        {
            return Err(SimulationError::Issues {
                expected: self.issue_slots.len(),
                got: issues.len(),
            });
        }
        let mut state = self.initial.clone();
        for (input, slots) in issues.iter().zip(&self.issue_slots) {
            for (actor, &(ps, ss)) in input.actors.iter().zip(slots) {
                state[ps] = actor.position;
                state[ss] = actor.salience;
            }
        }
        // The year before `from` sets the baseline that `change` links compare against.
        for &(s, v) in &self.shocks[0] {
            state[s] = v;
        }
        let mut previous = state.clone();
        let mut out = Trajectory {
            years: Vec::new(),
            indicators: Vec::new(),
            eum: Vec::new(),
            compromise: Vec::new(),
        };
        let mut input_buf: Vec<BargainingInput> = issues.to_vec();
        // An issue whose positions and saliences did not move since last year gets last
        // year's forecasts again (the models are deterministic): most years, most issues.
        let mut last: Vec<Option<(BargainingInput, (f64, f64))>> = vec![None; issues.len()];
        for (k, year) in (self.from..=self.to).enumerate() {
            for &(s, v) in &self.shocks[k + 1] {
                state[s] = v;
            }
            for (link, &parameter) in self.links.iter().zip(parameters) {
                self.apply(link, parameter, &mut state, &previous);
            }
            let mut eum = Vec::with_capacity(issues.len());
            let mut comp = Vec::with_capacity(issues.len());
            for (i, input) in input_buf.iter_mut().enumerate() {
                for (actor, &(ps, ss)) in input.actors.iter_mut().zip(&self.issue_slots[i]) {
                    actor.position = state[ps];
                    actor.salience = state[ss];
                }
                let (e, c) = match &last[i] {
                    Some((previous, result)) if previous == input => *result,
                    _ => {
                        let result =
                            self.bargain(input)
                                .map_err(|source| SimulationError::Bargaining {
                                    issue: self.issue_ids[i].clone(),
                                    year,
                                    source,
                                })?;
                        last[i] = Some((input.clone(), result));
                        result
                    }
                };
                eum.push(e);
                comp.push(c);
            }
            let mut indicators = state[..].to_vec();
            indicators.extend((0..self.derived.len()).map(|d| self.dependence(&state, d)));
            out.years.push(year);
            out.indicators.push(indicators);
            out.eum.push(eum);
            out.compromise.push(comp);
            previous.copy_from_slice(&state);
        }
        Ok(out)
    }

    fn bargain(&self, input: &BargainingInput) -> Result<(f64, f64), BargainingError> {
        let first = input.actors.first().map_or(0.0, |a| a.position);
        if input.actors.iter().all(|a| a.position == first) {
            return Ok((first, first));
        }
        let e = run_eum(input, &self.eum)?.forecast;
        let c = compromise(input)?;
        Ok((e, c))
    }

    /// `dependence.A.P`: the mean of A's export and import shares with P (those on record).
    fn dependence(&self, state: &[f64], d: usize) -> f64 {
        let slots = &self.derived[d].2;
        if slots.is_empty() {
            return 0.0;
        }
        slots.iter().map(|&s| state[s]).sum::<f64>() / slots.len() as f64
    }

    fn read(&self, place: Place, state: &[f64]) -> f64 {
        match place {
            Place::Slot(s) => state[s],
            Place::Dependence(d) => self.dependence(state, d),
        }
    }

    fn apply(&self, link: &CompiledLink, parameter: f64, state: &mut [f64], previous: &[f64]) {
        let level = self.read(link.from, state);
        let x = match link.input {
            LinkInput::Level => level,
            LinkInput::Change => level - self.read(link.from, previous),
        };
        let effect = match link.form {
            LinkForm::Linear => parameter * x,
            LinkForm::Logistic => parameter / (1.0 + (-link.steepness * (x - link.midpoint)).exp()),
            LinkForm::Threshold => {
                if x >= link.threshold {
                    parameter
                } else {
                    0.0
                }
            }
        };
        match link.toward {
            Some((issue, mover, toward)) => {
                let (ps, ss) = self.issue_slots[issue][mover];
                let target = state[self.issue_slots[issue][toward].0];
                let fraction = (effect * (1.0 - state[ss])).clamp(0.0, 1.0);
                state[ps] += fraction * (target - state[ps]);
            }
            None => state[link.to] += effect,
        }
        self.fix(link.to, state);
    }

    /// Restores the invariants of the slot a link just moved.
    fn fix(&self, slot: usize, state: &mut [f64]) {
        match self.slot_kinds[slot] {
            SlotKind::Share { group } => renormalise(&self.groups[group], state),
            SlotKind::Price => state[slot] = state[slot].max(0.0),
            SlotKind::Position { issue } => {
                let (lo, hi) = self.scales[issue];
                state[slot] = state[slot].clamp(lo, hi);
            }
            SlotKind::Salience => state[slot] = state[slot].clamp(0.0, 1.0),
            SlotKind::Shock => {}
        }
    }
}

/// Clamps each share of a partner group to [0, 1] and, if they sum above 1, scales them all
/// down in proportion, so the rest of the world's share `1 − Σ` stays non-negative.
pub fn renormalise_shares(shares: &mut [f64]) {
    for s in shares.iter_mut() {
        *s = if s.is_finite() {
            s.clamp(0.0, 1.0)
        } else {
            0.0
        };
    }
    let sum: f64 = shares.iter().sum();
    if sum > 1.0 {
        for s in shares.iter_mut() {
            *s /= sum;
        }
    }
}

fn renormalise(group: &[usize], state: &mut [f64]) {
    let mut shares: Vec<f64> = group.iter().map(|&s| state[s]).collect();
    renormalise_shares(&mut shares);
    for (&s, v) in group.iter().zip(shares) {
        state[s] = v;
    }
}

fn compile_link(
    l: &Link,
    b: &Builder<'_>,
    world: &World,
    derived: &[(ActorId, ActorId, Vec<usize>)],
) -> CompiledLink {
    let place = |v: Variable| match v {
        Variable::Dependence { actor, patron } => Place::Dependence(
            derived
                .iter()
                .position(|d| d.0 == actor && d.1 == patron)
                .expect("every dependence a link reads is tracked"),
        ),
        other => Place::Slot(b.index[&other]),
    };
    let to = b.index[&l.to];
    let toward = match (l.to, l.toward) {
        (Variable::Position { issue, actor }, Some(t)) => {
            let positions = &world.issues[issue].positions;
            let mover = positions.iter().position(|p| p.actor == actor);
            let toward = positions.iter().position(|p| p.actor == t);
            mover.zip(toward).map(|(m, t)| (issue, m, t))
        }
        _ => None,
    };
    CompiledLink {
        from: place(l.from),
        to,
        form: l.form,
        input: l.input,
        threshold: l.threshold.unwrap_or(0.0),
        midpoint: l.midpoint.unwrap_or(0.0),
        steepness: l.steepness,
        toward,
    }
}

/// Settings of a simulation Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SimulationSettings {
    pub runs: usize,
    pub seed: u64,
    /// Draw each link's parameter uniformly in its `range` (else keep it as stated).
    pub vary_links: bool,
    /// How the issues' starting capabilities, positions and saliences are perturbed.
    pub perturbation: PerturbationSpec,
}

impl Default for SimulationSettings {
    fn default() -> Self {
        SimulationSettings {
            runs: 1000,
            seed: 1,
            vary_links: true,
            perturbation: PerturbationSpec::default(),
        }
    }
}

/// The 5th, 50th and 95th percentiles of one series, per year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fan {
    /// An indicator's variable name, or `eum.<issue>` / `compromise.<issue>`.
    pub name: String,
    pub p5: Vec<f64>,
    pub p50: Vec<f64>,
    pub p95: Vec<f64>,
}

/// The result of [`monte_carlo`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationResult {
    pub years: Vec<i32>,
    pub runs: usize,
    pub seed: u64,
    pub rng: &'static str,
    /// The run with the stated parameters and inputs.
    pub central: Trajectory,
    pub indicator_names: Vec<String>,
    pub issue_ids: Vec<String>,
    /// Indicators first, then `eum.<issue>`, then `compromise.<issue>`.
    pub fans: Vec<Fan>,
    /// Per run, per year, per issue: the EUM forecast (for scoring event probabilities).
    #[serde(skip)]
    pub eum_runs: Vec<Vec<Vec<f64>>>,
    pub notes: Vec<String>,
}

impl SimulationResult {
    /// The central run's value of fan `series` (an index into [`SimulationResult::fans`]:
    /// indicators, then EUM forecasts, then compromise forecasts) in year index `y`; `None`
    /// for an index that is not a series or a year of the result.
    pub fn central_value(&self, series: usize, y: usize) -> Option<f64> {
        let n_ind = self.indicator_names.len();
        let n_iss = self.issue_ids.len();
        if series < n_ind {
            self.central.indicators.get(y)?.get(series).copied()
        } else if series < n_ind + n_iss {
            self.central.eum.get(y)?.get(series - n_ind).copied()
        } else {
            self.central
                .compromise
                .get(y)?
                .get(series - n_ind - n_iss)
                .copied()
        }
    }
}

/// The draws of run `run`: link parameters and issue inputs, from `ChaCha8Rng` seeded with
/// `seed` on stream `run` (links first, in declared order, then issues in order).
pub fn draw_run(
    sim: &Simulator,
    settings: &SimulationSettings,
    run: u64,
) -> (Vec<f64>, Vec<BargainingInput>) {
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    rng.set_stream(run);
    let parameters = sim
        .link_parameters
        .iter()
        .zip(&sim.link_ranges)
        .map(|(&p, &(lo, hi))| {
            if settings.vary_links && lo < hi {
                Uniform::new_inclusive(lo, hi).map_or(p, |d| d.sample(&mut rng))
            } else {
                p
            }
        })
        .collect();
    let issues = sim
        .issue_inputs
        .iter()
        .map(|input| perturb(input, &settings.perturbation, &mut rng))
        .collect();
    (parameters, issues)
}

/// Runs `settings.runs` trajectories in parallel and summarises them as yearly fans; `on_run`
/// is called after each run (for a progress bar). Run `k` depends on `(seed, k)` only.
pub fn monte_carlo(
    sim: &Simulator,
    settings: &SimulationSettings,
    on_run: &(dyn Fn() + Sync),
) -> Result<SimulationResult, SimulationError> {
    let central = sim.run_central()?;
    let runs: Vec<Trajectory> = (0..settings.runs as u64)
        .into_par_iter()
        .map(|k| {
            let (parameters, issues) = draw_run(sim, settings, k);
            let t = sim.run(&parameters, &issues);
            on_run();
            t
        })
        .collect::<Result<_, _>>()?;
    let years = central.years.clone();
    let mut fans = Vec::new();
    let fan = |name: String, get: &dyn Fn(&Trajectory, usize) -> f64| {
        let mut p5 = Vec::new();
        let mut p50 = Vec::new();
        let mut p95 = Vec::new();
        for y in 0..years.len() {
            let mut values: Vec<f64> = runs.iter().map(|t| get(t, y)).collect();
            values.sort_by(f64::total_cmp);
            p5.push(quantile(&values, 0.05));
            p50.push(quantile(&values, 0.50));
            p95.push(quantile(&values, 0.95));
        }
        Fan { name, p5, p50, p95 }
    };
    for (i, name) in sim.indicator_names.iter().enumerate() {
        fans.push(fan(name.clone(), &|t, y| t.indicators[y][i]));
    }
    for (i, id) in sim.issue_ids.iter().enumerate() {
        fans.push(fan(format!("eum.{id}"), &|t, y| t.eum[y][i]));
    }
    for (i, id) in sim.issue_ids.iter().enumerate() {
        fans.push(fan(format!("compromise.{id}"), &|t, y| t.compromise[y][i]));
    }
    let eum_runs = runs.into_iter().map(|t| t.eum).collect();
    Ok(SimulationResult {
        years,
        runs: settings.runs,
        seed: settings.seed,
        rng: crate::sensitivity::RNG_NAME,
        central,
        indicator_names: sim.indicator_names.clone(),
        issue_ids: sim.issue_ids.clone(),
        fans,
        eum_runs,
        notes: sim.notes.clone(),
    })
}
