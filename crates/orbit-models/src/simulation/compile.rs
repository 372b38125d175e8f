//! Compiling a scenario into a [`Simulator`]: state slots, share groups, compiled links and the
//! timeline's shocks per year.

use std::collections::{BTreeMap, HashMap};

use orbit_scenario::{ActorId, Link, LinkForm, LinkInput, TradeFlow, Variable, World};

use super::SimulationError;
use super::bargain_stage::{BargainDraw, BargainStage};
use super::observe::{initial_share, observed_price, sanctions_in_force, transit_shares};
use crate::bargaining::{BargainingInput, EumOptions, StopRule};

/// Where a state variable's value lives: a slot of the state vector, or computed on read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place {
    Slot(usize),
    /// Index into [`Simulator::derived`].
    Dependence(usize),
}

/// A compiled link: places instead of names.
#[derive(Debug, Clone)]
pub(super) struct CompiledLink {
    pub(super) from: Place,
    pub(super) to: usize,
    pub(super) form: LinkForm,
    pub(super) input: LinkInput,
    pub(super) threshold: f64,
    pub(super) midpoint: f64,
    pub(super) steepness: f64,
    /// For position targets: (issue, mover's position index, toward's position index).
    pub(super) toward: Option<(usize, usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum SlotKind {
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
    /// The variables of `indicator_names`, in the same order (the typed ids of the series).
    pub indicator_variables: Vec<Variable>,
    /// Issue ids, as in [`Trajectory::eum`] and [`Trajectory::compromise`].
    pub issue_ids: Vec<String>,
    /// Ids, central parameters and ranges of the links kept (declared order; a link through a
    /// variable with no value on record is left out, see `notes`).
    pub link_ids: Vec<String>,
    pub link_parameters: Vec<f64>,
    pub link_ranges: Vec<(f64, f64)>,
    /// What was assumed in compiling the scenario (missing data, pipelines left out...).
    pub notes: Vec<String>,
    pub(super) slot_kinds: Vec<SlotKind>,
    pub(super) initial: Vec<f64>,
    pub(super) groups: Vec<Vec<usize>>,
    pub(super) links: Vec<CompiledLink>,
    /// Per issue: the slot of each position's position and salience, and the scale.
    pub(super) issue_slots: Vec<Vec<(usize, usize)>>,
    pub(super) scales: Vec<(f64, f64)>,
    pub(super) issue_inputs: Vec<BargainingInput>,
    /// Timeline shocks for years `from - 1 ..= to`: `(slot, value)`.
    pub(super) shocks: Vec<Vec<(usize, f64)>>,
    /// Dependence pairs `(actor, patron)` and the slots of the actor's export and import shares
    /// with the patron.
    pub(super) derived: Vec<(ActorId, ActorId, Vec<usize>)>,
    pub(super) eum: EumOptions,
    /// Every declared link's central parameter and range, kept or not: a Monte Carlo run
    /// draws for each, so leaving a link out does not shift the other draws of the stream.
    pub(super) declared_links: Vec<(f64, (f64, f64))>,
    /// Indices into `declared_links` of the links kept, as in `link_ids`.
    pub(super) kept_links: Vec<usize>,
    /// The patron–client bargain stage, when the scenario has what it needs (`notes` says what
    /// it did or why it was left out).
    pub bargain: Option<BargainStage>,
    /// The central run's bargain inputs (fitted parameters, no shocks, reference held).
    pub(super) central_bargain: Option<BargainDraw>,
    /// Per issue: the slot of the state variable it is the bargaining view of
    /// (`indicator`), whose value is then the issue's outcome.
    pub(super) indicator_slots: Vec<Option<usize>>,
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
        // Missing is missing: a share with no record at all is left out (no slot, so no series
        // and no link through it), never started at 0; one recorded only after `from` starts
        // at its first record, and the note says so.
        for v in kept {
            match initial_share(world, &v, from) {
                Some((year, x)) => {
                    let s = b.slot(v);
                    b.initial[s] = x;
                    if year > from {
                        b.notes.push(format!(
                            "`{}` has no share on record on or before {from}: it starts at its first record, {year}'s",
                            v.name(world)
                        ));
                    }
                }
                None => b.notes.push(format!(
                    "`{}` is left out: no share on record (missing, not 0)",
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
        // Link variables not seen yet (events counts, sanctions, other transit shares): counts
        // whose absence in the timeline is a true 0. Prices and shares without a record have no
        // slot: the links through them are left out below.
        for l in &world.links {
            for v in [l.from, l.to] {
                if !matches!(
                    v,
                    Variable::Dependence { .. }
                        | Variable::Position { .. }
                        | Variable::Salience { .. }
                        | Variable::TradeShare { .. }
                        | Variable::Price { .. }
                        | Variable::Alignment { .. }
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
        // Initial prices: the latest observation on or before `from`; with none, the first
        // observation after it (a declared fill, noted), never 0. Every price slot has one:
        // slots are made only for prices with data.
        let mut price_notes = Vec::new();
        for (var, &s) in &b.index {
            if let Variable::Price {
                commodity,
                importer,
            } = *var
            {
                let observed =
                    |y: &i32| observed_price(world, commodity, importer, *y).map(|p| (*y, p));
                let before = (world.meta.years.first.min(from)..=from)
                    .rev()
                    .find_map(|y| observed(&y));
                let first_after =
                    || (from + 1..=world.meta.years.last.max(from)).find_map(|y| observed(&y));
                match before.or_else(first_after) {
                    Some((year, p)) => {
                        b.initial[s] = p;
                        if year > from {
                            price_notes.push(format!(
                                "`{}` has no price on record on or before {from}: it starts at its first observation, {year}'s",
                                var.name(world)
                            ));
                        }
                    }
                    None => price_notes.push(format!(
                        "`{}` has no price on record in {}-{}: it is left at 0 (a declared fill; check its records' years)",
                        var.name(world),
                        world.meta.years.first,
                        world.meta.years.last
                    )),
                }
            }
        }
        b.notes.extend(price_notes);
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
        // The patron–client bargain: calibrated on the world as handed (up to its last data
        // year), or left out with the reason. Its alignment slot exists only with it, so a
        // link through `alignment.<client>` without the stage is left out (missing, not 0).
        let mut stage_notes = Vec::new();
        let sanction_slots: Vec<(Variable, usize)> = {
            let mut v: Vec<(Variable, usize)> = b
                .index
                .iter()
                .filter(|(var, _)| matches!(var, Variable::Sanctions { .. }))
                .map(|(var, &s)| (*var, s))
                .collect();
            v.sort_by_key(|x| x.1);
            v
        };
        let next_slot = b.names.len();
        let focus_code = world.code(world.meta.focus).to_string();
        let stage = BargainStage::build(
            world,
            &|v| b.index.get(v).copied(),
            next_slot,
            &sanction_slots,
            &mut stage_notes,
        );
        let stage = match stage {
            Ok(stage) => {
                let alignment = b.slot(Variable::Alignment {
                    actor: world.meta.focus,
                });
                debug_assert_eq!(alignment, next_slot);
                stage_notes.push(stage.describe(&focus_code));
                Some(stage)
            }
            Err(reason) => {
                stage_notes.push(format!(
                    "bargain stage left out: {reason}; `price.gas.{focus_code}` is carried forward after its last observation"
                ));
                None
            }
        };
        // Issues that are the bargaining view of a state variable report that variable.
        let mut indicator_slots = Vec::with_capacity(world.issues.len());
        for issue in &world.issues {
            indicator_slots.push(match issue.indicator {
                Some(v) => {
                    let s = b.index.get(&v).copied();
                    if s.is_none() {
                        stage_notes.push(format!(
                            "issue `{}` names `{}` as its indicator, which has no value on record: the issue is bargained over on its own",
                            issue.id,
                            v.name(world)
                        ));
                    }
                    s
                }
                None => None,
            });
        }
        // A dependence needs at least one of the two shares on record; without, it is left out
        // (missing, not 0) together with the links that read it.
        let derived: Vec<(ActorId, ActorId, Vec<usize>)> = derived
            .into_iter()
            .filter_map(|(a, p)| {
                let slots: Vec<usize> = [TradeFlow::Exports, TradeFlow::Imports]
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
                if slots.is_empty() {
                    b.notes.push(format!(
                        "`{}` is left out: neither trade share of the pair is on record (missing, not 0)",
                        Variable::Dependence { actor: a, patron: p }.name(world)
                    ));
                    return None;
                }
                Some((a, p, slots))
            })
            .collect();
        // A link whose input or target has no value (left out above) is left out too: it
        // would otherwise move, or read, a number nobody stated.
        let available = |v: &Variable| match *v {
            Variable::Dependence { actor, patron } => {
                derived.iter().any(|d| d.0 == actor && d.1 == patron)
            }
            other => b.index.contains_key(&other),
        };
        let kept_links: Vec<(usize, &Link)> = world
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let missing: Vec<String> = [l.from, l.to]
                    .iter()
                    .filter(|v| !available(v))
                    .map(|v| format!("`{}`", v.name(world)))
                    .collect();
                if !missing.is_empty() {
                    b.notes.push(format!(
                        "link `{}` is left out: {} has no value on record",
                        l.id,
                        missing.join(" and ")
                    ));
                }
                missing.is_empty()
            })
            .collect();
        b.notes.sort();
        b.notes.dedup();
        // The stage's notes come last, in the order written (the description first).
        b.notes.extend(stage_notes);
        let links = kept_links
            .iter()
            .map(|(_, l)| compile_link(l, &b, world, &derived))
            .collect();
        let mut indicator_variables =
            vec![Variable::TransitShare { actor: ActorId(0) }; b.names.len()];
        for (&variable, &slot) in &b.index {
            indicator_variables[slot] = variable;
        }
        indicator_variables.extend(
            derived
                .iter()
                .map(|&(actor, patron, _)| Variable::Dependence { actor, patron }),
        );
        let indicator_names = indicator_variables.iter().map(|v| v.name(world)).collect();
        let issue_inputs = world
            .issues
            .iter()
            .map(|issue| crate::forecast::input_from_issue(world, issue))
            .collect();
        Ok(Simulator {
            from,
            to,
            indicator_names,
            indicator_variables,
            issue_ids: world.issues.iter().map(|i| i.id.clone()).collect(),
            link_ids: kept_links.iter().map(|(_, l)| l.id.clone()).collect(),
            link_parameters: kept_links.iter().map(|(_, l)| l.parameter).collect(),
            link_ranges: kept_links.iter().map(|(_, l)| l.range).collect(),
            declared_links: world.links.iter().map(|l| (l.parameter, l.range)).collect(),
            kept_links: kept_links.iter().map(|(i, _)| *i).collect(),
            central_bargain: stage.as_ref().map(|s| s.central(from, to)),
            bargain: stage,
            indicator_slots,
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
